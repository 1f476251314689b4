"""Campaigns over HTTP: creating both programmes, refusing bad bodies and non-admins, and their figures."""

import pytest

from shared.errors import looks_like_id
from tests.e2e import aid_builders
from tests.e2e.aid_builders import (
    EDUCATION_AMOUNTS,
    WARMTH_AMOUNTS,
    Staff,
    acted,
    campaign,
    campaign_body,
    counts,
    create_campaign,
    is_timestamp_with_offset,
    submitted,
    worker,
)
from tests.e2e.builders import assert_error, new_user, root_unit

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned


def campaigns_total(api) -> int:
    """How many campaigns the system holds: the session's system holds other tests' too, so a test that must
    create none compares this before and after."""
    response = api.get("/api/v1/campaigns")
    assert response.status_code == 200, response.text
    return response.json()["total"]


def fresh_figures(body: dict) -> dict:
    return {
        **{
            key: body[key]
            for key in ("program", "name", "year", "opens_on", "closes_on", "budget_fen", "amounts", "publicity_days")
        },
        "allocated_fen": 0,
        "available_fen": body["budget_fen"],
        "committed_fen": 0,
        "disbursed_fen": 0,
        "remaining_fen": body["budget_fen"],
        "counts": counts(),
        "review_levels": [],
    }


@pytest.mark.parametrize("program", ["warmth", "education"])
def test_an_admin_creates_a_campaign_of_either_programme(aid_api, program):
    body = campaign_body(program, budget_fen=2_345_600, publicity_days=7)

    response = aid_api.post("/api/v1/campaigns", json=body)

    assert response.status_code == 201, response.text
    created = response.json()
    assert looks_like_id(created.pop("campaign_id"))
    assert is_timestamp_with_offset(created.pop("created_at"))
    assert created.pop("org_unit_id") in (None, root_unit(aid_api))  # the bootstrap admin's: the root
    assert created == fresh_figures(body)
    assert created["amounts"] == (WARMTH_AMOUNTS if program == "warmth" else EDUCATION_AMOUNTS)


def test_edge_values_are_accepted(aid_api):
    created = create_campaign(
        aid_api,
        "education",
        opens_on="2026-08-10",
        closes_on="2026-08-10",
        budget_fen=0,
        publicity_days=0,
        amounts={"senior_high": 1},
    )
    assert (
        created["opens_on"],
        created["closes_on"],
        created["budget_fen"],
        created["publicity_days"],
        created["amounts"],
        created["remaining_fen"],
    ) == ("2026-08-10", "2026-08-10", 0, 0, {"senior_high": 1}, 0)
    assert create_campaign(aid_api, publicity_days=30)["publicity_days"] == 30


INVALID = [
    ("closes_before_opens", {"opens_on": "2026-08-10", "closes_on": "2026-08-09"}, "closes_on"),
    ("education_keys_for_warmth", {"amounts": {"undergraduate": 500_000}}, "amounts"),
    ("unknown_amount_key", {"amounts": {"deep": 300_000, "poor": 100_000}}, "amounts"),
    ("no_amounts", {"amounts": {}}, "amounts"),
    ("zero_amount", {"amounts": {"deep": 0}}, "amounts"),
    ("negative_amount", {"amounts": {"deep": -300_000}}, "amounts"),
    ("amount_as_text", {"amounts": {"deep": "300000"}}, "amounts"),
    ("amount_as_float", {"amounts": {"deep": 3000.5}}, "amounts"),
    ("amounts_as_list", {"amounts": [300_000]}, "amounts"),
    ("negative_budget", {"budget_fen": -1}, "budget_fen"),
    ("budget_as_text", {"budget_fen": "1000000"}, "budget_fen"),
    ("budget_as_float", {"budget_fen": 1000.5}, "budget_fen"),
    ("budget_as_bool", {"budget_fen": True}, "budget_fen"),
    ("publicity_negative", {"publicity_days": -1}, "publicity_days"),
    ("publicity_too_long", {"publicity_days": 31}, "publicity_days"),
    ("publicity_as_text", {"publicity_days": "5"}, "publicity_days"),
    ("unknown_program", {"program": "housing"}, "program"),
    ("year_as_text", {"year": "2026"}, "year"),
    ("year_out_of_range", {"year": 1999}, "year"),
    ("bad_date", {"opens_on": "2026/08/01"}, "opens_on"),
    ("impossible_date", {"closes_on": "2026-02-30"}, "closes_on"),
    ("empty_name", {"name": ""}, "name"),
    ("name_as_number", {"name": 2026}, "name"),
    ("unknown_field", {"owner": "市总工会"}, "owner"),
    ("null_budget", {"budget_fen": None}, "budget_fen"),
    ("review_levels_downward", {"review_levels": ["city", "base"]}, "review_levels"),
    ("review_levels_twice", {"review_levels": ["base", "base"]}, "review_levels"),
    ("unknown_org_unit", {"org_unit_id": "0" * 32}, "org_unit_id"),
]


