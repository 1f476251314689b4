"""The registry's units of work: each function changes the files, the audit log and the outbox together."""

import json

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.registry import payee_requests, payee_rules, units, workers
from services.registry.models import audit_log, outbox, status_history
from services.registry.models import workers as workers_table
from services.registry.scope import under, within_scope
from shared import clock
from shared.db import insert_many, row_by_id
from shared.domain_errors import Refused
from shared.errors import validation_error
from shared.event_types import new_event
from shared.events import new_id, now_utc
from shared.masking import scrub
from shared.outbox import add_events
from shared.validation import parse_id_number


def audit(session, actor: str, action: str, worker_id: str | None, **details) -> None:
    session.execute(
        insert(audit_log).values(
            at=now_utc(),
            actor=actor,
            action=action,
            worker_id=worker_id,
            details=details,
        )
    )


def duplicate_worker(worker_id: str) -> Refused:
    return Refused("duplicate_worker", "该身份证号已建档", {"worker_id": worker_id})


WHAT = "职工档案"
MOVE_NEEDS_REASON = "调到其他工会组织须说明原因"


def load(session, worker_id: str, scope: str | None):
    """A file in the caller's scope; one out of it is answered as unknown."""
    return row_by_id(
        session, workers_table.c.worker_id, worker_id, WHAT, within_scope(session, workers_table.c.path, scope)
    )


def reread(session, worker_id: str):
    """A file whose id the caller's scope was already checked for (or that was just written)."""
    return row_by_id(session, workers_table.c.worker_id, worker_id, WHAT)


def register(session, vault, data: dict, actor: str, scope: str | None):
    if data["filed_on"] is None:
        data["filed_on"] = clock.today()
    unit = units.union_of(session, data, scope)
    data = {**data, "union": unit.name, "org_unit_id": unit.org_unit_id}
    id_hash = vault.lookup_hash(data["id_number"])
    existing = session.execute(
        select(workers_table.c.worker_id).where(workers_table.c.id_number_hash == id_hash)
    ).scalar()
    session.rollback()  # end the read before writing (see write_if_unchanged)
    if existing:
        raise duplicate_worker(existing)
    row = {
        **workers.new_row(vault, data, parse_id_number(data["id_number"]), new_id(), id_hash, now_utc()),
        "org_unit_id": unit.org_unit_id,
        "path": unit.path,
    }
    try:
        session.execute(insert(workers_table).values(**row))
        audit(session, actor, "create", row["worker_id"])
        add_events(session, outbox, [new_event("worker_registered", **workers.event_about(row))])
        session.commit()
    except IntegrityError:
        session.rollback()
        raise duplicate_worker(
            session.execute(select(workers_table.c.worker_id).where(workers_table.c.id_number_hash == id_hash)).scalar()
        ) from None
    return reread(session, row["worker_id"])


def write_if_unchanged(session, row, **values) -> None:
    """Update the file only if nobody changed it since it was read, in a transaction of its own.

    The read that came before is ended first: on SQLite a read kept open cannot turn into a write
    once another writer has committed, and the version check keeps the update correct without it.
    """
    session.rollback()
    moved = session.execute(
        update(workers_table)
        .where(workers_table.c.worker_id == row.worker_id, workers_table.c.version == row.version)
        .values(version=row.version + 1, **values)
    ).rowcount
    if not moved:
        session.rollback()
        raise Refused("conflict", "档案刚被他人修改，请刷新后重试")


def apply_update(session, vault, worker_id: str, changes: dict, actor: str, scope: str | None) -> tuple:
    """PATCH: merge the given fields into the file, except new bank details, which open a change request
    (payee_rules); no change at all writes nothing. A move to another unit of the scope needs a reason, kept in the
    audit log. The file as it now is, and the change request's id or None."""
    row = load(session, worker_id, scope)
    reason = changes.pop("reason", None)
    unit = None
    if "union" in changes or "org_unit_id" in changes:
        unit = units.union_of(session, changes, scope)
        changes = {**changes, "union": unit.name, "org_unit_id": unit.org_unit_id}
    before = workers.data_of(vault, row)
    after, requested_bank = payee_rules.held_back(before, workers.patched(before, changes))
    changed = workers.changed_fields(before, after)
    moved = unit is not None and unit.org_unit_id != row.org_unit_id
    if moved and reason is None:
        session.rollback()
        raise validation_error({"reason": [MOVE_NEEDS_REASON]})
    if not changed and requested_bank is None:
        session.rollback()
        return row, None
    now = now_utc()
    if changed:
        placed = {"org_unit_id": unit.org_unit_id, "path": unit.path} if moved else {}
        write_if_unchanged(session, row, **workers.stored_fields(vault, after), **placed, updated_at=now)
        audit(session, actor, "update", worker_id, fields=changed)
        if moved:
            audit(
                session,
                actor,
                "move",
                worker_id,
                from_org_unit_id=row.org_unit_id,
                from_union=row.union,
                to_org_unit_id=unit.org_unit_id,
                to_union=unit.name,
                reason=reason,
            )
    else:
        session.rollback()  # end the read before writing (see write_if_unchanged)
    change_request_id = None
    if requested_bank is not None:
        change_request_id, entries = payee_requests.open_request(
            session, vault, row, requested_bank, actor, payee_rules.FROM_API, now
        )
        insert_many(session, audit_log, entries)
    updated = announce_update(session, worker_id, changed) if changed else row
    session.commit()
    return updated, change_request_id


