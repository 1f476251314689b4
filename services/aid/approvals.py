"""Batch approval: a reviewer approves many applications in one request.

The approvable applications of each campaign are approved in one transaction when the campaign's
money covers them all (one conditional UPDATE of the campaign, one of each application). When it
does not, or another reviewer moved one of them meanwhile, they are approved one at a time, so as
many as the money allows are approved and each of the others gets its own reason.
"""

from sqlalchemy import select

from services.aid import campaigns as campaign_store
from services.aid.applications import change, commit_money, move_all, record_many, refused
from services.aid.models import applications
from services.aid.workdays import publicity_end
from services.aid.workflow import PUBLICIZING, SUBMITTED, check_maker_checker, next_status
from shared.errors import ServiceError, looks_like_id, not_found
from shared.events import now_utc


def check_worker_active(applicant: dict | None) -> None:
    """Approval re-checks the worker: only a file still `active` in the registry may be aided."""
    if applicant is None or applicant["status"] != "active":
        raise refused("not_eligible", "该职工档案已不在有效状态，不能批准")


def approve_many(
    session, application_ids: list[str], actor: str, note: str | None, today, calendar, applicants
) -> dict:
    """{"approved": [ids], "failed": [{"application_id", "code", "message"}]}, both in the order asked.
    `applicants(worker_ids)` is the registry's view of the workers (its `applicants` RPC)."""
    ids = list(dict.fromkeys(application_ids))
    rows = {
        row.application_id: row
        for row in session.execute(
            select(applications).where(applications.c.application_id.in_([i for i in ids if looks_like_id(i)]))
        )
    }
    campaigns_by_id = campaign_store.load_many(session, {row.campaign_id for row in rows.values()})
    session.rollback()
    workers = applicants(sorted({row.worker_id for row in rows.values()})) if rows else {}
    failed: dict[str, ServiceError] = {}
    approvable: dict[str, list] = {}
    for application_id in ids:
        row = rows.get(application_id)
        try:
            if row is None:
                raise not_found("申请")
            next_status("approve", row.status, campaigns_by_id[row.campaign_id].publicity_days)
            check_maker_checker(row.submitted_by, actor)
            check_worker_active(workers.get(row.worker_id))
        except ServiceError as error:
            failed[application_id] = error
            continue
        approvable.setdefault(row.campaign_id, []).append(row)
    for campaign_id, group in approvable.items():
        campaign = campaigns_by_id[campaign_id]
        try:
            _approve_together(session, campaign, group, actor, note, today, calendar)
            session.commit()
        except ServiceError:
            session.rollback()
            for row in group:
                try:
                    change(
                        session,
                        row.application_id,
                        "approve",
                        actor,
                        note,
                        today=today,
                        calendar=calendar,
                        reviewer_check=True,
                    )
                except ServiceError as error:
                    failed[row.application_id] = error
        except Exception:
            session.rollback()
            raise
    return {
        "approved": [application_id for application_id in ids if application_id not in failed],
        "failed": [
            {
                "application_id": application_id,
                "code": failed[application_id].code,
                "message": failed[application_id].message,
            }
            for application_id in ids
            if application_id in failed
        ],
    }


def _approve_together(session, campaign, rows: list, actor: str, note: str | None, today, calendar) -> None:
    """All of `rows` (submitted, of this campaign) approved in the caller's transaction, or a ServiceError."""
    new = next_status("approve", SUBMITTED, campaign.publicity_days)
    ends_on = publicity_end(today, campaign.publicity_days, calendar) if new == PUBLICIZING else None
    # Locks in the order every single change takes them: the applications (by id), then the campaign, so a
    # batch and a single approval of the same application never wait on each other in a circle.
    rows = sorted(rows, key=lambda row: row.application_id)
    move_all(session, [(row, new, {"publicity_ends_on": ends_on}) for row in rows], now_utc())
    commit_money(session, campaign.campaign_id, rows)
    record_many(session, [(row._mapping, row.status, new, note) for row in rows], actor, campaign.name, ends_on)
