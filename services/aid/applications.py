"""Applications: filing them under the programme's rules, and every change of status.

Every change is one transaction: the status moves only from the status it was read in (a
conditional UPDATE), the campaign's money moves only while enough is left (another conditional
UPDATE), and the history row and the event go in with it. So concurrent reviewers on several
instances can never overspend or move an application twice.
"""
import json

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from shared.db import insert_many, row_by_id
from shared.errors import ServiceError, validation_error
from shared.events import envelope, new_id, now_utc
from shared.masking import mask_id_number, mask_name, scrub
from shared.outbox import add_events
from services.aid import campaigns as campaign_store
from services.aid import funds, ledger
from services.aid.models import applications, campaigns, claims, history, outbox
from services.aid.workdays import publicity_end
from services.aid.workflow import (
    CLAIMING, COMMITTED, DISBURSED, EVENT_OF_STATUS, PUBLICIZING, READY, SUBMITTED, check_maker_checker, next_status,
)


def _refused(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 409)


def amount_for(campaign, applicant: dict, student: dict | None, today) -> tuple[int, str | None]:
    """The amount from the campaign's table, after the campaign and programme rules allow the application."""
    if not campaign.opens_on <= today <= campaign.closes_on:
        raise _refused("campaign_closed", f"本项目申请时间为 {campaign.opens_on} 至 {campaign.closes_on}")
    if applicant["status"] != "active":
        raise _refused("not_eligible", "该职工档案不在有效状态，不能申请")
    if campaign.program == "warmth":
        if student is not None:
            raise validation_error({"student": ["送温暖申请不填写学生信息"]})
        amount = campaign.amounts.get(applicant["category"])
        if amount is None:
            raise _refused("not_eligible", "本项目未设该困难类别的帮扶标准")
        return amount, None
    if student is None:
        raise validation_error({"student": ["金秋助学申请必须填写学生信息"]})
    if student["admission_year"] != campaign.year:
        raise _refused("not_eligible", f"入学年份应为 {campaign.year} 年")
    amount = campaign.amounts.get(student["level"])
    if amount is None:
        raise _refused("not_eligible", "本项目未设该学段的资助标准")
    return amount, student["level"]


def claims_for(vault, campaign, applicant: dict, student: dict | None, relative_once_a_year: bool) -> list[tuple]:
    """(scope, key, code, message) for everything this application may be the only one to hold."""
    wanted = []
    household = list(dict.fromkeys(applicant["household"]))  # a member listed twice is claimed once
    if campaign.program == "warmth":
        wanted += [(f"warmth:{campaign.campaign_id}", key, "duplicate_application", "该家庭已申请本次送温暖")
                   for key in household]
    else:
        wanted.append((f"education:{campaign.year}", vault.lookup_hash(student["id_number"]),
                       "duplicate_application", "该学生本年度已申请金秋助学"))
    if relative_once_a_year and applicant["category"] == "relative":
        wanted += [(f"relative:{campaign.year}", key, "not_eligible", "相对困难家庭每年只能获得一项帮扶")
                   for key in household]
    return wanted


def _first_taken(session, wanted: list[tuple]) -> ServiceError | None:
    taken = set(session.execute(
        select(claims.c.scope, claims.c.key).where(or_(*[
            and_(claims.c.scope == scope, claims.c.key == key) for scope, key, _code, _message in wanted
        ]))
    ).all())
    for scope, key, code, message in wanted:
        if (scope, key) in taken:
            return _refused(code, message)
    return None


def submit(session, vault, campaign, applicant: dict, data: dict, actor: str, today, relative_once_a_year: bool):
    amount, level = amount_for(campaign, applicant, data["student"], today)
    wanted = claims_for(vault, campaign, applicant, data["student"], relative_once_a_year)
    refusal = _first_taken(session, wanted)
    session.rollback()
    if refusal:
        raise refusal
    application_id, now = new_id(), now_utc()
    student = data["student"]
    row = {
        "application_id": application_id, "campaign_id": campaign.campaign_id, "program": campaign.program,
        "worker_id": applicant["worker_id"], "status": SUBMITTED, "amount_fen": amount,
        "name_masked": applicant["name_masked"], "id_number_masked": applicant["id_number_masked"],
        "id_last4": applicant["id_last4"], "union": applicant["union"], "category": applicant["category"],
        "level": level, "note": data["note"], "submitted_by": actor, "created_at": now, "updated_at": now,
        "student": student and {**student, "name": mask_name(student["name"]), "id_number": mask_id_number(student["id_number"])},
        "student_sealed": student and vault.encrypt(json.dumps({"name": student["name"], "id_number": student["id_number"]})),
    }
    try:
        session.execute(insert(applications).values(**row))
        insert_many(session, claims, [{"scope": scope, "key": key, "application_id": application_id}
                                      for scope, key, _code, _message in wanted])
        _record(session, row, None, SUBMITTED, actor, data["note"], campaign.name)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _first_taken(session, wanted) or _refused("duplicate_application", "重复申请") from None
    return load(session, application_id)


def load(session, application_id: str):
    return row_by_id(session, applications.c.application_id, application_id, "申请")


def _record(session, application: dict, old: str | None, new: str, actor: str, reason: str | None,
            campaign_name: str | None = None, publicity_ends_on=None) -> None:
    record_many(session, [(application, old, new, reason)], actor, campaign_name, publicity_ends_on)


