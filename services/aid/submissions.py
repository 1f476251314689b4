"""Filing applications under the programme's rules, many at once.

Applications submitted at the same moment arrive together (the gateway coalesces them) and are
written in one transaction; each is still judged on its own, as if they had come one after another.
"""

import json
import logging
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.aid import campaigns as campaign_store
from services.aid.applications import record_many, refused, view
from services.aid.models import applications, claims
from services.aid.schemas import ApplicationSchema
from services.aid.workflow import SUBMITTED
from shared import request_ids
from shared.application_numbers import short_number
from shared.db import insert_many
from shared.errors import ServiceError, not_found, validation_error
from shared.events import new_id, now_utc
from shared.masking import mask_id_number, mask_name
from shared.schemas import load_or_400

log = logging.getLogger(__name__)


def amount_for(campaign, applicant: dict, student: dict | None, today) -> tuple[int, str | None]:
    """The amount from the campaign's table, after the campaign and programme rules allow the application."""
    if not campaign.opens_on <= today <= campaign.closes_on:
        raise refused("campaign_closed", f"本项目申请时间为 {campaign.opens_on} 至 {campaign.closes_on}")
    if applicant["status"] != "active":
        raise refused("not_eligible", "该职工档案不在有效状态，不能申请")
    if campaign.program == "warmth":
        if student is not None:
            raise validation_error({"student": ["送温暖申请不填写学生信息"]})
        amount = campaign.amounts.get(applicant["category"])
        if amount is None:
            raise refused("not_eligible", "本项目未设该困难类别的帮扶标准")
        return amount, None
    if student is None:
        raise validation_error({"student": ["金秋助学申请必须填写学生信息"]})
    if student["admission_year"] != campaign.year:
        raise refused("not_eligible", f"入学年份应为 {campaign.year} 年")
    amount = campaign.amounts.get(student["level"])
    if amount is None:
        raise refused("not_eligible", "本项目未设该学段的资助标准")
    return amount, student["level"]


def claims_for(vault, campaign, applicant: dict, student: dict | None, relative_once_a_year: bool) -> list[tuple]:
    """(scope, key, code, message) for everything this application may be the only one to hold."""
    wanted = []
    household = list(dict.fromkeys(applicant["household"]))  # a member listed twice is claimed once
    if campaign.program == "warmth":
        wanted += [
            (f"warmth:{campaign.campaign_id}", key, "duplicate_application", "该家庭已申请本次送温暖")
            for key in household
        ]
    else:
        wanted.append(
            (
                f"education:{campaign.year}",
                vault.lookup_hash(student["id_number"]),
                "duplicate_application",
                "该学生本年度已申请金秋助学",
            )
        )
    if relative_once_a_year and applicant["category"] == "relative":
        wanted += [
            (f"relative:{campaign.year}", key, "not_eligible", "相对困难家庭每年只能获得一项帮扶") for key in household
        ]
    return wanted


def _taken(session, wanted: list[tuple]) -> set[tuple]:
    """The (scope, key) pairs among `wanted` that an application already holds; the read is ended (SQLite)."""
    keys = sorted({key for _scope, key, _code, _message in wanted})
    taken = (
        set(session.execute(select(claims.c.scope, claims.c.key).where(claims.c.key.in_(keys))).all())
        if keys
        else set()
    )
    session.rollback()
    return taken


def _first_refusal(wanted: list[tuple], taken) -> ServiceError | None:
    for scope, key, code, message in wanted:
        if (scope, key) in taken:
            return refused(code, message)
    return None


class Submission:
    """One application as it is filed: its request, then either its refusal or the rows to write."""

    def __init__(self, payload, actor: str, request_id: str | None):
        self.payload, self.actor, self.request_id = payload, actor, request_id
        self.data = self.refusal = self.row = None
        self.wanted: list[tuple] = []

    def outcome(self) -> dict:
        if self.refusal is not None:
            return {"error": list(self.refusal.args)}
        history = [
            {
                "from": None,
                "to": SUBMITTED,
                "at": self.row["created_at"].isoformat(),
                "actor": self.actor,
                "reason": self.data["note"],
            }
        ]
        return {
            "application": view(
                SimpleNamespace(**self.row, publicity_ends_on=None, batch_id=None, bank_ref=None), history
            )
        }


