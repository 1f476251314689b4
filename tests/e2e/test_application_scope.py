"""Applications in the union tree (帮扶中心网络): an application belongs to its worker's unit, and a user sees and acts on
those of their own unit and the units below it only; one out of scope answers as one that does not exist and is in
no list or total, and moves with its worker's file. A campaign takes workers of its own unit's subtree only.

Each test builds its own district (tests/e2e/scope_builders.py)."""

from tests.e2e import aid_builders
from tests.e2e.aid_builders import act, acted, create_campaign, refused, submit
from tests.e2e.builders import assert_error
from tests.e2e.console_client import signed_in
from tests.e2e.scope_builders import branch, filed, moved_to  # noqa: F401  (branch: a fixture)
from tests.integration.conftest import wait_until

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned
APPLICATIONS = "/api/v1/applications"


def seen(api, token: str, campaign_id: str) -> tuple[set[str], int]:
    response = api.get(f"{APPLICATIONS}?campaign_id={campaign_id}&per_page=500", token=token)
    assert response.status_code == 200, response.text
    return {item["application_id"] for item in response.json()["items"]}, response.json()["total"]


def test_a_base_caseworker_cannot_reach_a_sibling_unions_application(aid_api, branch):
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills, works = filed(aid_api, branch, campaign_id, "mill"), filed(aid_api, branch, campaign_id, "works")
    other = branch["tokens"]["works_checker"]

    assert seen(aid_api, other, campaign_id) == ({works}, 1)
    assert_error(aid_api.get(f"{APPLICATIONS}/{mills}", token=other), 404, "not_found")
    assert_error(act(aid_api, other, mills, "approve"), 404, "not_found")
    for action in ("reject", "withdraw", "objection"):
        assert_error(act(aid_api, other, mills, action, reason="不符合条件"), 404, "not_found")
    batch = aid_api.post(f"{APPLICATIONS}/approve-batch", json={"application_ids": [mills, works]}, token=other)
    assert batch.json()["approved"] == [works]
    assert [(item["application_id"], item["code"]) for item in batch.json()["failed"]] == [(mills, "not_found")]
    assert aid_api.get(f"{APPLICATIONS}/{mills}").json()["status"] == "submitted"  # untouched
    # nor does the sibling file for a worker out of its scope
    refused(submit(aid_api, other, campaign_id, branch["workers"]["mill"]["worker_id"]), "not_found", 404)


def test_a_district_caseworker_sees_and_reviews_both_of_its_base_unions_applications(aid_api, branch):
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills, works = filed(aid_api, branch, campaign_id, "mill"), filed(aid_api, branch, campaign_id, "works")
    district = branch["tokens"]["district"]

    assert seen(aid_api, district, campaign_id) == ({mills, works}, 2)
    assert aid_api.get(f"{APPLICATIONS}/{works}", token=district).status_code == 200
    assert acted(aid_api, district, mills, "approve")["status"] == "publicizing"
    assert seen(aid_api, branch["tokens"]["mill_checker"], campaign_id) == ({mills}, 1)


def test_a_campaign_takes_workers_of_its_own_units_subtree_only(aid_api, branch):
    mills_campaign = create_campaign(aid_api, org_unit_id=branch["units"]["mill"]["org_unit_id"])["campaign_id"]
    district = branch["tokens"]["district"]

    error = refused(submit(aid_api, district, mills_campaign, branch["workers"]["works"]["worker_id"]), "not_eligible")
    assert "不在本项目所属组织及其下级组织范围内" in error["message"]
    assert submit(aid_api, district, mills_campaign, branch["workers"]["mill"]["worker_id"]).status_code == 201


def test_the_console_shows_a_caseworker_the_applications_of_their_scope_only(aid_api, branch):
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills, works = filed(aid_api, branch, campaign_id, "mill"), filed(aid_api, branch, campaign_id, "works")
    other = signed_in(aid_api.base_url, branch["tokens"]["works_checker"])
    district = signed_in(aid_api.base_url, branch["tokens"]["district"])

    assert other.get(f"/applications/{mills}").status_code == 404
    assert other.submit(f"/applications/{works}", f"/applications/{mills}/approve", {}).status_code == 404
    queue = other.get("/reviews?page=1")
    assert queue.status_code == 200 and works in queue.text and mills not in queue.text
    assert district.get(f"/applications/{mills}").status_code == 200
    assert aid_api.get(f"{APPLICATIONS}/{mills}").json()["status"] == "submitted"


def test_a_workers_applications_follow_their_file_to_another_union(aid_api, branch):
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills = filed(aid_api, branch, campaign_id, "mill")
    works = branch["tokens"]["works"]
    moved_to(aid_api, branch, "mill", "works")

    wait_until(lambda: aid_api.get(f"{APPLICATIONS}/{mills}", token=works).status_code == 200, 30)
    assert_error(aid_api.get(f"{APPLICATIONS}/{mills}", token=branch["tokens"]["mill"]), 404, "not_found")
