"""The registry's answers as the API shows them, each produced by its schema (answers.py)."""

from services.registry import payee_rules, rules
from services.registry.answers import (
    AuditTrailSchema,
    ChangeRequestPageSchema,
    ChangeRequestViewSchema,
    ImportProgressSchema,
    ImportResultSchema,
    PayeeChangePendingSchema,
    WorkerPageSchema,
    WorkerSchema,
    WorkerWithHistorySchema,
)
from services.registry.workers import data_of, masked_data_of
from shared.answers import Shown, page_of
from shared.masking import birth_fields, mask_name

WORKER, WORKER_WITH_HISTORY = WorkerSchema(), WorkerWithHistorySchema()
CHANGE_REQUEST, PAYEE_CHANGE_PENDING = ChangeRequestViewSchema(), PayeeChangePendingSchema()
WORKER_PAGE, CHANGE_REQUEST_PAGE = WorkerPageSchema(), ChangeRequestPageSchema()
AUDIT_TRAIL, IMPORT_RESULT, IMPORT_PROGRESS = AuditTrailSchema(), ImportResultSchema(), ImportProgressSchema()


def worker(vault, row, reveal: bool = False, history: list[dict] | None = None) -> dict:
    """A worker (WorkerSchema): masked, unless a caseworker or admin asked to reveal it; with its status changes
    when given them (WorkerWithHistorySchema). The values are listed here, not taken from the row, so that the
    birth date is shown only when revealed."""
    shown = _worker_shown(vault, row, reveal)
    if history is None:
        return WORKER.dump(shown)
    return WORKER_WITH_HISTORY.dump({**shown, "status_history": history})


def worker_page(vault, rows, total: int, page: int, per_page: int) -> dict:
    """A page of workers (WorkerPageSchema), each masked."""
    return page_of(WORKER_PAGE, [_worker_shown(vault, row) for row in rows], total, page, per_page)


def _worker_shown(vault, row, reveal: bool = False) -> dict:
    return {
        "worker_id": row.worker_id,
        **(data_of(vault, row) if reveal else masked_data_of(row)),
        "gender": row.gender,
        **birth_fields(row.birth_date, reveal),
        "per_capita_income_fen": rules.per_capita_income_fen(row.household_monthly_income_fen, row.household_size),
        "review_due_on": row.review_due_on,
        "status": row.status,
        "version": row.version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "bank_changed_at": row.bank_changed_at,
    }


def change_request(request, worker_name: str) -> dict:
    """A change request as reviewers see it (ChangeRequestViewSchema): old and new accounts masked, nothing that
    undoes the mask."""
    return CHANGE_REQUEST.dump(_change_request_shown(request, worker_name))


def change_request_page(rows, total: int, page: int, per_page: int) -> dict:
    """A page of change requests (ChangeRequestPageSchema), each row with its worker's `name`."""
    return page_of(CHANGE_REQUEST_PAGE, [_change_request_shown(row, row.name) for row in rows], total, page, per_page)


def _change_request_shown(request, worker_name: str) -> Shown:
    return Shown(
        request,
        name=mask_name(worker_name),
        old_bank={"name": request.old_bank_name, "account": request.old_account_masked},
        new_bank={"name": request.new_bank_name, "account": request.new_account_masked},
    )


def pending_change(change_request_id: str, worker_view: dict) -> dict:
    """The answer to a change of bank details that waits for a second person (PayeeChangePendingSchema), with the
    worker's file as the other fields changed it."""
    return PAYEE_CHANGE_PENDING.dump(
        {"change_request_id": change_request_id, "status": payee_rules.PENDING, "worker": worker_view}
    )


def audit_trail(entries) -> dict:
    """A worker's audit log (AuditTrailSchema), oldest first."""
    return AUDIT_TRAIL.dump({"items": entries})


def import_result(import_id: str, result) -> dict:
    """What an import did (ImportResultSchema), from the importer's running totals."""
    return IMPORT_RESULT.dump(Shown(result, import_id=import_id))


def import_progress(row) -> dict:
    """How far an import has come (ImportProgressSchema); its result once it is done."""
    return IMPORT_PROGRESS.dump(row)
