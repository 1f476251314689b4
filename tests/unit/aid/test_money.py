"""A campaign's money: committed on approval while enough is left, released when an application falls back,
paid out when it is paid."""

import pytest
from sqlalchemy import bindparam, column

from services.aid.domain.money import (
    ACCOUNTS,
    COMMIT,
    DISBURSE,
    RELEASE,
    budget_exhausted,
    enough_left,
    grouped,
    left,
    money_after,
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


BUDGET, ALLOCATED, COMMITTED, PAID = 1_000, 500, 600, 300  # 600 left


def test_what_is_left_is_budget_and_allocations_less_committed_and_paid():
    assert left(BUDGET, ALLOCATED, COMMITTED, PAID) == 600


def test_a_commitment_may_take_all_that_is_left_and_no_more():
    assert enough_left(600, BUDGET, ALLOCATED, COMMITTED, PAID)
    assert not enough_left(601, BUDGET, ALLOCATED, COMMITTED, PAID)
    assert money_after(COMMIT, 600, COMMITTED, PAID) == (1_200, 300)
    assert left(BUDGET, ALLOCATED, *money_after(COMMIT, 600, COMMITTED, PAID)) == 0


def test_beyond_it_the_budget_is_exhausted():
    refusal = budget_exhausted()
    assert (refusal.code, refusal.message) == ("budget_exhausted", "本项目资金不足，不能再批准")


def test_a_release_gives_back_and_a_payment_moves_committed_to_paid():
    assert money_after(RELEASE, 200, COMMITTED, PAID) == (400, 300)
    assert money_after(DISBURSE, 200, COMMITTED, PAID) == (400, 500)
    assert left(BUDGET, ALLOCATED, *money_after(DISBURSE, 200, COMMITTED, PAID)) == 600  # paying takes nothing more


def test_the_ledger_moves_between_the_campaigns_accounts():
    assert ACCOUNTS == {
        COMMIT: ("funds", "committed"),
        RELEASE: ("committed", "funds"),
        DISBURSE: ("committed", "disbursed"),
    }


def test_the_same_rules_read_as_sql_for_the_conditional_update():
    budget, allocated, committed, paid = map(column, ("budget_fen", "allocated_fen", "committed_fen", "disbursed_fen"))
    assert str(enough_left(bindparam("total"), budget, allocated, committed, paid)) == (
        "((budget_fen + allocated_fen) - committed_fen) - disbursed_fen >= :total"
    )
    assert [str(value) for value in money_after(DISBURSE, bindparam("total"), committed, paid)] == [
        "committed_fen - :total",
        "disbursed_fen + :total",
    ]


def test_money_moves_are_grouped_by_campaign_and_kind_in_the_order_given():
    moves = [("c1", COMMIT, "a3"), ("c2", COMMIT, "a1"), ("c1", COMMIT, "a2"), ("c1", DISBURSE, "a4")]
    assert grouped(moves) == {("c1", COMMIT): ["a3", "a2"], ("c2", COMMIT): ["a1"], ("c1", DISBURSE): ["a4"]}
