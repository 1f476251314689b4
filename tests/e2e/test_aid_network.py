"""Campaigns in the union tree over HTTP: a campaign belongs to a unit, is seen from its subtree and from below it,
never from a sibling's; an admin of its unit shares its money out as quotas. Each test builds its own branch under
the root (tests/e2e/test_org_units.py)."""

import re

import pytest

from tests.e2e import aid_builders
from tests.e2e.aid_builders import campaign_body, create_campaign
from tests.e2e.builders import add_unit, assert_error, new_user, own_tag, root_unit
from tests.e2e.console_client import signed_in

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned
CAMPAIGNS = "/api/v1/campaigns"


def account(api, role: str, unit: dict) -> str:
    return new_user(api, role, org_unit_id=unit["org_unit_id"])["token"]


@pytest.fixture
def branch(aid_api):
    """The root (a city), two districts, a base union under the first."""
    tag, city = own_tag(), root_unit(aid_api)
    east = add_unit(aid_api, f"城东区总工会{tag}", city, "district")
    west = add_unit(aid_api, f"城西区总工会{tag}", city, "district")
    mill = add_unit(aid_api, "纺织厂工会", east["org_unit_id"], "base")
    return {"city": city, "east": east, "west": west, "mill": mill}


def seen(api, token: str) -> tuple[set[str], int]:
    listing = api.get(f"{CAMPAIGNS}?per_page=500", token=token).json()
    return {item["campaign_id"] for item in listing["items"]}, listing["total"]


def test_a_base_caseworker_sees_its_districts_and_citys_campaigns_not_a_sibling_districts(aid_api, branch):
    east_admin = account(aid_api, "admin", branch["east"])
    mill_caseworker = account(aid_api, "caseworker", branch["mill"])
    city = create_campaign(aid_api, org_unit_id=branch["city"], review_levels=["base", "district"])
    east = aid_api.post(CAMPAIGNS, json=campaign_body(), token=east_admin).json()
    west = create_campaign(aid_api, org_unit_id=branch["west"]["org_unit_id"])

    assert (east["org_unit_id"], city["review_levels"]) == (branch["east"]["org_unit_id"], ["base", "district"])
    for shown in (city, east):
        assert aid_api.get(f"{CAMPAIGNS}/{shown['campaign_id']}", token=mill_caseworker).status_code == 200
    assert_error(aid_api.get(f"{CAMPAIGNS}/{west['campaign_id']}", token=mill_caseworker), 404, "not_found")
    ids, total = seen(aid_api, mill_caseworker)
    assert {city["campaign_id"], east["campaign_id"]} <= ids and west["campaign_id"] not in ids
    create_campaign(aid_api, org_unit_id=branch["west"]["org_unit_id"])
    assert seen(aid_api, mill_caseworker)[1] == total  # a sibling's campaign is not counted either
    # a unit outside the admin's subtree is answered as an unknown one
    refused = aid_api.post(CAMPAIGNS, json=campaign_body(org_unit_id=branch["west"]["org_unit_id"]), token=east_admin)
    assert list(assert_error(refused, 400, "validation_error")["fields"]) == ["org_unit_id"]


def test_an_admin_of_the_campaigns_unit_shares_its_budget_out_as_quotas(aid_api, branch):
    east_admin, mill_admin = account(aid_api, "admin", branch["east"]), account(aid_api, "admin", branch["mill"])
    east_caseworker = account(aid_api, "caseworker", branch["east"])
    campaign = aid_api.post(CAMPAIGNS, json=campaign_body(budget_fen=1000), token=east_admin).json()
    quotas = f"{CAMPAIGNS}/{campaign['campaign_id']}/quotas"
    mill, east, west = (branch[name]["org_unit_id"] for name in ("mill", "east", "west"))

    set_quota = aid_api.post(quotas, json={"org_unit_id": mill, "amount_fen": 600}, token=east_admin)
    assert set_quota.status_code == 200, set_quota.text
    assert_error(
        aid_api.post(quotas, json={"org_unit_id": east, "amount_fen": 401}, token=east_admin), 409, "budget_exhausted"
    )
    replaced = aid_api.post(quotas, json={"org_unit_id": mill, "amount_fen": 900}, token=east_admin)  # not added
    assert replaced.json() == {
        "org_unit_id": mill,
        "amount_fen": 900,
        "committed_fen": 0,
        "disbursed_fen": 0,
        "remaining_fen": 900,
    }
    # the root's admin holds the campaign's unit, but the sibling district is outside the campaign's subtree
    assert_error(aid_api.post(quotas, json={"org_unit_id": west, "amount_fen": 1}), 409, "conflict")
    assert_error(
        aid_api.post(quotas, json={"org_unit_id": mill, "amount_fen": 1}, token=east_caseworker), 403, "forbidden"
    )
    assert_error(aid_api.post(quotas, json={"org_unit_id": mill, "amount_fen": 1}, token=mill_admin), 403, "forbidden")

    shown = aid_api.get(f"{CAMPAIGNS}/{campaign['campaign_id']}", token=east_caseworker).json()
    assert shown["quotas"] == [replaced.json()]


