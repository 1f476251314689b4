"""Decisions: the move an action makes of an application, with its values, money, claims, history and events."""

from datetime import date

import pytest

from services.aid.domain import decisions
from services.aid.domain.model import Event, HistoryEntry
from services.aid.domain.money import COMMIT, DISBURSE, RELEASE
from services.aid.domain.statuses import (
    DISBURSED,
    PAYING,
    PAYMENT_FAILED,
    PUBLICIZING,
    READY,
    REJECTED,
    SUBMITTED,
    WITHDRAWN,
)
from shared.domain_errors import Refused
from tests.unit.aid.data import AT, CHECKER, MAKER, ROOT_ID, TODAY, application, calendar, warmth, worker

APPROVED_ENDS_ON = date(2031, 8, 18)  # five working days after Monday 2031-08-11: Tuesday to Friday, Monday


def approval(app=None, campaign=None, applicant=None, actor=CHECKER, days=None):
    return decisions.approval(
        app or application(),
        campaign or warmth(),
        worker() if applicant is None else applicant,
        actor,
        "核实无误",
        AT,
        TODAY,
        calendar() if days is None else days,
    )


def test_an_approval_starts_the_notice_and_commits_the_money():
    move = approval()
    assert (move.status, move.money, move.releases_claims) == (PUBLICIZING, COMMIT, False)
    assert move.values == {
        "publicity_ends_on": APPROVED_ENDS_ON,
        "batch_id": None,
        "bank_ref": None,
        "review_done": [],
        "review_next": None,
    }


@pytest.mark.parametrize(
    "holidays, workdays, ends_on",
    [
        ((), (), "2031-08-18"),
        (("2031-08-13", "2031-08-14"), (), "2031-08-20"),  # two days off midweek
        ((), ("2031-08-16",), "2031-08-16"),  # a make-up Saturday (调休) counts
        (("2031-08-18", "2031-08-19", "2031-08-20", "2031-08-21", "2031-08-22"), (), "2031-08-25"),  # a week off
    ],
)
def test_the_notice_ends_after_its_working_days_on_the_calendar_given(holidays, workdays, ends_on):
    move = approval(days=calendar(holidays, workdays))
    assert move.values["publicity_ends_on"] == date.fromisoformat(ends_on)


def test_a_notice_running_into_a_year_with_no_calendar_is_refused():
    with pytest.raises(Refused) as refusal:
        approval(days={})
    assert (refusal.value.code, refusal.value.extra) == ("calendar_missing", {"year": 2031})


def test_a_campaign_without_notice_makes_the_approved_ready_at_once():
    move = approval(campaign=warmth(publicity_days=0), days={})  # no calendar is read
    assert (move.status, move.money, move.values["publicity_ends_on"]) == (READY, COMMIT, None)
    assert move.entry.events[0].fields["publicity_ends_on"] is None


@pytest.mark.parametrize(
    "app, applicant, actor, code",
    [
        (application(PUBLICIZING, submitted_by=CHECKER), worker(status="exited"), CHECKER, "invalid_transition"),
        (application(submitted_by=CHECKER), worker(status="exited"), CHECKER, "same_user"),
        (application(), worker(status="exited"), CHECKER, "not_eligible"),
    ],
)
def test_an_approval_is_refused_for_the_status_then_the_reviewer_then_the_worker(app, applicant, actor, code):
    with pytest.raises(Refused) as refusal:
        approval(app=app, applicant=applicant, actor=actor, days={})
    assert refusal.value.code == code


def move(status, action, **kwargs):
    return decisions.move(application(status), warmth(), action, CHECKER, "理由", AT, **kwargs)


@pytest.mark.parametrize(
    "status, action, new, money, releases",
    [
        (SUBMITTED, "reject", REJECTED, None, True),
        (SUBMITTED, "withdraw", WITHDRAWN, None, True),
        (PUBLICIZING, "objection", SUBMITTED, RELEASE, False),
        (PUBLICIZING, "end_publicity", READY, None, False),
        (READY, "return_for_review", SUBMITTED, RELEASE, False),
        (READY, "pay", PAYING, None, False),
        (PAYING, "paid", DISBURSED, DISBURSE, False),
        (PAYING, "payment_failed", PAYMENT_FAILED, None, False),
        (PAYMENT_FAILED, "pay_by_hand", DISBURSED, DISBURSE, False),
    ],
)
def test_each_move_says_what_happens_to_the_money_and_the_claims(status, action, new, money, releases):
    decided = move(status, action)
    assert (decided.status, decided.money, decided.releases_claims) == (new, money, releases)


