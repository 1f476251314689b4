"""The status machine: every action from every status, allowed or refused with the status it found."""

import pytest

from services.aid.domain.statuses import (
    CLAIMING,
    COMMITTED,
    DISBURSED,
    PAYING,
    PAYMENT_FAILED,
    PUBLICIZING,
    READY,
    REJECTED,
    STATUSES,
    SUBMITTED,
    TRANSITIONS,
    WITHDRAWN,
    next_status,
)
from shared.domain_errors import Refused

ALLOWED = {
    ("approve", SUBMITTED): PUBLICIZING,
    ("reject", SUBMITTED): REJECTED,
    ("withdraw", SUBMITTED): WITHDRAWN,
    ("objection", PUBLICIZING): SUBMITTED,
    ("end_publicity", PUBLICIZING): READY,
    ("pay", READY): PAYING,
    ("pay", PAYMENT_FAILED): PAYING,
    ("paid", PAYING): DISBURSED,
    ("payment_failed", PAYING): PAYMENT_FAILED,
    ("pay_by_hand", READY): DISBURSED,
    ("pay_by_hand", PAYMENT_FAILED): DISBURSED,
    ("return_for_review", PUBLICIZING): SUBMITTED,
    ("return_for_review", READY): SUBMITTED,
}
EVERY_MOVE = [(action, status) for action in TRANSITIONS for status in STATUSES]


@pytest.mark.parametrize("action, status", [move for move in EVERY_MOVE if move in ALLOWED])
def test_an_allowed_action_leads_to_its_status(action, status):
    assert next_status(action, status) == ALLOWED[action, status]


@pytest.mark.parametrize("action, status", [move for move in EVERY_MOVE if move not in ALLOWED])
def test_any_other_action_is_refused_naming_the_status_found(action, status):
    with pytest.raises(Refused) as refusal:
        next_status(action, status)
    assert refusal.value.code == "invalid_transition"
    assert refusal.value.extra == {"status": status}


def test_the_refusal_names_the_status_as_people_read_it():
    with pytest.raises(Refused) as refusal:
        next_status("approve", DISBURSED)
    assert refusal.value.message == "申请当前为「已发放」，不能执行此操作"


def test_an_approval_with_no_notice_to_run_is_ready_at_once():
    assert next_status("approve", SUBMITTED, publicity_days=0) == READY
    assert next_status("approve", SUBMITTED, publicity_days=1) == PUBLICIZING


def test_money_is_committed_from_approval_until_payment_and_claims_are_held_until_refusal():
    assert COMMITTED == {PUBLICIZING, READY, PAYING, PAYMENT_FAILED}
    assert set(STATUSES) - CLAIMING == {REJECTED, WITHDRAWN}
