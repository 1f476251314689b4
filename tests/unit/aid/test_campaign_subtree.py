"""A campaign takes workers of its own unit's subtree only (the aid-centre network)."""

import pytest

from services.aid.domain.rules import check_in_campaign_subtree
from shared import org_paths
from shared.domain_errors import Refused

CITY = org_paths.stored_path([], "city")
EAST = org_paths.stored_path(["city"], "east")
EAST_BASE = org_paths.stored_path(["city", "east"], "eastbase")
WEST_BASE = org_paths.stored_path(["city", "west"], "westbase")


@pytest.mark.parametrize(
    "campaign, worker",
    [(EAST, EAST), (EAST, EAST_BASE), (CITY, WEST_BASE), (org_paths.EVERYWHERE, WEST_BASE)],
)
def test_a_worker_of_the_campaigns_unit_or_below_may_apply(campaign, worker):
    check_in_campaign_subtree(campaign, worker)


@pytest.mark.parametrize("campaign, worker", [(EAST, WEST_BASE), (EAST_BASE, EAST), (EAST_BASE, CITY)])
def test_a_worker_elsewhere_in_the_tree_is_not_eligible(campaign, worker):
    with pytest.raises(Refused) as refusal:
        check_in_campaign_subtree(campaign, worker)
    assert refusal.value.code == "not_eligible"
    assert "不在本项目所属组织及其下级组织范围内" in refusal.value.message


def test_a_unit_whose_id_begins_like_the_campaigns_is_not_below_it():
    with pytest.raises(Refused):
        check_in_campaign_subtree(org_paths.stored_path(["city"], "ea"), EAST)
