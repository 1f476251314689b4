"""Filing applications under the programme's rules, many at once.

Applications submitted at the same moment arrive together (the gateway coalesces them) and are
written in one transaction; each is still judged on its own, as if they had come one after another.
"""

import json
import logging
from types import SimpleNamespace

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.aid import campaigns as campaign_store
from services.aid import scope, units
from services.aid.applications import view
from services.aid.domain import decisions, reviews
from services.aid.domain.model import Application, Campaign
from services.aid.domain.rules import (
    Claim,
    amount_for,
    check_in_campaign_subtree,
    claimed_meanwhile,
    claims_for,
    first_refusal,
    settle_claims,
    worker_moved_meanwhile,
)
from services.aid.domain.statuses import SUBMITTED
from services.aid.models import applications, claims, worker_units
from services.aid.moves import record
from services.aid.schemas import ApplicationSchema
from shared import org_paths, request_ids, worker_unit_copy
from shared.application_numbers import short_number
from shared.db import insert_many
from shared.domain_errors import DomainError, Invalid, NotFound
from shared.edge import service_error
from shared.events import new_id, now_utc
from shared.masking import mask_id_number, mask_name

log = logging.getLogger(__name__)


def _taken(session, wanted: list[Claim]) -> set[tuple[str, str]]:
    """The (scope, key) pairs among `wanted` that an application already holds; the read is ended (SQLite)."""
    keys = sorted({claim.key for claim in wanted})
    taken = (
        set(session.execute(select(claims.c.scope, claims.c.key).where(claims.c.key.in_(keys))).all())
        if keys
        else set()
    )
    session.rollback()
    return taken


class Submission:
    """One application as it is filed: its request, then either its refusal or the rows to write."""

    def __init__(self, payload, actor: str, request_id: str | None, caller_scope: str | None):
        self.payload, self.actor, self.request_id, self.caller_scope = payload, actor, request_id, caller_scope
        self.data = self.row = None
        self.refusal: DomainError | None = None
        self.wanted: list[Claim] = []
        self.worker_version = 0  # of the worker's file the registry answered with

    def outcome(self) -> dict:
        if self.refusal is not None:
            return {"error": list(service_error(self.refusal).args)}
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
    session, vault, requests: list[tuple], find_applicants, ask_registry, today, relative_once_a_year: bool
) -> list[dict]:
    """Each (payload, actor, request id, the caller's scope) → {"application": view} or {"error": ServiceError args},
    in order. `ask_registry` answers for a unit aid has not learnt yet (units.path_of).

    The accepted ones are written in one transaction; two in the same call that claim the same
    household or student are treated as if filed one after the other (the first one wins).
    """
    submissions = [Submission(*request) for request in requests]
    schema = ApplicationSchema()
    for submission in submissions:
        try:
            submission.data = schema.load(submission.payload)
        except ValidationError as wrong:
            submission.refusal = Invalid(wrong.normalized_messages())
    valid = [submission for submission in submissions if submission.refusal is None]
    campaign_rows = campaign_store.load_many(session, {submission.data["campaign_id"] for submission in valid})
    campaigns_by_id = {campaign_id: Campaign.of(row._mapping) for campaign_id, row in campaign_rows.items()}
    places = Places(session, ask_registry, {campaign_id: row.org_unit_id for campaign_id, row in campaign_rows.items()})
    applicants = find_applicants(sorted({submission.data["worker_id"] for submission in valid})) if valid else {}
    now = now_utc()  # one time for the call: each application's creation and its history entry agree
    for submission in valid:
        try:
            _check(submission, vault, campaigns_by_id, places, applicants, today, relative_once_a_year, now)
        except DomainError as refusal:
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