def test_invalid_campaign_bodies_are_refused(aid_api):
    before = campaigns_total(aid_api)
    for case, overrides, field in INVALID:
        response = aid_api.post("/api/v1/campaigns", json=campaign_body(**overrides))

        error = assert_error(response, 400, "validation_error")
        assert list(error["fields"]) == [field], (case, error)
    assert campaigns_total(aid_api) == before  # none created


def test_warmth_keys_are_refused_for_education(aid_api):
    response = aid_api.post("/api/v1/campaigns", json=campaign_body("education", amounts={"deep": 300_000}))
    assert set(assert_error(response, 400, "validation_error")["fields"]) == {"amounts"}


def test_every_field_is_required(aid_api):
    before = campaigns_total(aid_api)
    for field in ("program", "name", "year", "opens_on", "closes_on", "budget_fen", "amounts", "publicity_days"):
        body = campaign_body()
        del body[field]
        error = assert_error(aid_api.post("/api/v1/campaigns", json=body), 400, "validation_error")
        assert list(error["fields"]) == [field], error
    assert campaigns_total(aid_api) == before  # none created


def test_malformed_bodies_are_bad_requests(aid_api):
    before = campaigns_total(aid_api)
    assert_error(
        aid_api.post("/api/v1/campaigns", data=b"{not json", headers={"Content-Type": "application/json"}),
        400,
        "bad_request",
    )
    assert_error(aid_api.post("/api/v1/campaigns", json=[campaign_body()]), 400, "bad_request")
    assert campaigns_total(aid_api) == before  # none created


def test_only_an_admin_creates_campaigns(aid_api):
    before = campaigns_total(aid_api)
    for role in ("caseworker", "finance", "auditor", "donor"):
        token = new_user(aid_api, role)["token"]
        assert_error(aid_api.post("/api/v1/campaigns", token=token, json=campaign_body()), 403, "forbidden")
    assert_error(aid_api.post("/api/v1/campaigns", token=None, json=campaign_body()), 401, "unauthenticated")
    assert campaigns_total(aid_api) == before  # none created


def test_figures_and_counts_follow_the_applications(aid_api):
    staff = Staff(aid_api)
    before = campaigns_total(aid_api)
    warmth = create_campaign(aid_api, budget_fen=1_000_000)
    education = create_campaign(aid_api, "education", budget_fen=2_000_000)
    ids = [
        submitted(aid_api, staff.maker, warmth["campaign_id"], worker(aid_api, category=category)[1]["worker_id"])[
            "application_id"
        ]
        for category in ("deep", "accident", "deep", "deep")
    ]
    acted(aid_api, staff.checker, ids[0], "approve")  # 300,000 committed
    acted(aid_api, staff.checker, ids[1], "approve")  # 150,000 committed
    acted(aid_api, staff.checker, ids[2], "reject", reason="收入超过标准")

    shown = campaign(aid_api, warmth["campaign_id"])

    assert (shown["available_fen"], shown["committed_fen"], shown["disbursed_fen"], shown["remaining_fen"]) == (
        1_000_000,
        450_000,
        0,
        550_000,
    )
    assert shown["counts"] == counts(submitted=1, publicizing=2, rejected=1)
    assert shown["budget_fen"] == 1_000_000 and shown["allocated_fen"] == 0

    listing = aid_api.get("/api/v1/campaigns").json()
    assert (listing["total"], listing["page"], listing["per_page"]) == (before + 2, 1, 50)
    assert {item["campaign_id"]: {**item, "quotas": []} for item in listing["items"][:2]} == {  # the newest first
        warmth["campaign_id"]: shown,
        education["campaign_id"]: campaign(aid_api, education["campaign_id"]),
    }  # a list leaves the quotas out
    assert campaign(aid_api, education["campaign_id"])["counts"] == counts()
    assert campaign(aid_api, education["campaign_id"])["remaining_fen"] == 2_000_000


def test_listing_pages_and_readers(aid_api):
    before = campaigns_total(aid_api)
    created = {create_campaign(aid_api, name=f"项目{n}")["campaign_id"] for n in range(3)}
    auditor = new_user(aid_api, "auditor")["token"]

    first = aid_api.get("/api/v1/campaigns?per_page=2&page=1", token=auditor).json()
    second = aid_api.get("/api/v1/campaigns?per_page=2&page=2", token=auditor).json()

    total = before + 3
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (total, 1, 2, 2)
    assert (second["total"], second["page"], second["per_page"], len(second["items"])) == (
        total,
        2,
        2,
        min(2, total - 2),
    )
    # the newest first: these three are the first page and the first line of the second
    assert {item["campaign_id"] for item in first["items"] + second["items"][:1]} == created
    assert_error(aid_api.get("/api/v1/campaigns?per_page=501"), 400, "validation_error")
    assert_error(aid_api.get("/api/v1/campaigns?page=0"), 400, "validation_error")
    assert_error(aid_api.get("/api/v1/campaigns", token=None), 401, "unauthenticated")


def test_unknown_campaigns_are_not_found(aid_api):
    assert_error(aid_api.get("/api/v1/campaigns/" + "0" * 32), 404, "not_found")
    assert_error(aid_api.get("/api/v1/campaigns/no-such-campaign"), 404, "not_found")
