"""Applications: every change of their status, one at a time or many together.

Every change is one transaction: the status moves only from the status it was read in (a
conditional UPDATE), the campaign's money moves only while enough is left (another conditional
UPDATE), and the history row and the event go in with it. So concurrent reviewers on several
instances can never overspend or move an application twice.
"""

from sqlalchemy import bindparam, delete, func, select, update

from services.aid import campaigns as campaign_store
from services.aid import funds, ledger
from services.aid.models import applications, campaigns, claims, history, outbox
from services.aid.workdays import NO_CALENDAR, publicity_end
from services.aid.workflow import (
    CLAIMING,
    COMMITTED,
    DISBURSED,
    EVENT_OF_STATUS,
    PUBLICIZING,
    READY,
    SUBMITTED,
    check_maker_checker,
    next_status,
)
from shared.db import insert_many, row_by_id
from shared.errors import ServiceError
from shared.event_types import new_event
from shared.events import now_utc
from shared.masking import scrub
from shared.outbox import add_events


def refused(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 409)


def load(session, application_id: str):
    return row_by_id(session, applications.c.application_id, application_id, "申请")


def _record(
    session,
    application: dict,
    old: str | None,
    new: str,
    actor: str,
    reason: str | None,
    campaign_name: str | None = None,
    publicity_ends_on=None,
    at=None,
) -> None:
    record_many(session, [(application, old, new, reason)], actor, campaign_name, publicity_ends_on, at)


def record_many(
    session, changes: list[tuple], actor: str, campaign_name: str | None = None, publicity_ends_on=None, at=None
) -> None:
    """History rows and status events for (application, old, new, reason) changes, in the caller's transaction."""
    now = at or now_utc()
    insert_many(
        session,
        history,
        [
            {
                "application_id": application["application_id"],
                "from_status": old,
                "to_status": new,
                "actor": actor,
                "reason": reason,
                "at": now,
            }
            for application, old, new, reason in changes
        ],
    )
    add_events(
        session,
        outbox,
        [
            new_event(
                EVENT_OF_STATUS[new],
                application_id=application["application_id"],
                campaign_id=application["campaign_id"],
                worker_id=application["worker_id"],
                program=application["program"],
                status=new,
                from_status=old,
                amount_fen=application["amount_fen"],
                reason=scrub(reason) if reason else None,
                campaign_name=campaign_name,
                publicity_ends_on=publicity_ends_on and publicity_ends_on.isoformat(),
            )
            for application, old, new, reason in changes
            if new in EVENT_OF_STATUS and old != new
        ],
    )


def _move_money(session, application, old: str, new: str) -> None:
    amount, campaign = application.amount_fen, campaigns.c
    where = campaign.campaign_id == application.campaign_id
    if new in COMMITTED and old not in COMMITTED:
        commit_money(session, application.campaign_id, [application])
    elif old in COMMITTED and new == DISBURSED:
        pay_out(session, application.campaign_id, [application])
    elif old in COMMITTED and new not in COMMITTED:
        session.execute(update(campaigns).where(where).values(committed_fen=campaign.committed_fen - amount))
        _post(session, application, "release", ledger.committed, ledger.funds)


def commit_money(session, campaign_id: str, approved: list) -> None:
    """These applications' money is committed while the campaign has enough left for them all (one conditional
    UPDATE: concurrent approvals on any instance never overspend) and posted to the ledger; else budget_exhausted."""
    total = sum(application.amount_fen for application in approved)
    money = campaigns.c
    left = money.budget_fen + money.allocated_fen - money.committed_fen - money.disbursed_fen
    if not session.execute(
        update(campaigns)
        .where(money.campaign_id == campaign_id, left >= total)
        .values(committed_fen=money.committed_fen + total)
    ).rowcount:
        raise refused("budget_exhausted", "本项目资金不足，不能再批准")
    ledger.move_many(
        session,
        "commit",
        [
            (
                ledger.funds(campaign_id),
                ledger.committed(campaign_id),
                application.amount_fen,
                {"campaign_id": campaign_id, "application_id": application.application_id},
            )
            for application in approved
        ],
    )


def pay_out(session, campaign_id: str, paid: list) -> None:
    """The committed money of these applications is disbursed and drawn from the campaign's sources (caller's
    transaction)."""
    total = sum(application.amount_fen for application in paid)
    session.execute(
        update(campaigns)
        .where(campaigns.c.campaign_id == campaign_id)
        .values(
            committed_fen=campaigns.c.committed_fen - total,
            disbursed_fen=campaigns.c.disbursed_fen + total,
        )
    )
    ledger.move_many(
        session,
        "disburse",
        [
            (
                ledger.committed(campaign_id),
                ledger.disbursed(campaign_id),
                application.amount_fen,
                {"campaign_id": campaign_id, "application_id": application.application_id},
            )
            for application in paid
        ],
    )
    funds.draw_many(
        session, campaign_id, [(application.application_id, application.amount_fen) for application in paid]
    )


