import pytest

from services.aid.domain import review_levels
from services.aid.schemas import CampaignSchema
from shared.validation import InvalidValue


@pytest.mark.parametrize("levels", [[], ["base"], ["base", "district"], ["base", "city", "national"], ["province"]])
def test_known_levels_lower_first_are_kept(levels):
    assert review_levels.check(levels) == levels


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (["district", "base"], "自下而上"),
        (["base", "base"], "不能重复"),
        (["street"], "审核级别应为"),
    ],
)
def test_unknown_repeated_or_downward_levels_are_refused(levels, message):
    with pytest.raises(InvalidValue, match=message):
        review_levels.check(levels)


def test_a_campaign_reviews_once_unless_told_and_a_wrong_list_is_an_error_on_the_field():
    body = {
        "program": "warmth",
        "name": "送温暖",
        "year": 2026,
        "opens_on": "2026-11-01",
        "closes_on": "2026-12-31",
        "budget_fen": 100,
        "amounts": {"deep": 100},
        "publicity_days": 0,
    }
    assert CampaignSchema().load(body)["review_levels"] == []
    assert set(CampaignSchema().validate({**body, "review_levels": ["city", "base"]})) == {"review_levels"}
