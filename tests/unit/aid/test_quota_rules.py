import pytest

from services.aid.domain import quotas
from services.aid.domain.quotas import QuotaRequest, check
from shared.domain_errors import Forbidden, Invalid, Refused
from shared.org_paths import EVERYWHERE

CITY = "c/"
DISTRICT = "c/d/"
OTHER_CITY = "x/"


def request(**changes) -> QuotaRequest:
    values = dict(
        amount_fen=300,
        unit_path=DISTRICT,
        campaign_unit_path=CITY,
        budget_fen=1000,
        others_fen=600,
        committed_fen=0,
    )
    return QuotaRequest(**{**values, **changes})


@pytest.mark.parametrize(
    "fine",
    [request(), request(amount_fen=400), request(unit_path=CITY), request(campaign_unit_path=EVERYWHERE)],
)
def test_a_quota_within_the_subtree_and_the_budget_is_set(fine):
    check(fine)


def test_a_unit_outside_the_campaigns_subtree_gets_no_quota():
    with pytest.raises(Refused) as refused:
        check(request(unit_path=OTHER_CITY))
    assert refused.value.code == "conflict"


def test_the_quotas_never_add_up_to_more_than_the_budget():
    with pytest.raises(Refused, match="最多还能分配 400 分") as refused:
        check(request(amount_fen=401))
    assert refused.value.code == "budget_exhausted"


def test_a_quota_is_never_lowered_below_what_is_committed_against_it():
    check(request(amount_fen=200, committed_fen=200))
    with pytest.raises(Refused) as refused:
        check(request(amount_fen=199, committed_fen=200))
    assert refused.value.code == "budget_exhausted"


@pytest.mark.parametrize(
    "worker_path, with_quota, covering",
    [
        ("c/d/b/", {"c", "d", "b"}, "b"),  # the worker's own unit first
        ("c/d/b/", {"c", "d"}, "d"),  # else the nearest above
        ("c/d/b/", {"x", "y"}, None),
        ("c/d/", {"b"}, None),  # a quota below the worker's unit does not cover it
        (None, {"c"}, None),  # an application of the root's, from before units
    ],
)
def test_an_approval_commits_against_the_nearest_quota_on_the_workers_path(worker_path, with_quota, covering):
    assert quotas.covering(worker_path, with_quota) == covering


def test_a_quota_has_left_what_is_neither_committed_nor_paid_out():
    assert quotas.quota_left(1000, 300, 200) == 500
    assert quotas.quota_exhausted().code == "budget_exhausted"


def test_the_quota_refusals_say_why_in_chinese():
    refusals = []
    for wrong in (request(unit_path=OTHER_CITY), request(amount_fen=199, committed_fen=200), request(amount_fen=401)):
        with pytest.raises(Refused) as refused:
            check(wrong)
        refusals.append((refused.value.code, refused.value.message))
    assert refusals == [
        ("conflict", "配额只能分给本项目所属组织及其下级组织"),
        ("budget_exhausted", "该组织已审批占用 200 分，配额不能低于已占用的金额"),
        ("budget_exhausted", "各组织配额合计不能超过项目预算，最多还能分配 400 分"),
    ]
    with pytest.raises(Refused, match="最多还能分配 0 分"):
        check(request(others_fen=1200, amount_fen=1))
    assert (quotas.quota_exhausted().code, quotas.quota_exhausted().message) == (
        "budget_exhausted",
        "本组织的配额不足，不能再批准",
    )


@pytest.mark.parametrize("scope", [EVERYWHERE, CITY, DISTRICT])
def test_an_admin_shares_out_the_money_of_a_campaign_their_unit_handles(scope):
    quotas.check_campaign_handled(DISTRICT, scope)
    quotas.check_unit_seen(DISTRICT, scope)


@pytest.mark.parametrize(
    "campaign_path, scope", [(None, EVERYWHERE), (None, CITY), (CITY, DISTRICT), (CITY, OTHER_CITY)]
)
def test_an_admin_of_a_unit_below_or_beside_the_campaigns_is_forbidden_to_share_it_out(campaign_path, scope):
    with pytest.raises(Forbidden) as forbidden:
        quotas.check_campaign_handled(campaign_path, scope)
    assert (forbidden.value.code, forbidden.value.message) == (
        "forbidden",
        "只有项目所属组织（或其上级组织）的管理员可以分配配额",
    )


@pytest.mark.parametrize("unit_path, scope", [(None, EVERYWHERE), (CITY, DISTRICT), (DISTRICT, OTHER_CITY)])
def test_a_quota_for_a_unit_the_admin_does_not_see_is_for_an_unknown_unit(unit_path, scope):
    with pytest.raises(Invalid) as invalid:
        quotas.check_unit_seen(unit_path, scope)
    assert invalid.value.fields == {"org_unit_id": ["未知的组织"]}
