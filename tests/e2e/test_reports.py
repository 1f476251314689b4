"""The roll-up report over HTTP (统计报表, GET /api/v1/reports/summary and the console's /reports): a unit's own
figures and each child's subtree add up to its total, to the fen; a user reports on their own subtree only.

Each test builds its own branch under the root (a city): two districts, base unions under them, workers filed in
each and applications of a 2026 campaign (approved, paid out, pending, rejected) and of a 2025 one."""

import pytest

from services.gateway.reports import ZERO
from services.gateway.rollup import added
from tests.e2e import aid_builders
from tests.e2e.aid_builders import acted, create_campaign, submitted
from tests.e2e.builders import add_unit, assert_error, new_user, own_tag, root_unit, valid_worker
from tests.e2e.conftest import ADMIN_TOKEN
from tests.e2e.console_client import signed_in

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned (2026)
SUMMARY = "/api/v1/reports/summary"


def file(api, unit: dict, category: str) -> str:
    body = valid_worker(union=unit["name"], org_unit_id=unit["org_unit_id"], category=category)
    response = api.post("/api/v1/workers", json=body)
    assert response.status_code == 201, response.text
    return response.json()["worker_id"]


def figures(active=(0, 0, 0), approved_fen=0, disbursed_fen=0, **statuses) -> dict:
    deep, relative, accident = active
    return {
        "workers": {"active": sum(active), "by_category": {"deep": deep, "relative": relative, "accident": accident}},
        "applications": {"by_status": {**ZERO["applications"]["by_status"], **statuses}},
        "approved_fen": approved_fen,
        "disbursed_fen": disbursed_fen,
    }


def without_unit(child: dict) -> dict:
    return {key: value for key, value in child.items() if key not in ("org_unit_id", "name")}


def adds_up(report: dict) -> bool:
    total = report["own"]
    for child in report["children"]:
        total = added(total, without_unit(child))
    return total == report["total"]


@pytest.fixture
def branch(aid_api):
    """east (a district) with a worker of its own and two base unions, west with one; in the 2026 campaign: the
    mill's worker approved (on notice), the dock's approved and paid out, east's own pending, west's rejected; the
    mill's worker approved in a 2025 campaign too; and an exited file in the mill."""
    tag, city = own_tag(), root_unit(aid_api)
    east = add_unit(aid_api, f"城东区总工会{tag}", city, "district")
    west = add_unit(aid_api, f"城西区总工会{tag}", city, "district")
    mill = add_unit(aid_api, "纺织厂工会", east["org_unit_id"], "base")
    dock = add_unit(aid_api, "码头工会", east["org_unit_id"], "base")
    port = add_unit(aid_api, "港务局工会", west["org_unit_id"], "base")
    workers = {
        "mill": file(aid_api, mill, "deep"),
        "dock": file(aid_api, dock, "relative"),
        "east": file(aid_api, east, "accident"),
        "port": file(aid_api, port, "deep"),
    }
    exited = file(aid_api, mill, "relative")
    acted_on = aid_api.post(f"/api/v1/workers/{exited}/status", json={"status": "exited", "reason": "收入已超过标准"})
    assert acted_on.status_code == 200, acted_on.text

    maker = new_user(aid_api, "caseworker")["token"]  # the root's: files for every unit; the admin checks
    this_year = create_campaign(aid_api, publicity_days=0)["campaign_id"]
    last_year = create_campaign(aid_api, year=2025, name="2025年春节送温暖")["campaign_id"]
    filed = {label: submitted(aid_api, maker, this_year, worker)["application_id"] for label, worker in workers.items()}
    acted(aid_api, ADMIN_TOKEN, filed["mill"], "approve")
    acted(aid_api, ADMIN_TOKEN, filed["dock"], "approve")
    acted(aid_api, ADMIN_TOKEN, filed["dock"], "disburse", bank_ref=f"ICBC-{tag}")
    acted(aid_api, ADMIN_TOKEN, filed["port"], "reject", reason="家庭人均收入超过标准")
    acted(aid_api, ADMIN_TOKEN, submitted(aid_api, maker, last_year, workers["mill"])["application_id"], "approve")
    return {"city": city, "east": east, "west": west, "mill": mill, "dock": dock}