def test_a_move_keeps_the_values_it_does_not_set():
    done = ({"level": "base", "actor": "caseworker:base", "at": AT.isoformat()},)
    paying = decisions.move(
        application(PAYING, batch_id="b" * 32, publicity_ends_on=APPROVED_ENDS_ON, review_done=done),
        warmth(),
        "paid",
        "finance:f",
        None,
        AT,
        values={"bank_ref": "BANK-1"},
    )
    assert paying.values == {
        "publicity_ends_on": APPROVED_ENDS_ON,
        "batch_id": "b" * 32,
        "bank_ref": "BANK-1",
        "review_done": done,
        "review_next": None,
    }


def test_back_in_review_the_notice_no_longer_runs():
    objected = decisions.move(
        application(PUBLICIZING, publicity_ends_on=APPROVED_ENDS_ON), warmth(), "objection", "public:x", "异议", AT
    )
    assert objected.values["publicity_ends_on"] is None


def test_a_reviewed_move_is_refused_to_the_user_who_submitted():
    with pytest.raises(Refused) as refusal:
        decisions.move(application(), warmth(), "reject", MAKER, "自审", AT, reviewed=True)
    assert refusal.value.code == "same_user"
    assert decisions.move(application(), warmth(), "withdraw", MAKER, "不申请了", AT).status == WITHDRAWN


def test_a_refused_move_decides_nothing():
    with pytest.raises(Refused) as refusal:
        move(DISBURSED, "pay_by_hand")
    assert (refusal.value.code, refusal.value.extra) == ("invalid_transition", {"status": DISBURSED})


def test_the_history_entry_says_who_moved_it_from_where_to_where_and_why():
    assert approval().entry.history == HistoryEntry("a" * 32, SUBMITTED, PUBLICIZING, CHECKER, "核实无误", AT)


def test_an_approval_publishes_its_facts_with_the_notices_end():
    assert approval(application(org_unit_id=ROOT_ID)).entry.events == (
        Event(
            "application_approved",
            {
                "application_id": "a" * 32,
                "campaign_id": "c" * 32,
                "worker_id": "w" * 32,
                "org_unit_id": ROOT_ID,
                "program": "warmth",
                "status": PUBLICIZING,
                "from_status": SUBMITTED,
                "amount_fen": 300_000,
                "reason": "核实无误",
                "campaign_name": "2031年送温暖",
                "publicity_ends_on": "2031-08-18",
            },
        ),
    )


@pytest.mark.parametrize(
    "status, action, event",
    [
        (SUBMITTED, "reject", "application_rejected"),
        (SUBMITTED, "withdraw", "application_withdrawn"),
        (PUBLICIZING, "objection", "application_submitted"),
        (PUBLICIZING, "end_publicity", "application_ready"),
        (READY, "return_for_review", "application_submitted"),
        (PAYING, "paid", "application_disbursed"),
        (PAYING, "payment_failed", "application_payment_failed"),
        (READY, "pay_by_hand", "application_disbursed"),
    ],
)
def test_each_move_publishes_the_event_of_its_new_status(status, action, event):
    [published] = move(status, action).entry.events
    assert (published.type, published.fields["from_status"], published.fields["publicity_ends_on"]) == (
        event,
        status,
        None,
    )


def test_going_into_payment_publishes_nothing():
    assert move(READY, "pay").entry.events == ()


def test_personal_numbers_in_a_reason_are_masked_in_the_event_but_kept_in_the_history():
    reason = "联系电话13800138000"
    decided = decisions.move(application(), warmth(), "reject", CHECKER, reason, AT)
    assert decided.entry.history.reason == reason
    assert decided.entry.events[0].fields["reason"] == "联系电话138****8000"


def test_a_filed_application_is_submitted_with_its_note():
    entry = decisions.filed(application(), "2031年送温暖", MAKER, "入户核实", AT)
    assert entry.history == HistoryEntry("a" * 32, None, SUBMITTED, MAKER, "入户核实", AT)
    [event] = entry.events
    assert (event.type, event.fields["from_status"], event.fields["campaign_name"]) == (
        "application_submitted",
        None,
        "2031年送温暖",
    )


def test_a_note_is_history_without_an_event():
    entry = decisions.noted(application(), "system:registry", "职工档案状态变为暂停，退回重新审核", AT)
    assert entry.history.from_status == entry.history.to_status == SUBMITTED
    assert entry.events == ()


def test_a_move_lost_to_another_reviewer_is_refused_in_the_words_for_one_or_many():
    assert decisions.moved_meanwhile(1).message == "申请状态已被他人改变，请刷新后重试"
    assert decisions.moved_meanwhile(3).message == "部分申请的状态刚被他人改变，请刷新后重试"
    assert decisions.moved_meanwhile(3).code == "invalid_transition"
