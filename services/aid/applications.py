"""Applications: reading them, and changing one at a time (the change is carried out by moves.carry_out, the
path every change of many takes too)."""

from sqlalchemy import func, or_, select, update

from services.aid import campaigns as campaign_store
from services.aid import scope, units
from services.aid.answers import ApplicationPageSchema, ApplicationViewSchema, ApplicationWithHistorySchema
from services.aid.domain import decisions, reviews
from services.aid.domain.decisions import moved_meanwhile
from services.aid.domain.model import Application, Campaign
from services.aid.domain.rules import returned_for_review_note
from services.aid.domain.statuses import PUBLICIZING, READY, SUBMITTED
from services.aid.domain.workdays import NO_CALENDAR
from services.aid.models import applications, campaigns, history, worker_units
from services.aid.moves import carry_out, commit, record
from shared import org_paths, worker_unit_copy
from shared.answers import Shown, page_of
from shared.db import row_by_id
from shared.events import now_utc


def load(session, application_id: str, scope_path: str = org_paths.EVERYWHERE):
    """The application, when it is in the scope (scope.py; the root's unless given): one out of it is answered as one
    that does not exist."""
    return row_by_id(
        session, applications.c.application_id, application_id, "申请", scope.applications_seen(scope_path)
    )


def change(
    session,
    application_id: str,
    action: str,
    actor: str,
    reason=None,
    *,
    today=None,
    calendar=NO_CALENDAR,
    reviewer_check: bool = False,
    values=None,
    scope_path: str = org_paths.EVERYWHERE,
):
    """Read, decide, then carry out the move in a fresh transaction (SQLite cannot turn a read it kept open into
    a write once another writer has committed); returns the application as it is now. Out of the caller's scope
    (`scope_path`) it is not found."""
    row = load(session, application_id, scope_path)
    application = Application.of(row._mapping)
    campaign = Campaign.of(campaign_store.load(session, application.campaign_id)._mapping)
    move = decisions.move(
        application,
        campaign,
        action,
        actor,
        reason,
        now_utc(),
        today=today,
        calendar=calendar,
        values=values,
        reviewed=reviewer_check,
        levels=review_levels(session, campaign, row.path),
    )
    session.rollback()
    commit(session, [move], move.entry.history.at)
    return load(session, application_id)


def review_levels(session, campaign: Campaign, path: str | None) -> list[str]:
    """The levels an application of the campaign, its worker at `path`, is reviewed at (domain/reviews.py), by the
    units aid knows."""
    if not campaign.review_levels:
        return []
    return reviews.levels_for(campaign.review_levels, units.levels_on(session, [path])[path])


def due_for_payment(session, today) -> list[str]:
    """Applications whose public notice ended before today."""
    return list(
        session.execute(
            select(applications.c.application_id).where(
                applications.c.status == PUBLICIZING, applications.c.publicity_ends_on < today
            )
        ).scalars()
    )


def open_of_worker(session, worker_id: str) -> list:
    return session.execute(
        select(applications).where(
            applications.c.worker_id == worker_id, applications.c.status.in_((SUBMITTED, PUBLICIZING, READY))
        )
    ).all()


def history_of(session, application_id: str) -> list[dict]:
    rows = session.execute(
        select(history).where(history.c.application_id == application_id).order_by(history.c.id)
    ).all()
    return [
        {
            "from": row.from_status,
            "to": row.to_status,
            "at": row.at.isoformat(),
            "actor": row.actor,
            "reason": row.reason,
        }
        for row in rows
    ]


APPLICATION, APPLICATION_WITH_HISTORY = ApplicationViewSchema(), ApplicationWithHistorySchema()
APPLICATION_PAGE = ApplicationPageSchema()


def view(row, with_history: list | None = None) -> dict:
    """An application as the API shows it (ApplicationViewSchema), with its history when given it."""
    if with_history is None:
        return APPLICATION.dump(_shown(row))
    return APPLICATION_WITH_HISTORY.dump(_shown(row, history=with_history))


def _shown(row, **more) -> Shown:
    return Shown(row, review={"done": row.review_done or [], "next_level": row.review_next}, **more)


