"""Importing an aid centre's registry sheet: keep the valid rows, report the rest.

Rows come checked (sheet_rows.check_row) and are written in chunks: new ID numbers become new files,
known ones are updated only when the sheet says something different, so importing the same file twice
creates nothing. New bank details are not applied: they open a change request (payee_rules), reported in
`pending_changes`. A row's union is resolved by name among the units of the importer's scope, as the API resolves it;
a sheet cannot move a file to another unit (that needs a reason) nor touch one out of the scope.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from services.registry import org_rules, payee_requests, payee_rules, workers
from services.registry.models import audit_log, outbox
from services.registry.models import workers as workers_table
from services.registry.spreadsheet import HEADER_BY_FIELD, SkippedLine
from shared.db import insert_many
from shared.event_types import new_event
from shared.events import new_id, now_utc
from shared.org_paths import within
from shared.outbox import add_events
from shared.validation import InvalidValue

# a chunk refused because others filed or changed the same people meanwhile is written again; more than once is rare
WRITE_ATTEMPTS = 3
NO_DETAILS: dict = {}  # shared, so a bulk insert serialises it once
UNCHANGED = object()
OUT_OF_SCOPE = object()
OTHER_UNIT = object()
FILED_OUT_OF_SCOPE = "该身份证号已在本人组织范围以外建档"
FILED_IN_OTHER_UNIT = "该职工的档案属于另一工会组织；调动须在档案中修改并说明原因"


class ChangedMeanwhile(Exception):
    """A file the chunk updates was changed (say, a payee change approved) after the chunk read it."""


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    pending_changes: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # total and note lines: [{"row", "reason"}]
    unknown_unions: list = field(default_factory=list)  # sorted, each once


class Importer:
    """Takes checked rows, writes them a chunk at a time; `result` holds the running totals."""

    def __init__(self, session, vault, actor: str, unions: dict[str, list[org_rules.UnionUnit]], scope_path: str):
        """`unions`: the units of the importer's scope by name (units.unions_by_name), `scope_path` its path."""
        self.session = session
        self.vault = vault
        self.actor = actor
        self.unions = unions
        self.scope_path = scope_path
        self.result = ImportResult()
        self._first_row_of_id: dict[str, int] = {}
        self._pending: list[tuple] = []

    def take(self, checked: tuple) -> None:
        """One row as check_row gave it: kept for the next flush, or rejected with its messages."""
        row_number, id_hash, row_or_errors = checked
        if isinstance(row_or_errors, SkippedLine):
            self.result.skipped.append({"row": row_number, "reason": row_or_errors.reason})
            return
        self.result.total_rows += 1
        if id_hash is not None:
            misplaced = self._place(row_or_errors)
            first = self._first_row_of_id.setdefault(id_hash, row_number) if misplaced is None else None
            if first == row_number:
                self._pending.append(checked)
                return
            row_or_errors = misplaced or {"id_number": f"与第{first}行的身份证号重复"}
        self.result.rejected.extend(_rejections(row_number, row_or_errors))

    def _place(self, prepared: dict) -> dict | None:
        """Give the row its union's unit; or, for a union the scope does not hold, the rejection (the name noted)."""
        try:
            unit = org_rules.union_named(prepared["union"], self.unions)
        except InvalidValue as exc:
            if str(exc) == org_rules.UNKNOWN_UNION and prepared["union"] not in self.result.unknown_unions:
                self.result.unknown_unions = sorted([*self.result.unknown_unions, prepared["union"]])
            return {"union": str(exc)}
        prepared.update(org_unit_id=unit.org_unit_id, path=unit.path)
        return None

    def _stored_rows_that_differ(self, pending) -> dict:
        """{id hash: the stored row where the sheet says something new, UNCHANGED, OUT_OF_SCOPE or OTHER_UNIT};
        new IDs are absent.

        Everything is read before anything is written, and the read is ended: on SQLite a read kept
        open cannot become a write once another writer (an API call during the import) has committed.
        """
        known = {
            row.id_number_hash: row
            for row in self.session.execute(
                select(
                    workers_table.c.worker_id,
                    workers_table.c.id_number_hash,
                    workers_table.c.fingerprint,
                    workers_table.c.org_unit_id,
                    workers_table.c.path,
                ).where(workers_table.c.id_number_hash.in_([id_hash for _, id_hash, _ in pending]))
            )
        }
        placed = {}
        for _, id_hash, prepared in pending:
            if id_hash in known:
                stored = known[id_hash]
                if not within(stored.path, self.scope_path):
                    placed[id_hash] = OUT_OF_SCOPE
                elif stored.org_unit_id != prepared["org_unit_id"]:
                    placed[id_hash] = OTHER_UNIT
        stale = {
            id_hash: known[id_hash].worker_id
            for _, id_hash, prepared in pending
            if id_hash in known and id_hash not in placed and known[id_hash].fingerprint != prepared["fingerprint"]
        }
        rows = {}
        if stale:
            rows = {
                row.id_number_hash: row
                for row in self.session.execute(
                    select(workers_table).where(workers_table.c.worker_id.in_(stale.values()))
                )
            }
        self.session.rollback()
        return {id_hash: placed.get(id_hash) or rows.get(id_hash, UNCHANGED) for id_hash in known}

    def flush(self) -> None:
        """Write the rows added since the last flush, in the caller's transaction, which must hold nothing else.

        Another import or an API call on another instance may file or change some of the same people between
        our read and our write; the unique key or the version then refuses the chunk, and it is rolled back
        and written again against what is stored now, so nobody is filed twice, no change made meanwhile
        (an approved payee above all) is written over, and the import goes on.
        """
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                created, updated, unchanged, pending_changes, rejected = self._write(pending)
                break
            except (IntegrityError, ChangedMeanwhile):
                self.session.rollback()
                if attempt == WRITE_ATTEMPTS:
                    raise
        self.result.created += created
        self.result.updated += updated
        self.result.unchanged += unchanged
        self.result.pending_changes.extend(pending_changes)
        self.result.rejected.extend(rejected)

    def _write(self, pending) -> tuple[int, int, int, list, list]:
        stored = self._stored_rows_that_differ(pending)
        now = now_utc()
        occurred_at = now.isoformat()
        created, changed, events, audits, pending_changes, rejected = [], [], [], [], [], []
        unchanged = 0
        for row_number, id_hash, prepared in pending:
            row = stored.get(id_hash)
            if row is None:
                prepared.update(worker_id=new_id(), created_at=now, updated_at=now)  # a retry writes them anew
                created.append(prepared)
                events.append(new_event("worker_registered", occurred_at, **workers.event_about(prepared)))
                audits.append(
                    {
                        "at": now,
                        "actor": self.actor,
                        "action": "import_create",
                        "worker_id": prepared["worker_id"],
                        "details": NO_DETAILS,
                    }
                )
            elif row is UNCHANGED:
                unchanged += 1
            elif row is OUT_OF_SCOPE:
                rejected += _rejections(row_number, {"id_number": FILED_OUT_OF_SCOPE})
            elif row is OTHER_UNIT:
                rejected += _rejections(row_number, {"union": FILED_IN_OTHER_UNIT})
            else:
                before = workers.data_of(self.vault, row)
                sheet = {**workers.data_of(self.vault, SimpleNamespace(**prepared)), "family": before["family"]}
                after, requested_bank = payee_rules.held_back(before, sheet)
                if requested_bank is not None and not payee_rules.may_request(self.actor):
                    rejected += _rejections(row_number, {"bank_account": payee_rules.NOT_FROM_COMMAND_LINE})
                    continue
                if requested_bank is not None:
                    change_request_id, entries = payee_requests.open_request(
                        self.session, self.vault, row, requested_bank, self.actor, payee_rules.FROM_IMPORT, now
                    )
                    audits.extend(entries)
                    pending_changes.append(
                        {"row": row_number, "worker_id": row.worker_id, "change_request_id": change_request_id}
                    )
                fields_changed = workers.changed_fields(before, after)
                if not fields_changed:  # only the bank details differ: the file itself stays as it is
                    unchanged += 1
                    continue
                values = {**workers.stored_fields(self.vault, after), "version": row.version + 1, "updated_at": now}
                changed.append({"b_worker_id": row.worker_id, "b_version": row.version, **values})
                about = {**row._mapping, **values}
                events.append(
                    new_event(
                        "worker_updated",
                        occurred_at,
                        **workers.event_about(about),
                        version=values["version"],
                        changed=fields_changed,
                    )
                )
                audits.append(
                    {
                        "at": now,
                        "actor": self.actor,
                        "action": "import_update",
                        "worker_id": row.worker_id,
                        "details": {"fields": fields_changed},
                    }
                )
        insert_many(self.session, workers_table, created)
        if changed:
            written = self.session.execute(
                update(workers_table).where(
                    workers_table.c.worker_id == bindparam("b_worker_id"),
                    workers_table.c.version == bindparam("b_version"),
                ),
                changed,
            ).rowcount
            if written != len(changed):
                raise ChangedMeanwhile
        insert_many(self.session, audit_log, audits)
        add_events(self.session, outbox, events)
        return len(created), len(changed), unchanged, pending_changes, rejected


def _rejections(row_number: int, errors: dict) -> list[dict]:
    return [
        {
            "row": row_number,
            "field": field_name,
            "column": HEADER_BY_FIELD[field_name],
            "message": f"{HEADER_BY_FIELD[field_name]}：{message}",
        }
        for field_name, message in errors.items()
    ]