def submit_many(
    session, vault, requests: list[tuple], find_applicants, today, relative_once_a_year: bool
) -> list[dict]:
    """Each (payload, actor, request id) → {"application": view} or {"error": ServiceError args}, in order.

    The accepted ones are written in one transaction; two in the same call that claim the same
    household or student are treated as if filed one after the other (the first one wins).
    """
    submissions = [Submission(*request) for request in requests]
    schema = ApplicationSchema()
    for submission in submissions:
        try:
            submission.data = load_or_400(schema, submission.payload)
        except ServiceError as refusal:
            submission.refusal = refusal
    valid = [submission for submission in submissions if submission.refusal is None]
    campaigns_by_id = campaign_store.load_many(session, {submission.data["campaign_id"] for submission in valid})
    applicants = find_applicants(sorted({submission.data["worker_id"] for submission in valid})) if valid else {}
    now = now_utc()  # one time for the call: each application's creation and its history entry agree
    for submission in valid:
        try:
            _check(submission, vault, campaigns_by_id, applicants, today, relative_once_a_year, now)
        except ServiceError as refusal:
            submission.refusal = refusal
    _write(session, [submission for submission in valid if submission.refusal is None], campaigns_by_id)
    for submission in submissions:
        with request_ids.bound(submission.request_id):
            if submission.refusal is None:
                log.info(
                    "%s submitted application %s to campaign %s",
                    submission.actor,
                    submission.row["application_id"],
                    submission.row["campaign_id"],
                )
            else:
                log.info("%s: application refused (%s)", submission.actor, submission.refusal.code)
    return [submission.outcome() for submission in submissions]


def _check(
    submission: Submission, vault, campaigns_by_id: dict, applicants: dict, today, relative_once_a_year, now
) -> None:
    data = submission.data
    campaign = campaigns_by_id.get(data["campaign_id"])
    if campaign is None:
        raise not_found("帮扶项目")
    applicant = applicants.get(data["worker_id"])
    if applicant is None:
        raise not_found("职工档案")
    student = data["student"]
    amount, level = amount_for(campaign, applicant, student, today)
    submission.wanted = claims_for(vault, campaign, applicant, student, relative_once_a_year)
    application_id = new_id()
    submission.row = {
        "application_id": application_id,
        "short_number": short_number(application_id),
        "campaign_id": campaign.campaign_id,
        "program": campaign.program,
        "worker_id": applicant["worker_id"],
        "status": SUBMITTED,
        "amount_fen": amount,
        "name_masked": applicant["name_masked"],
        "id_number_masked": applicant["id_number_masked"],
        "id_last4": applicant["id_last4"],
        "union": applicant["union"],
        "category": applicant["category"],
        "level": level,
        "note": data["note"],
        "submitted_by": submission.actor,
        "created_at": now,
        "updated_at": now,
        "student": student
        and {**student, "name": mask_name(student["name"]), "id_number": mask_id_number(student["id_number"])},
        "student_sealed": student
        and vault.encrypt(json.dumps({"name": student["name"], "id_number": student["id_number"]})),
    }


def _write(session, submissions: list[Submission], campaigns_by_id: dict) -> None:
    """Refuse what is already claimed, in the database or earlier in this call; write the rest together."""
    taken = _taken(session, [claim for submission in submissions for claim in submission.wanted])
    accepted = []
    for submission in submissions:
        submission.refusal = _first_refusal(submission.wanted, taken)
        if submission.refusal is None:
            taken.update((scope, key) for scope, key, _code, _message in submission.wanted)
            accepted.append(submission)
    if not accepted:
        return
    try:
        insert_many(session, applications, [submission.row for submission in accepted])
        insert_many(
            session,
            claims,
            [
                {"scope": scope, "key": key, "application_id": submission.row["application_id"]}
                for submission in accepted
                for scope, key, _code, _message in submission.wanted
            ],
        )
        for submission in accepted:  # each event carries the id of the request that filed it
            row = submission.row
            with request_ids.bound(submission.request_id):
                record_many(
                    session,
                    [(row, None, SUBMITTED, row["note"])],
                    submission.actor,
                    campaigns_by_id[row["campaign_id"]].name,
                    at=row["created_at"],
                )
        session.commit()
    except IntegrityError:  # another instance claimed the same household meanwhile: settle each on its own
        session.rollback()
        if len(accepted) == 1:
            accepted[0].refusal = _first_refusal(accepted[0].wanted, _taken(session, accepted[0].wanted)) or refused(
                "duplicate_application", "重复申请"
            )
            return
        for submission in accepted:
            _write(session, [submission], campaigns_by_id)