def _post(session, application, kind: str, source, target) -> None:
    ledger.move(
        session,
        kind,
        source(application.campaign_id),
        target(application.campaign_id),
        application.amount_fen,
        campaign_id=application.campaign_id,
        application_id=application.application_id,
    )


def apply(
    session, application, campaign, action: str, actor: str, reason: str | None, today, calendar, values=None
) -> str:
    """Write one transition in the caller's transaction; returns the new status."""
    new = next_status(action, application.status, campaign.publicity_days)
    values = {"status": new, "updated_at": now_utc(), **(values or {})}
    if new == PUBLICIZING:
        values["publicity_ends_on"] = publicity_end(today, campaign.publicity_days, calendar)
    elif new == SUBMITTED:
        values["publicity_ends_on"] = None  # back in review: the notice it was on no longer runs
    moved = session.execute(
        update(applications)
        .where(applications.c.application_id == application.application_id, applications.c.status == application.status)
        .values(**values)
    ).rowcount
    if not moved:
        raise ServiceError("invalid_transition", "申请状态已被他人改变，请刷新后重试", 409)
    _move_money(session, application, application.status, new)
    if new not in CLAIMING:
        session.execute(delete(claims).where(claims.c.application_id == application.application_id))
    _record(
        session,
        application._mapping,
        application.status,
        new,
        actor,
        reason,
        campaign.name,
        values.get("publicity_ends_on"),
    )
    return new


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
):
    """Read, check, then write the transition in a fresh transaction (SQLite cannot turn a read it
    kept open into a write once another writer has committed)."""
    application = load(session, application_id)
    campaign = campaign_store.load(session, application.campaign_id)
    next_status(action, application.status, campaign.publicity_days)
    if reviewer_check:
        check_maker_checker(application.submitted_by, actor)
    session.rollback()
    try:
        apply(session, application, campaign, action, actor, reason, today, calendar, values)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return load(session, application_id)


def move_all(session, moves: list[tuple], now) -> None:
    """Move each (application row, new status, extra values) from the status it was read in, all or none."""
    kept = ("batch_id", "bank_ref", "publicity_ends_on")
    statement = (
        update(applications)
        .where(applications.c.application_id == bindparam("b_id"), applications.c.status == bindparam("b_from"))
        .values(status=bindparam("b_to"), updated_at=now, **{name: bindparam(f"b_{name}") for name in kept})
    )
    session.execute(
        statement,
        [
            {
                "b_id": row.application_id,
                "b_from": row.status,
                "b_to": status,
                **{f"b_{name}": values.get(name, row._mapping[name]) for name in kept},
            }
            for row, status, values in moves
        ],
    )
    moved = session.execute(
        select(func.count())
        .select_from(applications)
        .where(  # `now` marks this call's rows
            applications.c.application_id.in_([row.application_id for row, _status, _values in moves]),
            applications.c.updated_at == now,
        )
    ).scalar_one()
    if moved != len(moves):
        raise ServiceError("invalid_transition", "部分申请的状态刚被他人改变，请刷新后重试", 409)


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


def view(row, with_history: list | None = None) -> dict:
    shown = {
        "application_id": row.application_id,
        "campaign_id": row.campaign_id,
        "program": row.program,
        "worker_id": row.worker_id,
        "status": row.status,
        "amount_fen": row.amount_fen,
        "name": row.name_masked,
        "id_number": row.id_number_masked,
        "union": row.union,
        "category": row.category,
        "level": row.level,
        "student": row.student,
        "note": row.note,
        "submitted_by": row.submitted_by,
        "publicity_ends_on": row.publicity_ends_on.isoformat() if row.publicity_ends_on else None,
        "batch_id": row.batch_id,
        "bank_ref": row.bank_ref,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }
    if with_history is not None:
        shown["history"] = with_history
    return shown


def search(session, query: dict) -> dict:
    conditions = [
        applications.c[field] == query[field] for field in ("campaign_id", "worker_id", "status") if field in query
    ]
    total = session.execute(select(func.count()).select_from(applications).where(*conditions)).scalar()
    rows = session.execute(
        select(applications)
        .where(*conditions)
        .order_by(applications.c.created_at, applications.c.application_id)
        .limit(query["per_page"])
        .offset((query["page"] - 1) * query["per_page"])
    ).all()
    return {"items": [view(row) for row in rows], "total": total, "page": query["page"], "per_page": query["per_page"]}


def note_for_review(session, application, actor: str, note: str) -> None:
    """Flag a submitted application for another look, in the caller's transaction."""
    session.execute(
        update(applications)
        .where(applications.c.application_id == application.application_id)
        .values(note=note, updated_at=now_utc())
    )
    _record(session, application._mapping, application.status, application.status, actor, note)
