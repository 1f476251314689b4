import pytest

from services.aid.domain import quotas
from services.aid.domain.quotas import QuotaRequest, check
from shared.domain_errors import Refused
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
