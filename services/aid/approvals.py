"""Batch approval: a reviewer approves many applications in one request; a single approval is a batch of one. An
approval takes the application's next review step (domain/reviews.py): the last one approves it.

The approvable applications of each campaign are approved in one transaction when the campaign's
money covers them all (one conditional UPDATE of the campaign, one of each application). When it
does not, or another reviewer moved one of them meanwhile, they are approved one at a time, so as
many as the money allows are approved and each of the others gets its own reason.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from services.aid import campaigns as campaign_store
from services.aid import scope, units
from services.aid.answers import BatchApprovalSchema
from services.aid.domain import decisions, reviews
from services.aid.domain.model import Application, Campaign, Move
from services.aid.domain.workdays import Calendar
from services.aid.models import applications
from services.aid.moves import DECIDED, commit
from shared.answers import Shown
from shared.domain_errors import DomainError, NotFound
from shared.errors import looks_like_id
from shared.events import now_utc

BATCH_APPROVAL = BatchApprovalSchema()


@dataclass(frozen=True)
class Reviewer:
    """Who approves: the actor, the path of their scope (scope.py) and the level of their unit (None: unknown)."""

    actor: str
    scope_path: str
    level: str | None


@dataclass(frozen=True)
class Approval:
    """What an approval reads besides the applications: `applicants(worker_ids)` is the registry's view of the
    workers (its `applicants` RPC), `ask_registry(unit_id)` its answer for a unit aid has not learnt."""

    note: str | None
    today: date
    calendar: Calendar
    applicants: Callable[[list[str]], dict]
    ask_registry: Callable[[str], dict] | None


def approve_many(session, application_ids: list[str], reviewer: Reviewer, approval: Approval) -> dict:
    """The approved ids (a review step taken counts) and the failed ones with their errors, both in the order asked."""
    ids = list(dict.fromkeys(application_ids))
    failed = approve(session, ids, reviewer, approval)
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


def approve(session, application_ids: list[str], reviewer: Reviewer, approval: Approval) -> dict:
    """Take what may be taken; returns {application_id: DomainError} for the others, an application out of the
    reviewer's scope not found."""
    at = now_utc()
    found = _read(session, application_ids, reviewer.scope_path, approval.ask_registry)
    workers = approval.applicants(sorted({row.worker_id for row, _c, _l in found.values()})) if found else {}
    moves, failed = _decide(application_ids, found, workers, reviewer, approval, at)
    groups: dict[str, list[Move]] = {}
    for move in moves:
        groups.setdefault(move.application.campaign_id, []).append(move)
    for grouped in groups.values():
        # Locks in the order every change takes them: the applications (by id), then the campaign, so two
        # approvals of overlapping applications never wait on each other in a circle.
        try:
            commit(session, sorted(grouped, key=lambda move: move.application.application_id), at)
            continue
        except DomainError as error:
            if len(grouped) == 1:
                failed[grouped[0].application.application_id] = error
                continue
        # Stopped together (the money, another reviewer): each on its own, read again, in the order asked, so that as
        # many as the money allows are approved.
        for move in grouped:
            try:
                _approve_alone(session, move.application.application_id, workers, reviewer, approval)
            except DomainError as error:
                failed[move.application.application_id] = error
    return failed


def _approve_alone(session, application_id: str, workers: dict, reviewer: Reviewer, approval: Approval) -> None:
    """The application read again and approved on its own, or the DomainError."""
    found = _read(session, [application_id], reviewer.scope_path, approval.ask_registry)
    moves, refused = _decide([application_id], found, workers, reviewer, approval, now_utc())
    if refused:
        raise refused[application_id]
    commit(session, moves, moves[0].entry.history.at)


def _read(session, application_ids: list[str], scope_path: str, ask_registry) -> dict:
    """{application_id: (Application, Campaign, the levels it is reviewed at)} of those in scope; the read is ended."""
    rows = session.execute(
        select(*DECIDED, applications.c.path).where(
            applications.c.application_id.in_([i for i in application_ids if looks_like_id(i)]),
            scope.applications_seen(scope_path),
        )
    ).all()
    campaigns_by_id = {
        campaign_id: Campaign.of(row._mapping)
        for campaign_id, row in campaign_store.load_many(session, {row.campaign_id for row in rows}).items()
    }
    reviewed = {row.path for row in rows if campaigns_by_id[row.campaign_id].review_levels}
    levels_on = units.levels_on(session, reviewed, ask_registry) if reviewed else {}
    session.rollback()
    found = {}
    for row in rows:
        campaign = campaigns_by_id[row.campaign_id]
        levels = reviews.levels_for(campaign.review_levels, levels_on[row.path]) if campaign.review_levels else []
        found[row.application_id] = (Application.of(row._mapping), campaign, levels)
    return found


def _decide(
    application_ids: list[str], found: dict, workers: dict, reviewer: Reviewer, approval: Approval, at: datetime
) -> tuple[list[Move], dict]:
    """The moves of those that may be approved, in the order asked, and the refusals of the others."""
    moves, failed = [], {}
    for application_id in application_ids:
        try:
            if application_id not in found:
                raise NotFound("申请")
            application, campaign, levels = found[application_id]
            moves.append(
                decisions.approval(
                    application,
                    campaign,
                    workers.get(application.worker_id),
                    reviewer.actor,
                    approval.note,
                    at,
                    approval.today,
                    approval.calendar,
                    levels=levels,
                    actor_level=reviewer.level,
                )
            )
        except DomainError as error:
            failed[application_id] = error
    return moves, failed
