"""Payee changes need a second person: the change-request rules, without a broker or a database."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from services.registry import payee_rules, views
from shared.domain_errors import Refused

OLD_BANK = {"name": "中国银行", "account": "6222020200012345678"}
NEW_BANK = {"name": "中国工商银行", "account": "6217000011110091"}
BEFORE = {"name": "王芳", "phone": "13800138000", "household_size": 3, "bank": OLD_BANK}
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def test_new_bank_details_are_held_back_and_everything_else_applies():
    applied, requested = payee_rules.held_back(BEFORE, {**BEFORE, "household_size": 4, "bank": NEW_BANK})

    assert applied == {**BEFORE, "household_size": 4}
    assert requested == NEW_BANK


@pytest.mark.parametrize("bank", [OLD_BANK, dict(OLD_BANK)])
def test_the_same_bank_details_request_nothing(bank):
    applied, requested = payee_rules.held_back(BEFORE, {**BEFORE, "phone": "13900139000", "bank": bank})

    assert requested is None and applied["phone"] == "13900139000"


def test_a_new_bank_name_alone_is_a_payee_change_too():
    _applied, requested = payee_rules.held_back(BEFORE, {**BEFORE, "bank": {**OLD_BANK, "name": "中国建设银行"}})

    assert requested == {**OLD_BANK, "name": "中国建设银行"}


def test_the_same_details_have_the_same_key_and_others_another():
    assert payee_rules.bank_key(NEW_BANK) == payee_rules.bank_key(dict(NEW_BANK))
    assert payee_rules.bank_key(NEW_BANK) != payee_rules.bank_key({**NEW_BANK, "name": "中国银行"})


def test_another_person_may_decide_a_pending_request():
    payee_rules.check_decision("pending", "caseworker:u1", "caseworker:u2")
    payee_rules.check_decision("pending", "caseworker:u1", "admin:u3")


@pytest.mark.parametrize("reviewer", ["caseworker:u1", "admin:u1"])
def test_the_requester_may_not_decide_whatever_role_they_act_in(reviewer):
    with pytest.raises(Refused) as refused:
        payee_rules.check_decision("pending", "caseworker:u1", reviewer)

    assert refused.value.code == "same_user"
    assert not hasattr(refused.value, "status")  # the rule knows nothing of HTTP


@pytest.mark.parametrize("status", ["approved", "rejected", "superseded"])
def test_a_decided_request_is_not_decided_again(status):
    with pytest.raises(Refused) as refused:
        payee_rules.check_decision(status, "caseworker:u1", "caseworker:u2")

    assert (refused.value.code, refused.value.extra) == ("invalid_transition", {"status": status})


REQUEST = SimpleNamespace(old_bank_name="中国银行", old_account_masked="****5678", requested_at=NOW)


def test_a_request_is_approved_against_the_payee_it_was_made_against():
    unchanged = SimpleNamespace(bank_name="中国银行", bank_account_masked="****5678", bank_changed_at=None)
    payee_rules.check_payee_unchanged(REQUEST, unchanged)
    payee_rules.check_payee_unchanged(REQUEST, SimpleNamespace(**{**vars(unchanged), "bank_changed_at": NOW}))


@pytest.mark.parametrize(
    "since",
    [
        {"bank_account_masked": "****0091"},
        {"bank_name": "中国工商银行"},
        {"bank_changed_at": NOW + timedelta(seconds=1)},  # even to an account of the same bank and last digits
    ],
)
def test_a_request_is_not_approved_once_the_payee_changed_since(since):
    worker = SimpleNamespace(
        **{"bank_name": "中国银行", "bank_account_masked": "****5678", "bank_changed_at": None, **since}
    )
    with pytest.raises(Refused) as refused:
        payee_rules.check_payee_unchanged(REQUEST, worker)
    assert refused.value.code == "conflict"
    assert "重新提出申请" in refused.value.message


@pytest.mark.parametrize(
    "ago, recent",
    [
        (None, False),
        (timedelta(0), True),
        (timedelta(days=30), True),
        (timedelta(days=30, seconds=1), False),
    ],
)
def test_a_payee_change_is_recent_for_thirty_days(ago, recent):
    changed_at = None if ago is None else NOW - ago

    assert payee_rules.payee_changed_recently(changed_at, NOW) is recent


def stored_request() -> SimpleNamespace:
    """A pending change request as the registry stores it."""
    return SimpleNamespace(
        change_request_id="c1",
        worker_id="w1",
        status="pending",
        source="api",
        old_bank_name="中国银行",
        old_account_masked="****5678",
        new_bank_name="中国工商银行",
        new_account_masked="****0091",
        new_account_sealed="sealed",
        requested_by="caseworker:u1",
        requested_at=NOW,
        decided_by=None,
        decided_at=None,
        reason=None,
    )


def test_reviewers_see_both_accounts_masked_and_the_name_masked():
    request = stored_request()

    shown = views.change_request(request, "欧阳丽娜")

    assert shown["name"] == "欧**娜"
    assert shown["old_bank"] == {"name": "中国银行", "account": "****5678"}
    assert shown["new_bank"] == {"name": "中国工商银行", "account": "****0091"}
    assert "sealed" not in str(shown) and shown["requested_at"] == NOW.isoformat() and shown["decided_at"] is None
