"""Batch approval: a reviewer approves many applications in one request; a single approval is a batch of one.

The approvable applications of each campaign are approved in one transaction when the campaign's
money covers them all (one conditional UPDATE of the campaign, one of each application). When it
does not, or another reviewer moved one of them meanwhile, they are approved one at a time, so as
many as the money allows are approved and each of the others gets its own reason.
"""

from sqlalchemy import select

from services.aid import applications as application_store
from services.aid import campaigns as campaign_store
from services.aid import scope
from services.aid.answers import BatchApprovalSchema
from services.aid.domain import decisions
from services.aid.domain.model import Application, Campaign, Move
from services.aid.models import applications
from services.aid.moves import commit
from shared.answers import Shown
from shared.domain_errors import DomainError, NotFound
from shared.errors import looks_like_id
from shared.events import now_utc

BATCH_APPROVAL = BatchApprovalSchema()


def approve_many(
    session, application_ids: list[str], actor: str, note: str | None, today, calendar, applicants, scope_path: str
) -> dict:
    """The approved ids and the failed ones with their errors, both in the order asked."""
    ids = list(dict.fromkeys(application_ids))
    failed = approve(session, ids, actor, note, today, calendar, applicants, scope_path)
    return BATCH_APPROVAL.dump(
        {
            "approved": [application_id for application_id in ids if application_id not in failed],
            "failed": [
                Shown(failed[application_id], application_id=application_id)
                for application_id in ids
                if application_id in failed
            ],
        }
    )


def approve(
    session, application_ids: list[str], actor: str, note: str | None, today, calendar, applicants, scope_path: str
) -> dict:
    """Approve what may be approved; returns {application_id: DomainError} for the others, an application out of the
    caller's scope (`scope_path`) not found. `applicants(worker_ids)` is the registry's view of the workers (its
    `applicants` RPC)."""
    rows = {
        row.application_id: Application.of(row._mapping)
        for row in session.execute(
            select(applications).where(
                applications.c.application_id.in_([i for i in application_ids if looks_like_id(i)]),
                scope.applications_seen(scope_path),
            )
        )
    }
    campaigns_by_id = {
        campaign_id: Campaign.of(row._mapping)
        for campaign_id, row in campaign_store.load_many(session, {row.campaign_id for row in rows.values()}).items()
    }
    session.rollback()
    workers = applicants(sorted({row.worker_id for row in rows.values()})) if rows else {}
    failed: dict[str, DomainError] = {}
    groups: dict[str, list[Move]] = {}
    at = now_utc()
    for application_id in application_ids:
        application = rows.get(application_id)
        try:
            if application is None:
                raise NotFound("申请")
            move = decisions.approval(
                application,
                campaigns_by_id[application.campaign_id],
                workers.get(application.worker_id),
                actor,
                note,
                at,
                today,
                calendar,
            )
        except DomainError as error:
            failed[application_id] = error
            continue
        groups.setdefault(application.campaign_id, []).append(move)
    for moves in groups.values():
        # Locks in the order every change takes them: the applications (by id), then the campaign, so two
        # approvals of overlapping applications never wait on each other in a circle.
        try:
            commit(session, sorted(moves, key=lambda move: move.application.application_id), at)
            continue
        except DomainError as error:
            if len(moves) == 1:
                failed[moves[0].application.application_id] = error
                continue
        # Stopped together (the money, another reviewer): each on its own, read again, in the order asked, so that as
        # many as the money allows are approved.
        for move in moves:
            try:
                application_store.change(
                    session,
                    move.application.application_id,
                    "approve",
                    actor,
                    note,
                    today=today,
                    calendar=calendar,
                    reviewer_check=True,
                    scope_path=scope_path,
                )
            except DomainError as error:
                failed[move.application.application_id] = error
    return failed