class Places:
    """The paths a call's submissions are judged by: each caller's scope and each campaign's unit, read once."""

    def __init__(self, session, ask_registry, campaign_units: dict[str, str | None]):
        self.session, self.ask_registry, self.campaign_units = session, ask_registry, campaign_units
        self.scopes: dict[str | None, str] = {}
        self.campaigns: dict[str, str | None] = {}
        self.levels: dict[str | None, list[str]] = {}

    def scope(self, caller_scope: str | None) -> str:
        if caller_scope not in self.scopes:
            self.scopes[caller_scope] = units.scope_path(self.session, caller_scope, self.ask_registry)
        return self.scopes[caller_scope]

    def review_levels(self, campaign: Campaign, worker_path: str) -> list[str]:
        """The levels the campaign reviews an application of a worker at `worker_path` at (domain/reviews.py)."""
        if not campaign.review_levels:
            return []
        if worker_path not in self.levels:
            self.levels |= units.levels_on(self.session, [worker_path], self.ask_registry)
        return reviews.levels_for(campaign.review_levels, self.levels[worker_path])

    def campaign(self, campaign_id: str) -> str | None:
        if campaign_id not in self.campaigns:
            self.campaigns[campaign_id] = units.owner_path(
                self.session, self.campaign_units[campaign_id], self.ask_registry
            )
        return self.campaigns[campaign_id]


def _check(
    submission: Submission,
    vault,
    campaigns_by_id: dict,
    places: Places,
    applicants: dict,
    today,
    relative_once_a_year,
    now,
) -> None:
    """Out of the caller's scope, a campaign or a worker is answered as one that does not exist."""
    data = submission.data
    campaign = campaigns_by_id.get(data["campaign_id"])
    scope_path = places.scope(submission.caller_scope)
    campaign_path = campaign and places.campaign(campaign.campaign_id)
    if campaign_path is None or not scope.campaign_seen_at(campaign_path, scope_path):
        raise NotFound("帮扶项目")
    applicant = applicants.get(data["worker_id"])
    if applicant is None or not org_paths.within(applicant["path"], scope_path):
        raise NotFound("职工档案")
    student = data["student"]
    amount, level = amount_for(campaign, applicant, student, today)
    check_in_campaign_subtree(campaign_path, applicant["path"])
    student_key = vault.lookup_hash(student["id_number"]) if student else None
    submission.worker_version = applicant["version"]
    submission.wanted = claims_for(campaign, applicant, student_key, relative_once_a_year)
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
        "org_unit_id": applicant["org_unit_id"],
        "path": applicant["path"],
        "level": level,
        "note": data["note"],
        "submitted_by": submission.actor,
        "review_done": [],
        "review_next": reviews.first_level(places.review_levels(campaign, applicant["path"])),
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
    for submission, refusal in zip(
        submissions, settle_claims([submission.wanted for submission in submissions], taken), strict=True
    ):
        submission.refusal = refusal
    accepted = [submission for submission in submissions if submission.refusal is None]
    if not accepted:
        return
    try:
        seen = {
            submission.row["worker_id"]: (submission.row["org_unit_id"], submission.worker_version)
            for submission in accepted
        }
        newest = worker_unit_copy.newest(session, worker_units, seen)
        for submission in accepted:
            if newest[submission.row["worker_id"]][1] > submission.worker_version:
                submission.refusal = worker_moved_meanwhile()
        accepted = [submission for submission in accepted if submission.refusal is None]
        insert_many(session, applications, [submission.row for submission in accepted])
        insert_many(
            session,
            claims,
            [
                {"scope": claim.scope, "key": claim.key, "application_id": submission.row["application_id"]}
                for submission in accepted
                for claim in submission.wanted
            ],
        )
        record(  # each event carries the id of the request that filed it
            session,
            [
                decisions.filed(
                    Application.of(submission.row),
                    campaigns_by_id[submission.row["campaign_id"]].name,
                    submission.actor,
                    submission.row["note"],
                    submission.row["created_at"],
                )
                for submission in accepted
            ],
            [submission.request_id for submission in accepted],
        )
        session.commit()
    except IntegrityError:  # another instance claimed the same household meanwhile: settle each on its own
        session.rollback()
        if len(accepted) == 1:
            accepted[0].refusal = (
                first_refusal(accepted[0].wanted, _taken(session, accepted[0].wanted)) or claimed_meanwhile()
            )
            return
        for submission in accepted:
            _write(session, [submission], campaigns_by_id)
