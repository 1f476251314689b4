"""Where a campaign's money comes from (services/aid/domain/funds_rules.py): a repeated external_ref, the gifts an
allocation takes, the sources a payment draws, and a donor's public name."""

import pytest

from services.aid.domain.funds_rules import (
    ALLOCATED,
    BUDGET,
    RESTRICTED,
    Funding,
    Gift,
    Part,
    Source,
    check_drawn,
    draw,
    income,
    oldest_first,
    public_name,
    same_request,
    taken_by_source,
)
from shared.domain_errors import Refused

FIRST = {"donor_id": "d1", "amount_fen": 500, "campaign_id": "c1"}


def refusal(call, *args) -> tuple[str, str]:
    with pytest.raises(Refused) as refused:
        call(*args)
    return refused.value.code, refused.value.message


def test_the_same_request_again_is_no_conflict():
    same_request(FIRST, dict(FIRST), "捐款")
    same_request({**FIRST, "note": "ignored"}, {"amount_fen": 500, "campaign_id": "c1"}, "划拨")


@pytest.mark.parametrize(
    "changes, what, message",
    [
        ({"donor_id": "d2"}, "捐款", "该 external_ref 已用于另一笔捐款（捐赠人不同），请核对后换用新的参考号"),
        ({"amount_fen": 501}, "捐款", "该 external_ref 已用于另一笔捐款（金额不同），请核对后换用新的参考号"),
        ({"campaign_id": None}, "划拨", "该 external_ref 已用于另一笔划拨（帮扶项目不同），请核对后换用新的参考号"),
        (
            {"donor_id": "d2", "amount_fen": 1, "campaign_id": "c2"},
            "捐款",
            "该 external_ref 已用于另一笔捐款（捐赠人、金额、帮扶项目不同），请核对后换用新的参考号",
        ),
    ],
)
def test_a_repeated_external_ref_with_another_request_is_refused_naming_what_differs(changes, what, message):
    assert refusal(same_request, FIRST, {**FIRST, **changes}, what) == ("idempotency_conflict", message)


GIFTS = [Gift("old", 300, 100), Gift("mid", 100, 100), Gift("new", 500, 0)]  # 200, 0 and 500 unplaced


@pytest.mark.parametrize(
    "amount, taken",
    [
        (150, [("old", 150)]),
        (200, [("old", 200)]),
        (201, [("old", 200), ("mid", 0), ("new", 1)]),
        (700, [("old", 200), ("mid", 0), ("new", 500)]),
        (0, []),
    ],
)
def test_an_allocation_takes_the_oldest_unplaced_money_first(amount, taken):
    assert oldest_first(GIFTS, amount) == [{"donation_id": d, "amount_fen": a} for d, a in taken]


def test_an_allocation_beyond_the_unplaced_money_is_refused():
    assert refusal(oldest_first, GIFTS, 701) == ("budget_exhausted", "未定向捐款的余额不足以划拨这笔金额")
    assert refusal(oldest_first, [], 1) == ("budget_exhausted", "未定向捐款的余额不足以划拨这笔金额")


SOURCES = [Source("restricted", "g1", 100), Source("allocated", "g2", 50), Source("budget", None, 1000)]


def test_payments_drain_each_source_in_order_before_the_next():
    parts = draw(SOURCES, [("a1", 80), ("a2", 80), ("a3", 0), ("a4", 100)])
    assert parts == [
        Part("a1", "restricted", "g1", 80),
        Part("a2", "restricted", "g1", 20),
        Part("a2", "allocated", "g2", 50),
        Part("a2", "budget", None, 10),
        Part("a4", "budget", None, 100),
    ]
    assert taken_by_source(parts) == {"restricted": 100, "allocated": 50, "budget": 110}
    assert list(taken_by_source(parts)) == ["restricted", "allocated", "budget"]


def test_payments_beyond_the_sources_are_refused():
    assert draw(SOURCES, [("a1", 1150)])[-1] == Part("a1", "budget", None, 1000)
    message = ("budget_exhausted", "本项目的资金来源不足以支付这笔款项")
    assert refusal(draw, SOURCES, [("a1", 1000), ("a2", 151)]) == message
    assert refusal(draw, [], [("a1", 1)]) == message
    assert draw([], [("a1", 0)]) == []


def test_a_source_drawn_by_another_payment_meanwhile_is_a_conflict():
    check_drawn({"s1": 100, "s2": 50}, {"s1": 30}, {"s1": 70})
    assert refusal(check_drawn, {"s1": 100}, {"s1": 30}, {"s1": 60}) == ("conflict", "资金来源刚被其他付款使用，请重试")


@pytest.mark.parametrize(
    "name, kind, anonymous, shown",
    [
        ("某某科技有限公司", "organization", True, "爱心人士"),
        ("张小明", "individual", True, "爱心人士"),
        ("某某科技有限公司", "organization", False, "某某科技有限公司"),
        ("张小明", "individual", False, "张*明"),
        ("王刚", "individual", False, "王*"),
    ],
)
def test_a_donor_is_named_in_public_as_they_chose(name, kind, anonymous, shown):
    assert public_name(name, kind, anonymous) == shown


def test_a_campaigns_income_is_disclosed_by_donor_and_by_kind_of_source():
    funding = [
        Funding(RESTRICTED, 100, "甲公司"),
        Funding(RESTRICTED, 40, "爱心人士"),
        Funding(ALLOCATED, 60, "甲公司"),
        Funding(ALLOCATED, 5, "爱心人士"),
        Funding(BUDGET, 1000, None),
    ]
    assert income(funding) == {
        "by_donor": [{"donor": "甲公司", "amount_fen": 160}, {"donor": "爱心人士", "amount_fen": 45}],
        "restricted_gifts_fen": 140,
        "allocated_gifts_fen": 65,
        "union_budget_fen": 1000,
    }
    assert income([]) == {"by_donor": [], "restricted_gifts_fen": 0, "allocated_gifts_fen": 0, "union_budget_fen": 0}


def test_a_source_pays_its_last_fen_before_the_next_is_drawn():
    parts = draw([Source("s1", "g1", 100), Source("s2", None, 10)], [("a1", 99), ("a2", 2)])
    assert parts == [Part("a1", "s1", "g1", 99), Part("a2", "s1", "g1", 1), Part("a2", "s2", None, 1)]