def announce_update(session, worker_id: str, changed: list[str]):
    """The worker_updated event of a file just written, in the same transaction; the file as written."""
    updated = reread(session, worker_id)
    add_events(
        session,
        outbox,
        [
            new_event(
                "worker_updated",
                **workers.event_about(updated._mapping),
                version=updated.version,
                changed=changed,
            )
        ],
    )
    return updated


def change_status(session, worker_id: str, new_status: str, reason: str, actor: str, scope: str | None):
    row = load(session, worker_id, scope)
    if new_status == row.status:
        session.rollback()
        raise Refused("invalid_transition", f"档案已经是 {row.status} 状态")
    now = now_utc()
    write_if_unchanged(session, row, status=new_status, updated_at=now)
    session.execute(
        insert(status_history).values(
            worker_id=worker_id,
            from_status=row.status,
            to_status=new_status,
            reason=reason,
            actor=actor,
            at=now,
        )
    )
    audit(session, actor, "status", worker_id, from_status=row.status, to_status=new_status)
    updated = reread(session, worker_id)
    add_events(
        session,
        outbox,
        [
            new_event(
                "worker_status_changed",
                **workers.event_about(updated._mapping),
                from_status=row.status,
                reason=scrub(reason),
            )
        ],
    )
    session.commit()
    return updated


def history(session, worker_row) -> list[dict]:
    """Status changes, starting with the filing itself (which every file has, so it is not stored)."""
    filed = {"from": None, "to": "active", "at": worker_row.created_at.isoformat(), "actor": None, "reason": "建档"}
    rows = session.execute(
        select(status_history).where(status_history.c.worker_id == worker_row.worker_id).order_by(status_history.c.id)
    ).all()
    return [filed] + [
        {
            "from": row.from_status,
            "to": row.to_status,
            "at": row.at.isoformat(),
            "actor": row.actor,
            "reason": row.reason,
        }
        for row in rows
    ]


def search(session, vault, query: dict, scope: str | None):
    """The files of the scope that match the query; `org_unit_id` narrows it to that unit's subtree (404 for a unit out
    of scope, as for an unknown one)."""
    conditions = [within_scope(session, workers_table.c.path, scope)]
    if "org_unit_id" in query:
        conditions.append(under(workers_table.c.path, units.load(session, query["org_unit_id"], scope).path))
    if "id_number" in query:
        conditions.append(workers_table.c.id_number_hash == vault.lookup_hash(query["id_number"]))
    for field in ("category", "status", "union"):
        if field in query:
            conditions.append(workers_table.c[field] == query[field])
    if "review_due_by" in query:
        conditions.append(workers_table.c.review_due_on <= query["review_due_by"])
    if "q" in query:
        pattern = "%" + query["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            workers_table.c.name.like(pattern, escape="\\") | workers_table.c.employer.like(pattern, escape="\\")
        )
    order = (workers_table.c.created_at, workers_table.c.worker_id)
    # the page's ids and the total in one pass, then the page's files: the ids of a search by category and name come
    # from ix_workers_search alone (models.py), so PostgreSQL reads the files it shows and no other
    offset = (query["page"] - 1) * query["per_page"]
    page = session.execute(
        select(workers_table.c.worker_id, func.count().over().label("total"))
        .where(*conditions)
        .order_by(*order)
        .limit(query["per_page"])
        .offset(offset)
    ).all()
    if page:
        total = page[0].total
    elif offset:  # a page past the last: the total alone
        total = session.execute(select(func.count()).select_from(workers_table).where(*conditions)).scalar()
    else:
        total = 0
    rows = session.execute(
        select(workers_table).where(workers_table.c.worker_id.in_([row.worker_id for row in page])).order_by(*order)
    ).all()
    return rows, total


def audit_trail(session, worker_id: str, scope: str | None) -> list:
    load(session, worker_id, scope)
    return session.execute(select(audit_log).where(audit_log.c.worker_id == worker_id).order_by(audit_log.c.id)).all()


def applicants(session, worker_ids: list[str]) -> dict:
    """The aid service's view of each known worker (see workers.applicant_profile); unknown ids are left out."""
    rows = session.execute(select(workers_table).where(workers_table.c.worker_id.in_(worker_ids))).all()
    session.rollback()
    return {row.worker_id: workers.applicant_profile(row) for row in rows}


def _sealed_rows(session, worker_ids: list[str], *columns) -> list:
    """The workers' sealed numbers with some other columns, the read ended (SQLite)."""
    rows = session.execute(
        select(workers_table.c.worker_id, workers_table.c.sealed, *columns).where(
            workers_table.c.worker_id.in_(worker_ids)
        )
    ).all()
    session.rollback()
    return rows


def contacts(session, vault, worker_ids: list[str]) -> dict:
    """Each worker's phone for the notify service, sealed again on its own: the bus only ever carries ciphertext."""
    rows = _sealed_rows(session, worker_ids, workers_table.c.phone_masked)
    return {
        row.worker_id: {
            "phone_sealed": vault.encrypt(workers.unseal(vault, row.sealed)[1]),
            "phone_masked": row.phone_masked,
        }
        for row in rows
    }


def payees(session, vault, worker_ids: list[str]) -> dict:
    """Who the bank pays, for the aid service's bank file: name, bank and full account, sealed under DATA_KEY."""
    rows = _sealed_rows(session, worker_ids, workers_table.c.name, workers_table.c.bank_name)
    return {
        row.worker_id: vault.encrypt(
            json.dumps(
                {"name": row.name, "bank_name": row.bank_name, "account": workers.unseal(vault, row.sealed)[2]},
                ensure_ascii=False,
            )
        )
        for row in rows
    }