def search(session, query: dict, scope_path: str, level: str | None = None) -> dict:
    """A page of the applications in scope that the query asks for; `awaiting_me`: those in review whose next step
    is at `level`, the caller's (or that any reviewer may approve)."""
    conditions = [
        applications.c[field] == query[field] for field in ("campaign_id", "worker_id", "status") if field in query
    ] + [scope.applications_seen(scope_path)]
    if query.get("awaiting_me"):
        awaited = applications.c.review_next
        conditions += [applications.c.status == SUBMITTED, or_(awaited.is_(None), awaited == level)]
    total = session.execute(select(func.count()).select_from(applications).where(*conditions)).scalar()
    rows = session.execute(
        select(applications)
        .where(*conditions)
        .order_by(applications.c.created_at, applications.c.application_id)
        .limit(query["per_page"])
        .offset((query["page"] - 1) * query["per_page"])
    ).all()
    return page_of(APPLICATION_PAGE, [_shown(row) for row in rows], total, query["page"], query["per_page"])


def follow_worker(session, worker_id: str, org_unit_id: str, path: str, version: int) -> None:
    """A worker's file moved to another unit (or told its unit for the first time) at that version of the file: unless
    aid knows of a newer version (shared/worker_unit_copy.py), their applications go with it, into that unit's scope,
    in the caller's transaction; those in review await the first level of the new path not yet taken (its steps done
    stay: a level is a level, whichever unit of it took the step)."""
    if not worker_unit_copy.take_if_newer(session, worker_units, worker_id, org_unit_id, version):
        return
    session.execute(
        update(applications)
        .where(
            applications.c.worker_id == worker_id,
            or_(applications.c.org_unit_id.is_(None), applications.c.org_unit_id != org_unit_id),
        )
        .values(org_unit_id=org_unit_id, path=path)
    )
    in_review = [
        row for row in session.execute(_IN_REVIEW.where(applications.c.worker_id == worker_id)) if row.review_levels
    ]
    if not in_review:
        return
    on_path = units.levels_on(session, [path])[path]
    for row in in_review:
        _await_next_level(session, row, on_path)


# an application in review with what its next level is computed from, and what shows it unchanged since read
_IN_REVIEW = (
    select(
        applications.c.application_id,
        applications.c.review_done,
        applications.c.review_next,
        applications.c.updated_at,
        campaigns.c.review_levels,
    )
    .join(campaigns, campaigns.c.campaign_id == applications.c.campaign_id)
    .where(applications.c.status == SUBMITTED)
)
AWAIT_ATTEMPTS = 5  # each failed one means another change to the application was committed meanwhile


def _await_next_level(session, row, on_path: list[str]) -> None:
    """The application (`row`, of _IN_REVIEW) awaits the first level of `on_path` its steps done have not taken: only
    while it is still in review as read (its status, the level it awaited, its last change), as moves.py moves one; a
    review step taken meanwhile is not overwritten with a level computed from the steps before it: the application is
    read again and its level computed from its steps as they are now (none, once it has left review: its review
    starts over at the first level of its path if it comes back)."""
    for _attempt in range(AWAIT_ATTEMPTS):
        awaited = reviews.next_level(reviews.levels_for(row.review_levels, on_path), row.review_done or ())
        changed = session.execute(
            update(applications)
            .where(
                applications.c.application_id == row.application_id,
                applications.c.status == SUBMITTED,
                applications.c.review_next.is_not_distinct_from(row.review_next),
                applications.c.updated_at == row.updated_at,
            )
            .values(review_next=awaited)
        ).rowcount
        if changed:
            return
        row = session.execute(_IN_REVIEW.where(applications.c.application_id == row.application_id)).first()
        if row is None:
            return
    raise moved_meanwhile(1)


def return_for_review(session, worker_id: str, worker_status: str, actor: str) -> None:
    """The worker's open applications go back to review, in the caller's transaction: those in 公示 or ready
    move back (their money released), those still in review get a note."""
    note = returned_for_review_note(worker_status)
    opened = open_of_worker(session, worker_id)
    for row in opened:
        if row.status == SUBMITTED:
            note_for_review(session, row, actor, note)
    in_notice = [row for row in opened if row.status != SUBMITTED]
    of_campaign = {
        campaign_id: Campaign.of(campaign_store.load(session, campaign_id)._mapping)
        for campaign_id in sorted({row.campaign_id for row in in_notice})
    }
    at = now_utc()
    carry_out(
        session,
        [
            decisions.move(
                Application.of(row._mapping),
                of_campaign[row.campaign_id],
                "return_for_review",
                actor,
                note,
                at,
                levels=review_levels(session, of_campaign[row.campaign_id], row.path),
            )
            for row in in_notice
        ],
        at,
    )


def note_for_review(session, row, actor: str, note: str) -> None:
    """Flag a submitted application for another look, in the caller's transaction."""
    entry = decisions.noted(Application.of(row._mapping), actor, note, now_utc())
    session.execute(
        update(applications)
        .where(applications.c.application_id == row.application_id)
        .values(note=note, updated_at=entry.history.at)
    )
    record(session, [entry])
