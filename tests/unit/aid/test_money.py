"""A campaign's money: committed on approval while enough is left, released when an application falls back,
paid out when it is paid."""

import pytest
from sqlalchemy import column

from services.aid.domain.errors import Refused
from services.aid.domain.money import (
    ACCOUNTS,
    COMMIT,
    DISBURSE,
    RELEASE,
    CampaignMoney,
    grouped,
    left,
    money_for,
)
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


@pytest.mark.parametrize(
    "old, new, kind",
    [
        (SUBMITTED, PUBLICIZING, COMMIT),
        (SUBMITTED, READY, COMMIT),  # approved with no 公示
        (PUBLICIZING, READY, None),
        (READY, PAYING, None),
        (PAYMENT_FAILED, PAYING, None),
        (PAYING, PAYMENT_FAILED, None),
        (PAYING, DISBURSED, DISBURSE),
        (READY, DISBURSED, DISBURSE),  # paid by hand
        (PAYMENT_FAILED, DISBURSED, DISBURSE),
        (PUBLICIZING, SUBMITTED, RELEASE),  # an objection
        (READY, SUBMITTED, RELEASE),  # returned for review
        (SUBMITTED, REJECTED, None),
        (SUBMITTED, WITHDRAWN, None),
    ],
)
def test_each_move_commits_releases_or_pays_the_amount_or_leaves_it(old, new, kind):
    assert money_for(old, new) == kind


MONEY = CampaignMoney(budget_fen=1_000, allocated_fen=500, committed_fen=600, disbursed_fen=300)


def test_what_is_left_is_budget_and_allocations_less_committed_and_paid():
    assert MONEY.left_fen == 600


def test_a_commitment_takes_from_what_is_left_up_to_all_of_it():
    assert MONEY.after(COMMIT, 600) == CampaignMoney(1_000, 500, 1_200, 300)
    assert MONEY.after(COMMIT, 600).left_fen == 0


def test_a_commitment_beyond_what_is_left_is_budget_exhausted():
    with pytest.raises(Refused) as refusal:
        MONEY.after(COMMIT, 601)
    assert (refusal.value.code, refusal.value.message) == ("budget_exhausted", "本项目资金不足，不能再批准")


def test_a_release_gives_back_and_a_payment_moves_committed_to_paid():
    assert MONEY.after(RELEASE, 200) == CampaignMoney(1_000, 500, 400, 300)
    assert MONEY.after(DISBURSE, 200) == CampaignMoney(1_000, 500, 400, 500)
    assert MONEY.after(DISBURSE, 200).left_fen == MONEY.left_fen


def test_the_ledger_moves_between_the_campaigns_accounts():
    assert ACCOUNTS == {
        COMMIT: ("funds", "committed"),
        RELEASE: ("committed", "funds"),
        DISBURSE: ("committed", "disbursed"),
    }


def test_what_is_left_reads_the_same_as_sql():
    expression = left(column("budget_fen"), column("allocated_fen"), column("committed_fen"), column("disbursed_fen"))
    assert str(expression) == "((budget_fen + allocated_fen) - committed_fen) - disbursed_fen"


def test_money_moves_are_grouped_by_campaign_and_kind_in_the_order_given():
    moves = [("c1", COMMIT, "a3"), ("c2", COMMIT, "a1"), ("c1", COMMIT, "a2"), ("c1", DISBURSE, "a4")]
    assert grouped(moves) == {("c1", COMMIT): ["a3", "a2"], ("c2", COMMIT): ["a1"], ("c1", DISBURSE): ["a4"]}
