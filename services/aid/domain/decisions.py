"""Decisions: given an application as read and what is asked of it, the move to make, or a refusal.

A decision is plain data (model.Move, model.Entry) that the shell carries out in one transaction:
the conditional status update, the money, the claims, the history row and the events.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from services.aid.domain import reviews
from services.aid.domain.model import Application, Campaign, Entry, Event, HistoryEntry, Move
from services.aid.domain.money import money_for
from services.aid.domain.rules import Applicant, check_maker_checker, check_worker_active
from services.aid.domain.statuses import CLAIMING, EVENT_OF_STATUS, PUBLICIZING, SUBMITTED, next_status
from services.aid.domain.workdays import NO_CALENDAR, Calendar, publicity_end
from shared.domain_errors import Refused
from shared.masking import scrub

KEPT = ("publicity_ends_on", "batch_id", "bank_ref", "review_done", "review_next")  # what a move sets besides status


def entry(
    application: Application,
    old: str | None,
    new: str,
    actor: str,
    reason: str | None,
    at: datetime,
    campaign_name: str | None = None,
    publicity_ends_on: date | None = None,
) -> Entry:
    """The history row of a change, and its event when the status changed to one the bus hears of."""
    history = HistoryEntry(application.application_id, old, new, actor, reason, at)
    if new not in EVENT_OF_STATUS or old == new:
        return Entry(history, ())
    event = Event(
        EVENT_OF_STATUS[new],
        {
            "application_id": application.application_id,
            "campaign_id": application.campaign_id,
            "worker_id": application.worker_id,
            "org_unit_id": application.org_unit_id,
            "program": application.program,
            "status": new,
            "from_status": old,
            "amount_fen": application.amount_fen,
            "reason": scrub(reason) if reason else None,
            "campaign_name": campaign_name,
            "publicity_ends_on": publicity_ends_on and publicity_ends_on.isoformat(),
        },
    )
    return Entry(history, (event,))


def move(
    application: Application,
    campaign: Campaign,
    action: str,
    actor: str,
    reason: str | None,
    at: datetime,
    *,
    today: date | None = None,
    calendar: Calendar = NO_CALENDAR,
    values: Mapping[str, Any] | None = None,
    reviewed: bool = False,
    levels: Sequence[str] = (),
) -> Move:
    """`action` on the application: invalid_transition, same_user when `reviewed` and the reviewer submitted it,
    calendar_missing when its 公示 would end in a year with no calendar; else the move. `levels` are the ones it is
    reviewed at (reviews.levels_for), where its review starts over when it comes back to review."""
    old = application.status
    new = next_status(action, old, campaign.publicity_days)
    if reviewed:
        check_maker_checker(application.submitted_by, actor)
    kept: dict[str, Any] = {name: getattr(application, name) for name in KEPT} | dict(values or {})
    ends_on = None
    if new == PUBLICIZING:
        if today is None:
            raise ValueError("an approval starts a 公示, counted from today")
        ends_on = kept["publicity_ends_on"] = publicity_end(today, campaign.publicity_days, calendar)
    elif new == SUBMITTED and old != SUBMITTED:
        kept["publicity_ends_on"] = None  # back in review: the notice it was on no longer runs
        kept["review_done"], kept["review_next"] = [], reviews.first_level(levels)
    if new != SUBMITTED:
        kept["review_next"] = None  # out of review: no step awaited
    return Move(
        application,
        new,
        kept,
        money_for(old, new),
        new not in CLAIMING,
        entry(application, old, new, actor, reason, at, campaign.name, ends_on),
    )


def approval(
    application: Application,
    campaign: Campaign,
    applicant: Applicant | None,
    actor: str,
    note: str | None,
    at: datetime,
    today: date,
    calendar: Calendar,
    *,
    levels: Sequence[str] = (),
    actor_level: str | None = None,
) -> Move:
    """An approval, or the review step it takes (reviews.py) when `levels` (reviews.levels_for) leave steps after it:
    the application then stays submitted, with the step done. Refused in this order: invalid_transition, same_user,
    wrong_level (`actor_level` is the level of the reviewer's unit), not_eligible (the worker's file as the registry
    has it now), calendar_missing. The money of the last step is committed when it is carried out."""
    next_status("approve", application.status, campaign.publicity_days)
    before = application.review_done or ()
    done, last = reviews.take_step(levels, before, application.submitted_by, actor, actor_level, at)
    check_worker_active(applicant)
    level = reviews.next_level(levels, before)
    reason = reviews.step_reason(level, note) if level else note
    review = {"review_done": done, "review_next": reviews.next_level(levels, done)}
    if not last:
        kept = {name: getattr(application, name) for name in KEPT} | review
        step = entry(application, SUBMITTED, SUBMITTED, actor, reason, at)
        return Move(application, SUBMITTED, kept, None, False, step)
    return move(application, campaign, "approve", actor, reason, at, today=today, calendar=calendar, values=review)


def filed(application: Application, campaign_name: str, actor: str, note: str | None, at: datetime) -> Entry:
    """A new application's first history row and its application_submitted event."""
    return entry(application, None, SUBMITTED, actor, note, at, campaign_name)


def noted(application: Application, actor: str, note: str, at: datetime) -> Entry:
    """A note on an application that stays where it is: history, no event."""
    return entry(application, application.status, application.status, actor, note, at)


def moved_meanwhile(count: int) -> Refused:
    """Someone else moved one of these applications between our read and our write."""
    if count == 1:
        return Refused("invalid_transition", "申请状态已被他人改变，请刷新后重试")
    return Refused("invalid_transition", "部分申请的状态刚被他人改变，请刷新后重试")