def summary(api, token=ADMIN_TOKEN, **query) -> dict:
    response = api.get(SUMMARY, params=query, token=token)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_citys_summary_holds_each_districts_subtree_and_adds_up_to_the_fen(aid_api, branch):
    report = summary(aid_api, year=2026)
    children = {child["org_unit_id"]: without_unit(child) for child in report["children"]}

    assert (report["org_unit_id"], report["year"]) == (branch["city"], 2026)
    # mill: deep, approved ¥3,000 (ready); dock: relative, approved and paid ¥2,000; east's own: accident, pending
    assert children[branch["east"]["org_unit_id"]] == figures(
        (1, 1, 1), approved_fen=500_000, disbursed_fen=200_000, ready=1, disbursed=1, submitted=1
    )
    assert children[branch["west"]["org_unit_id"]] == figures((1, 0, 0), rejected=1)
    assert adds_up(report)


def test_a_district_user_reports_on_its_own_subtree_by_default_and_never_on_a_siblings(aid_api, branch):
    east_auditor = new_user(aid_api, "auditor", org_unit_id=branch["east"]["org_unit_id"])["token"]

    report = summary(aid_api, east_auditor)
    assert (report["org_unit_id"], report["name"], report["year"]) == (
        branch["east"]["org_unit_id"],
        branch["east"]["name"],
        2026,  # this year, by default
    )
    assert report["own"] == figures((0, 0, 1), submitted=1)
    assert {child["name"]: without_unit(child) for child in report["children"]} == {
        "纺织厂工会": figures((1, 0, 0), approved_fen=300_000, ready=1),
        "码头工会": figures((0, 1, 0), approved_fen=200_000, disbursed_fen=200_000, disbursed=1),
    }
    assert report["total"] == figures(
        (1, 1, 1), approved_fen=500_000, disbursed_fen=200_000, ready=1, disbursed=1, submitted=1
    )
    # the year counts the applications of that year's campaigns; the files are the current ones
    earlier = summary(aid_api, east_auditor, year=2025, org_unit_id=branch["mill"]["org_unit_id"])
    assert earlier["own"] == figures((1, 0, 0), approved_fen=300_000, publicizing=1) and earlier["children"] == []
    for outside in (branch["west"]["org_unit_id"], branch["city"], "0" * 32, "不是编号"):
        assert_error(aid_api.get(SUMMARY, params={"org_unit_id": outside}, token=east_auditor), 404, "not_found")


@pytest.mark.parametrize("query", [{"year": "去年"}, {"year": "1999"}, {"year": "2026.5"}, {"unit": "x"}])
def test_a_malformed_query_is_refused_on_its_field(aid_api, query):
    error = assert_error(aid_api.get(SUMMARY, params=query), 400, "validation_error")
    assert list(error["fields"]) == list(query)


def test_the_report_page_shows_a_districts_figures_with_a_chart_and_a_link_per_child(aid_api, branch):
    east_caseworker = new_user(aid_api, "caseworker", org_unit_id=branch["east"]["org_unit_id"])["token"]
    console = signed_in(aid_api.base_url, east_caseworker)

    home = console.get("/").text
    assert 'href="/reports"' in home  # in the navigation
    page = console.get("/reports")
    assert page.status_code == 200, page.text[:500]
    assert 'name="year" value="2026"' in page.text.split('id="report-year"')[1].split("</form>")[0]  # the year picker
    table = page.text.split('id="report"')[1].split("</table>")[0]
    assert "本级" in table and "合计" in table and "¥5,000.00" in table and "¥2,000.00" in table
    mill = branch["mill"]["org_unit_id"]
    assert f'href="/reports?org_unit_id={mill}&amp;year=2026"' in page.text
    section = page.text.split(f'id="child-{mill}"')[1].split("</section>")[0]
    assert "<svg" in section and "深度困难" in section and "待发放" in section
    child_page = console.get(f"/reports?org_unit_id={mill}&year=2025")
    assert child_page.status_code == 200 and "纺织厂工会 2025年度统计报表" in child_page.text
    assert console.get(f"/reports?org_unit_id={branch['west']['org_unit_id']}").status_code == 404