def record_many(session, changes: list[tuple], actor: str, campaign_name: str | None = None,
                publicity_ends_on=None) -> None:
    """History rows and status events for (application, old, new, reason) changes, in the caller's transaction."""
    now = now_utc()
    insert_many(session, history, [
        {"application_id": application["application_id"], "from_status": old, "to_status": new, "actor": actor,
         "reason": reason, "at": now}
        for application, old, new, reason in changes
    ])
    add_events(session, outbox, [
        (EVENT_OF_STATUS[new], envelope(
            application_id=application["application_id"], campaign_id=application["campaign_id"],
            worker_id=application["worker_id"], program=application["program"], status=new, from_status=old,
            amount_fen=application["amount_fen"], reason=scrub(reason) if reason else None,
            campaign_name=campaign_name, publicity_ends_on=publicity_ends_on and publicity_ends_on.isoformat(),
        ))
        for application, old, new, reason in changes if new in EVENT_OF_STATUS and old != new
    ])


def _move_money(session, application, old: str, new: str) -> None:
    amount, campaign = application.amount_fen, campaigns.c
    where = campaign.campaign_id == application.campaign_id
    if new in COMMITTED and old not in COMMITTED:
        left = campaign.budget_fen + campaign.allocated_fen - campaign.committed_fen - campaign.disbursed_fen
        moved = session.execute(
            update(campaigns).where(where, left >= amount).values(committed_fen=campaign.committed_fen + amount)
        ).rowcount
        if not moved:
            raise _refused("budget_exhausted", "本项目资金不足，不能再批准")
        _post(session, application, "commit", ledger.funds, ledger.committed)
    elif old in COMMITTED and new == DISBURSED:
        pay_out(session, application.campaign_id, [application])
    elif old in COMMITTED and new not in COMMITTED:
        session.execute(update(campaigns).where(where).values(committed_fen=campaign.committed_fen - amount))
        _post(session, application, "release", ledger.committed, ledger.funds)


def pay_out(session, campaign_id: str, paid: list) -> None:
    """The committed money of these applications is disbursed and drawn from the campaign's sources (caller's
    transaction)."""
    total = sum(application.amount_fen for application in paid)
    session.execute(update(campaigns).where(campaigns.c.campaign_id == campaign_id).values(
        committed_fen=campaigns.c.committed_fen - total, disbursed_fen=campaigns.c.disbursed_fen + total,
    ))
    ledger.move_many(session, "disburse", [
        (ledger.committed(campaign_id), ledger.disbursed(campaign_id), application.amount_fen,
         {"campaign_id": campaign_id, "application_id": application.application_id}) for application in paid
    ])
    funds.draw_many(session, campaign_id, [(application.application_id, application.amount_fen) for application in paid])


def _post(session, application, kind: str, source, target) -> None:
    ledger.move(session, kind, source(application.campaign_id), target(application.campaign_id), application.amount_fen,
                campaign_id=application.campaign_id, application_id=application.application_id)


def apply(session, application, campaign, action: str, actor: str, reason: str | None, today, calendar, values=None) -> str:
    """Write one transition in the caller's transaction; returns the new status."""
    new = next_status(action, application.status, campaign.publicity_days)
    values = {"status": new, "updated_at": now_utc(), **(values or {})}
    if new == PUBLICIZING:
        values["publicity_ends_on"] = publicity_end(today, campaign.publicity_days, *calendar)
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
    _record(session, application._mapping, application.status, new, actor, reason,
            campaign.name, values.get("publicity_ends_on"))
    return new


def change(session, application_id: str, action: str, actor: str, reason=None, *, today=None, calendar=((), ()),
           reviewer_check: bool = False, values=None):
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


def due_for_payment(session, today) -> list[str]:
    """Applications whose public notice ended before today."""
    return list(session.execute(
        select(applications.c.application_id)
        .where(applications.c.status == PUBLICIZING, applications.c.publicity_ends_on < today)
    ).scalars())


def open_of_worker(session, worker_id: str) -> list:
    return session.execute(
        select(applications).where(applications.c.worker_id == worker_id, applications.c.status.in_(
            (SUBMITTED, PUBLICIZING, READY)
        ))
    ).all()


def history_of(session, application_id: str) -> list[dict]:
    rows = session.execute(
        select(history).where(history.c.application_id == application_id).order_by(history.c.id)
    ).all()
    return [{"from": row.from_status, "to": row.to_status, "at": row.at.isoformat(), "actor": row.actor, "reason": row.reason}
            for row in rows]


def view(row, with_history: list | None = None) -> dict:
    shown = {
        "application_id": row.application_id, "campaign_id": row.campaign_id, "program": row.program,
        "worker_id": row.worker_id, "status": row.status, "amount_fen": row.amount_fen,
        "name": row.name_masked, "id_number": row.id_number_masked, "union": row.union,
        "category": row.category, "level": row.level, "student": row.student, "note": row.note,
        "submitted_by": row.submitted_by,
        "publicity_ends_on": row.publicity_ends_on.isoformat() if row.publicity_ends_on else None,
        "batch_id": row.batch_id, "bank_ref": row.bank_ref, "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat(),
    }
    if with_history is not None:
        shown["history"] = with_history
    return shown


def search(session, query: dict) -> dict:
    conditions = [applications.c[field] == query[field] for field in ("campaign_id", "worker_id", "status") if field in query]
    total = session.execute(select(func.count()).select_from(applications).where(*conditions)).scalar()
    rows = session.execute(
        select(applications).where(*conditions).order_by(applications.c.created_at, applications.c.application_id)
        .limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"])
    ).all()
    return {"items": [view(row) for row in rows], "total": total, "page": query["page"], "per_page": query["per_page"]}


def note_for_review(session, application, actor: str, note: str) -> None:
    """Flag a submitted application for another look, in the caller's transaction."""
    session.execute(update(applications).where(applications.c.application_id == application.application_id)
                    .values(note=note, updated_at=now_utc()))
    _record(session, application._mapping, application.status, application.status, actor, note)
