"""Approving or rejecting a bank-detail change request: the second person's decision, written with its effects."""

from sqlalchemy import update

from services.registry import payee_requests, payee_rules, store, workers
from services.registry.models import change_requests
from services.registry.scope import worker_within_scope
from shared.db import row_by_id
from shared.domain_errors import Refused
from shared.events import now_utc


def decide(
    session, vault, change_request_id: str, approve: bool, reason: str | None, reviewer: str, scope: str | None
) -> dict:
    """Approval makes the new bank details the worker's payee (sealed as the file keeps them) and announces the
    update as a PATCH does; rejection leaves the file as it is. Both go into the worker's audit log. A request about a
    file out of the reviewer's scope is answered as unknown."""
    request = row_by_id(
        session,
        change_requests.c.change_request_id,
        change_request_id,
        "收款账户变更申请",
        worker_within_scope(session, change_requests.c.worker_id, scope),
    )
    payee_rules.check_decision(request.status, request.requested_by, reviewer)
    now = now_utc()
    if approve:
        worker = store.reread(session, request.worker_id)
        payee_rules.check_payee_unchanged(request, worker)
        bank = {"name": request.new_bank_name, "account": vault.decrypt(request.new_account_sealed)}
        data = {**workers.data_of(vault, worker), "bank": bank}
        store.write_if_unchanged(
            session, worker, **workers.stored_fields(vault, data), updated_at=now, bank_changed_at=now
        )
    else:
        session.rollback()  # end the read before writing (see store.write_if_unchanged)
    decided = session.execute(
        update(change_requests)
        .where(
            change_requests.c.change_request_id == change_request_id, change_requests.c.status == payee_rules.PENDING
        )
        .values(
            status=payee_rules.APPROVED if approve else payee_rules.REJECTED,
            decided_by=reviewer,
            decided_at=now,
            reason=reason,
        )
    ).rowcount
    if not decided:
        session.rollback()
        raise Refused("invalid_transition", "该申请刚被他人处理，请刷新后查看")
    store.audit(
        session,
        reviewer,
        "payee_approve" if approve else "payee_reject",
        request.worker_id,
        change_request_id=change_request_id,
    )
    if approve:
        store.announce_update(session, request.worker_id, ["bank"])
    session.commit()
    return payee_requests.view_of(session, change_request_id)
