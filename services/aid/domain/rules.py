"""The programme's rules for who may be aided, how much, and how often; and who may review whom."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.aid.domain.model import Campaign
from shared.actors import user_of
from shared.domain_errors import Invalid, Refused
from shared.org_paths import within
from shared.worker_statuses import WORKER_STATUSES

Applicant = Mapping[str, Any]  # a worker as the registry's `applicants` gives it


@dataclass(frozen=True)
class Claim:
    """Something only one application may hold: a household in a warmth campaign, a student in a year, ..."""

    scope: str
    key: str
    code: str  # and message: the refusal of a second application that wants it
    message: str


def amount_for(
    campaign: Campaign, applicant: Applicant, student: Mapping[str, Any] | None, today: date
) -> tuple[int, str | None]:
    """(amount in fen, school level) from the campaign's table, after the campaign and programme rules allow it."""
    if not campaign.opens_on <= today <= campaign.closes_on:
        raise Refused("campaign_closed", f"本项目申请时间为 {campaign.opens_on} 至 {campaign.closes_on}")
    if applicant["status"] != "active":
        raise Refused("not_eligible", "该职工档案不在有效状态，不能申请")
    if campaign.program == "warmth":
        if student is not None:
            raise Invalid({"student": ["送温暖申请不填写学生信息"]})
        amount = campaign.amounts.get(applicant["category"])
        if amount is None:
            raise Refused("not_eligible", "本项目未设该困难类别的帮扶标准")
        return amount, None
    if student is None:
        raise Invalid({"student": ["金秋助学申请必须填写学生信息"]})
    if student["admission_year"] != campaign.year:
        raise Refused("not_eligible", f"入学年份应为 {campaign.year} 年")
    amount = campaign.amounts.get(student["level"])
    if amount is None:
        raise Refused("not_eligible", "本项目未设该学段的资助标准")
    return amount, student["level"]


def check_in_campaign_subtree(campaign_unit_path: str, worker_path: str) -> None:
    """A campaign takes workers of its own unit's subtree only. Paths as shared/org_paths.py stores them: the campaign's
    unit's (EVERYWHERE for the root's) and the worker's unit's."""
    if not within(worker_path, campaign_unit_path):
        raise Refused("not_eligible", "该职工所属工会不在本项目所属组织及其下级组织范围内，不能申请本项目")


def claims_for(
    campaign: Campaign, applicant: Applicant, student_key: str | None, relative_once_a_year: bool
) -> list[Claim]:
    """Everything this application may be the only one to hold. `student_key` stands for the student's ID number
    (education only); `relative_once_a_year` is the RELATIVE_ONE_AID_PER_YEAR setting."""
    wanted = []
    household = list(dict.fromkeys(applicant["household"]))  # a member listed twice is claimed once
    if campaign.program == "warmth":
        wanted += [
            Claim(f"warmth:{campaign.campaign_id}", key, "duplicate_application", "该家庭已申请本次送温暖")
            for key in household
        ]
    else:
        assert student_key is not None, "an education application names its student"
        wanted.append(
            Claim(f"education:{campaign.year}", student_key, "duplicate_application", "该学生本年度已申请金秋助学")
        )
    if relative_once_a_year and applicant["category"] == "relative":
        wanted += [
            Claim(f"relative:{campaign.year}", key, "not_eligible", "相对困难家庭每年只能获得一项帮扶")
            for key in household
        ]
    return wanted


def first_refusal(wanted: Iterable[Claim], taken: set[tuple[str, str]]) -> Refused | None:
    """The refusal for the first claim someone already holds ((scope, key) in `taken`), or None."""
    for claim in wanted:
        if (claim.scope, claim.key) in taken:
            return Refused(claim.code, claim.message)
    return None


def settle_claims(wanted_by_each: Sequence[list[Claim]], taken: set[tuple[str, str]]) -> list[Refused | None]:
    """Applications filed together, judged as if one came after the other: the first to claim something wins.
    Each gets its refusal or None; `taken` is left holding every claim granted."""
    refusals = []
    for wanted in wanted_by_each:
        refusal = first_refusal(wanted, taken)
        if refusal is None:
            taken.update((claim.scope, claim.key) for claim in wanted)
        refusals.append(refusal)
    return refusals


def claimed_meanwhile() -> Refused:
    """Another instance wrote a claim between our read and our write, and it is gone again on a second look."""
    return Refused("duplicate_application", "重复申请")


def worker_moved_meanwhile() -> Refused:
    """The worker moved to another unit between the registry's answer and the filing (its event handled meanwhile)."""
    return Refused("conflict", "该职工刚调到其他工会组织，请重新提交申请")


def check_maker_checker(submitted_by: str, reviewer: str) -> None:
    """Maker-checker: nobody reviews what they submitted, whatever role they act in."""
    if user_of(submitted_by) == user_of(reviewer):
        raise Refused("same_user", "提交人不能审核自己提交的申请")


def check_worker_active(applicant: Applicant | None) -> None:
    """Approval re-checks the worker: only a file still `active` in the registry may be aided."""
    if applicant is None or applicant["status"] != "active":
        raise Refused("not_eligible", "该职工档案已不在有效状态，不能批准")


def returned_for_review_note(worker_status: str) -> str:
    """The history reason when a worker's file stops being active, as caseworkers read it."""
    return f"职工档案状态变为{WORKER_STATUSES.get(worker_status, worker_status)}，退回重新审核"
