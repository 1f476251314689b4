"""Review level by level: which levels an application is reviewed at, who may take its next step, and what the
approval decides at each step."""

import pytest

from services.aid.domain import decisions, reviews
from services.aid.domain.money import COMMIT, RELEASE
from services.aid.domain.statuses import PUBLICIZING, READY, REJECTED, SUBMITTED
from shared.domain_errors import Refused
from tests.unit.aid.data import AT, CHECKER, MAKER, TODAY, application, calendar, warmth, worker

BASE_STEP = {"level": "base", "actor": "caseworker:base", "at": AT.isoformat()}
TWO_LEVELS = ["base", "district"]


@pytest.mark.parametrize(
    "path_levels, levels",
    [
        (["city", "district", "base"], ["base", "district"]),
        (["city", "base"], ["base"]),  # a base union right under the city: no district to review it
        (["city", "district"], ["district"]),  # a worker filed at the district itself
        (["city"], []),
    ],
)
def test_an_application_is_reviewed_at_the_campaigns_levels_its_workers_path_has(path_levels, levels):
    assert reviews.levels_for(["base", "district"], path_levels) == levels


def test_the_next_level_is_the_first_not_taken_yet():
    assert reviews.first_level(TWO_LEVELS) == "base"
    assert reviews.next_level(TWO_LEVELS, [BASE_STEP]) == "district"
    assert reviews.next_level(TWO_LEVELS, [BASE_STEP, {**BASE_STEP, "level": "district"}]) is None
    assert reviews.first_level([]) is None


def test_a_step_at_the_level_awaited_is_recorded_and_the_last_one_says_so():
    done, last = reviews.take_step(TWO_LEVELS, [], MAKER, "caseworker:base", "base", AT)
    assert (done, last) == ([BASE_STEP], False)
    done, last = reviews.take_step(TWO_LEVELS, done, MAKER, "admin:district", "district", AT)
    assert (done[-1], last) == ({"level": "district", "actor": "admin:district", "at": AT.isoformat()}, True)


def test_with_no_level_to_take_one_approval_by_anyone_decides_and_records_no_step():
    assert reviews.take_step([], [], MAKER, CHECKER, None, AT) == ([], True)


@pytest.mark.parametrize(
    "done, actor, actor_level, code, message",
    [
        ([], MAKER, "base", "same_user", "提交人不能审核自己提交的申请"),
        ([], "admin:maker", "base", "same_user", "提交人不能审核自己提交的申请"),  # in any role
        ([BASE_STEP], "caseworker:base", "base", "same_user", "每一级审核应由不同的人完成，您已审核过这件申请"),
        ([BASE_STEP], "admin:base", "district", "same_user", "每一级审核应由不同的人完成，您已审核过这件申请"),
        ([], CHECKER, "district", "wrong_level", "这件申请正待基层工会审核，应由基层工会的审核人员办理"),
        ([BASE_STEP], CHECKER, "base", "wrong_level", "这件申请正待区县级工会审核，应由区县级工会的审核人员办理"),
        ([], CHECKER, None, "wrong_level", "这件申请正待基层工会审核，应由基层工会的审核人员办理"),
    ],
)
def test_a_step_is_refused_to_the_submitter_to_a_reviewer_of_an_earlier_step_then_to_another_level(
    done, actor, actor_level, code, message
):
    with pytest.raises(Refused) as refusal:
        reviews.take_step(TWO_LEVELS, done, MAKER, actor, actor_level, AT)
    assert (refusal.value.code, refusal.value.message) == (code, message)
    if code == "wrong_level":
        assert refusal.value.extra == {"next_level": reviews.next_level(TWO_LEVELS, done)}


def approve(app, actor="caseworker:base", actor_level="base", note="核实无误", applicant=None, levels=TWO_LEVELS):
    return decisions.approval(
        app,
        warmth(review_levels=TWO_LEVELS),
        worker() if applicant is None else applicant,
        actor,
        note,
        AT,
        TODAY,
        calendar(),
        levels=levels,
        actor_level=actor_level,
    )


def test_a_step_before_the_last_keeps_the_application_in_review_with_no_money_no_event():
    move = approve(application(review_next="base"))
    assert (move.status, move.money, move.releases_claims, move.entry.events) == (SUBMITTED, None, False, ())
    assert (move.values["review_done"], move.values["review_next"]) == ([BASE_STEP], "district")
    history = move.entry.history
    assert (history.from_status, history.to_status, history.actor, history.reason) == (
        SUBMITTED,
        SUBMITTED,
        "caseworker:base",
        "基层审核通过：核实无误",
    )


def test_the_last_step_approves_as_a_single_approval_does():
    move = approve(
        application(review_done=[BASE_STEP], review_next="district"), "admin:district", "district", note=None
    )
    assert (move.status, move.money, move.values["review_next"]) == (PUBLICIZING, COMMIT, None)
    assert [step["level"] for step in move.values["review_done"]] == TWO_LEVELS
    assert move.entry.history.reason == "区县级审核通过"
    assert [event.type for event in move.entry.events] == ["application_approved"]


def test_a_step_reads_the_worker_after_the_reviewer():
    with pytest.raises(Refused) as refusal:
        approve(application(), applicant=worker(status="exited"))
    assert refusal.value.code == "not_eligible"
    with pytest.raises(Refused) as refusal:
        approve(application(), actor_level="district", applicant=worker(status="exited"))
    assert refusal.value.code == "wrong_level"


def test_a_rejected_application_keeps_its_steps_and_awaits_none():
    move = decisions.move(
        application(review_done=[BASE_STEP], review_next="district"),
        warmth(),
        "reject",
        CHECKER,
        "材料不全",
        AT,
        reviewed=True,
    )
    assert (move.status, move.values["review_done"], move.values["review_next"]) == (REJECTED, [BASE_STEP], None)


@pytest.mark.parametrize("action, status", [("objection", PUBLICIZING), ("return_for_review", READY)])
def test_back_in_review_its_review_starts_over_at_the_first_level(action, status):
    done = [BASE_STEP, {**BASE_STEP, "level": "district"}]
    move = decisions.move(
        application(status, review_done=done), warmth(), action, CHECKER, "异议", AT, levels=TWO_LEVELS
    )
    assert (move.status, move.money) == (SUBMITTED, RELEASE)
    assert (move.values["review_done"], move.values["review_next"]) == ([], "base")
