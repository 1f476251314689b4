import pytest

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