def test_a_district_sees_the_quotas_of_its_own_subtree_only(aid_api, branch):
    """Another district's quota is out of scope: its committed money would tell of that district's approvals, which
    the campaign's counts leave out."""
    city = create_campaign(aid_api, budget_fen=10_000, amounts={"deep": 1000}, publicity_days=0)
    quotas = f"{CAMPAIGNS}/{city['campaign_id']}/quotas"
    shares = {}
    for unit in ("east", "mill", "west"):
        set_quota = aid_api.post(quotas, json={"org_unit_id": branch[unit]["org_unit_id"], "amount_fen": 2000})
        assert set_quota.status_code == 200, set_quota.text
        shares[unit] = set_quota.json()

    east = aid_api.get(f"{CAMPAIGNS}/{city['campaign_id']}", token=account(aid_api, "caseworker", branch["east"]))
    mill = aid_api.get(f"{CAMPAIGNS}/{city['campaign_id']}", token=account(aid_api, "caseworker", branch["mill"]))

    assert east.json()["quotas"] == [shares["east"], shares["mill"]]
    assert mill.json()["quotas"] == [shares["mill"]]
    assert aid_api.get(f"{CAMPAIGNS}/{city['campaign_id']}").json()["quotas"] == list(shares.values())


def test_the_campaign_page_shows_its_unit_levels_and_quotas_and_an_admin_sets_one(aid_api, branch):
    east_admin = account(aid_api, "admin", branch["east"])
    body = campaign_body(budget_fen=100_000, review_levels=["base", "district"])
    campaign = aid_api.post(CAMPAIGNS, json=body, token=east_admin).json()
    admin, page = signed_in(aid_api.base_url, east_admin), f"/campaigns/{campaign['campaign_id']}"

    shown = admin.get(page).text
    assert branch["east"]["name"] in shown and "基层 → 区县级" in shown and "尚未分配配额" in shown
    assert f'<option value="{branch["mill"]["org_unit_id"]}"' in shown  # the units of the admin's subtree
    quota = {"org_unit_id": branch["mill"]["org_unit_id"], "amount_fen": "1,000.01"}
    over = admin.submit(page, f"{page}/quotas", quota)
    assert over.status_code == 409 and "最多还能分配" in over.text
    assert admin.submit(page, f"{page}/quotas", {**quota, "amount_fen": "600"}).status_code == 303
    table = admin.get(page).text.split('id="quotas"')[1].split("</table>")[0]
    assert "纺织厂工会" in table and "¥600.00" in table and "¥0.00" in table


def test_an_admin_makes_a_campaign_for_a_unit_of_its_subtree_reviewed_level_by_level_in_the_console(aid_api, branch):
    admin = signed_in(aid_api.base_url, account(aid_api, "admin", branch["east"]))
    mill, west = branch["mill"]["org_unit_id"], branch["west"]["org_unit_id"]
    form = {
        "program": "warmth",
        "name": f"纺织厂送温暖{own_tag()}",
        "year": "2026",
        "opens_on": "2026-08-01",
        "closes_on": "2026-08-31",
        "budget_fen": "10000",
        "publicity_days": "5",
        "amounts.deep": "3000",
        "org_unit_id": mill,
        "review_levels": ["base", "district"],
    }

    page = admin.get(CAMPAIGNS.replace("/api/v1", "")).text
    assert f'<option value="{mill}">' in page and west not in page
    created = admin.submit("/campaigns", "/campaigns", form)
    assert created.status_code == 303, created.text[:500]
    campaign_id = created.headers["Location"].rsplit("/", 1)[1]
    made = aid_api.get(f"{CAMPAIGNS}/{campaign_id}").json()
    assert (made["org_unit_id"], made["review_levels"]) == (mill, ["base", "district"])
    refused = admin.submit("/campaigns", "/campaigns", {**form, "org_unit_id": west})
    assert refused.status_code == 400 and "未知的组织" in refused.text
    backwards = admin.submit("/campaigns", "/campaigns", {**form, "review_levels": ["district", "base"]})
    assert backwards.status_code == 400 and "审核级别应自下而上排列" in backwards.text


def test_finance_files_a_donor_and_a_gift_for_a_unit_of_its_subtree_in_the_console(aid_api, branch):
    finance = account(aid_api, "finance", branch["east"])
    console = signed_in(aid_api.base_url, finance)
    mill, west = branch["mill"]["org_unit_id"], branch["west"]["org_unit_id"]
    name = f"纺织厂爱心企业{own_tag()}"

    page = console.get("/donations").text
    assert f'<option value="{mill}">' in page and west not in page
    added = console.submit("/donations", "/donors", {"name": name, "kind": "organization", "org_unit_id": mill})
    assert added.status_code == 200, added.text[:500]
    donor_id = re.search(rf'<option value="([0-9a-f]{{32}})" selected>{name}', added.text).group(1)  # chosen for a gift
    donor = aid_api.get(f"/api/v1/donors/{donor_id}", token=finance).json()
    assert donor["org_unit_id"] == mill
    ref = f"GIFT-{own_tag()}"
    gift = {"donor_id": donor["donor_id"], "amount_fen": "500", "received_on": "2026-08-01", "external_ref": ref}
    assert console.submit("/donations", "/donations", {**gift, "org_unit_id": mill}).status_code == 200
    # received by the base union: its own finance sees it (one filed at the district would be out of its scope)
    assert ref in signed_in(aid_api.base_url, account(aid_api, "finance", branch["mill"])).get("/donations").text
    refused = console.submit("/donations", "/donors", {"name": name, "kind": "organization", "org_unit_id": west})
    assert refused.status_code == 400 and "未知的组织" in refused.text
