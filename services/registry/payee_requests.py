"""Bank-detail change requests in the registry's database: opening one, listing them, when payees changed.

Deciding one changes the worker file as well: see payee_decisions.py.
"""

from sqlalchemy import func, select, update

from services.registry import payee_rules, views
from services.registry.models import change_requests, workers
from services.registry.scope import worker_within_scope
from shared.events import new_id
from shared.masking import mask_bank_account


def open_request(session, vault, worker, bank: dict, actor: str, source: str, now) -> tuple[str, list[dict]]:
    """Ask for `bank` as the payee of the stored `worker`, in the caller's transaction; the request's id and the
    audit log entries to write with it.

    Other pending requests of the worker are superseded; one asking for the same details is kept and returned.
    It writes before it reads: on SQLite a read cannot become a write once another writer has committed.
    """
    bank_hash = vault.lookup_hash(payee_rules.bank_key(bank))
    pending = (change_requests.c.worker_id == worker.worker_id) & (change_requests.c.status == payee_rules.PENDING)
    superseded = (
        session.execute(
            update(change_requests)
            .where(pending, change_requests.c.new_bank_hash != bank_hash)
            .values(status=payee_rules.SUPERSEDED, decided_by=actor, decided_at=now)
            .returning(change_requests.c.change_request_id)
        )
        .scalars()
        .all()
    )
    change_request_id = session.execute(select(change_requests.c.change_request_id).where(pending)).scalar()
    entries = []
    if change_request_id is None:
        change_request_id = new_id()
        session.execute(
            change_requests.insert().values(
                change_request_id=change_request_id,
                worker_id=worker.worker_id,
                status=payee_rules.PENDING,
                source=source,
                old_bank_name=worker.bank_name,
                old_account_masked=worker.bank_account_masked,
                new_bank_name=bank["name"],
                new_account_masked=mask_bank_account(bank["account"]),
                new_account_sealed=vault.encrypt(bank["account"]),
                new_bank_hash=bank_hash,
                requested_by=actor,
                requested_at=now,
            )
        )
        entries.append(
            _entry(
                now,
                actor,
                "payee_request",
                worker.worker_id,
                change_request_id=change_request_id,
                source=source,
                new_bank=bank["name"],
                new_account=mask_bank_account(bank["account"]),
            )
        )
    entries += [
        _entry(now, actor, "payee_supersede", worker.worker_id, change_request_id=old, superseded_by=change_request_id)
        for old in superseded
    ]
    return change_request_id, entries


def _entry(at, actor: str, action: str, worker_id: str, **details) -> dict:
    return {"at": at, "actor": actor, "action": action, "worker_id": worker_id, "details": details}


def _with_names():
    return select(change_requests, workers.c.name).join(workers, workers.c.worker_id == change_requests.c.worker_id)


def view_of(session, change_request_id: str) -> dict:
    row = session.execute(_with_names().where(change_requests.c.change_request_id == change_request_id)).one()
    return views.change_request(row, row.name)


def search(session, criteria: dict, scope: str | None) -> dict:
    """The requests about files in the caller's scope that match the criteria."""
    conditions = [change_requests.c[field] == criteria[field] for field in ("status", "worker_id") if field in criteria]
    conditions.append(worker_within_scope(session, change_requests.c.worker_id, scope))
    total = session.execute(select(func.count()).select_from(change_requests).where(*conditions)).scalar()
    rows = session.execute(
        _with_names()
        .where(*conditions)
        .order_by(change_requests.c.requested_at.desc(), change_requests.c.change_request_id)
        .limit(criteria["per_page"])
        .offset((criteria["page"] - 1) * criteria["per_page"])
    ).all()
    session.rollback()
    return views.change_request_page(rows, total, criteria["page"], criteria["per_page"])


def bank_changes(session, worker_ids: list[str]) -> dict:
    """{worker_id: when an approved request last changed the payee} for those of the workers it ever did."""
    rows = session.execute(
        select(workers.c.worker_id, workers.c.bank_changed_at).where(
            workers.c.worker_id.in_(worker_ids), workers.c.bank_changed_at.is_not(None)
        )
    ).all()
    session.rollback()
    return {row.worker_id: row.bank_changed_at.isoformat() for row in rows}
