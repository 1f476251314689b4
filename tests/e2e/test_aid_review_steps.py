"""Review level by level and quotas over HTTP: a campaign reviewed at the base union then the district takes one step
per approval, each by a reviewer of that level, each by another person; an approval commits against the quota
covering the worker's unit. Each test builds its own branch under the root (tests/e2e/test_org_units.py)."""

import pytest

from tests.e2e import aid_builders
from tests.e2e.aid_builders import act, acted, application, campaign, create_campaign, refused, submitted
from tests.e2e.builders import add_unit, new_user, own_tag, root_unit, valid_worker
from tests.e2e.console_client import signed_in
from tests.integration.conftest import wait_until

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned
GRANT = 300_000
TWO_LEVELS = ["base", "district"]


class Person:
    def __init__(self, api, role: str, unit: dict | str):
        user = new_user(api, role, org_unit_id=unit if isinstance(unit, str) else unit["org_unit_id"])
        self.token, self.actor = user["token"], f"{role}:{user['user_id']}"


@pytest.fixture
def branch(aid_api):
    """The root (a city), a district with a base union (纺织厂), a base union right under the city (机械厂, no district
    above it); a maker and a checker in each base union, a caseworker in the district, the city's admin."""
    tag, city = own_tag(), root_unit(aid_api)
    east = add_unit(aid_api, f"城东区总工会{tag}", city, "district")
    mill = add_unit(aid_api, f"纺织厂工会{tag}", east["org_unit_id"], "base")
    works = add_unit(aid_api, f"机械厂工会{tag}", city, "base")
    people = {
        "mill_maker": Person(aid_api, "caseworker", mill),
        "mill_checker": Person(aid_api, "caseworker", mill),
        "works_maker": Person(aid_api, "caseworker", works),
        "works_checker": Person(aid_api, "caseworker", works),
        "district_reviewer": Person(aid_api, "caseworker", east),
        "city_admin": Person(aid_api, "admin", city),
    }
    return {"city": city, "east": east, "mill": mill, "works": works, **people}


def filed(api, branch, campaign_id: str, union: str = "mill") -> str:
    """An application for a new worker of that base union, filed by its maker."""
    maker = branch[f"{union}_maker"].token
    response = api.post("/api/v1/workers", json=valid_worker(union=branch[union]["name"]), token=maker)
    assert response.status_code == 201, response.text
    return submitted(api, maker, campaign_id, response.json()["worker_id"])["application_id"]


def two_level_campaign(api, **overrides) -> str:
    return create_campaign(api, budget_fen=10 * GRANT, amounts={"deep": GRANT}, review_levels=TWO_LEVELS, **overrides)[
        "campaign_id"
    ]


def test_an_application_is_approved_at_the_base_union_then_at_the_district_each_by_another_person(aid_api, branch):
    campaign_id = two_level_campaign(aid_api)
    application_id = filed(aid_api, branch, campaign_id)
    assert application(aid_api, application_id)["review"] == {"done": [], "next_level": "base"}

    # the district's turn has not come; the submitter never reviews
    wrong = refused(act(aid_api, branch["district_reviewer"].token, application_id, "approve"), "wrong_level")
    assert "基层" in wrong["message"]
    refused(act(aid_api, branch["mill_maker"].token, application_id, "approve"), "same_user")

    step = acted(aid_api, branch["mill_checker"].token, application_id, "approve", note="已入户核实")
    assert step["status"] == "submitted"
    [done] = step["review"]["done"]
    assert (done["level"], done["actor"], step["review"]["next_level"]) == (
        "base",
        branch["mill_checker"].actor,
        "district",
    )
    assert money_committed(aid_api, campaign_id) == 0  # nothing committed before the last step
    # nobody takes a second step, and the city is not the district
    refused(act(aid_api, branch["mill_checker"].token, application_id, "approve"), "same_user")
    assert (
        "区县级"
        in refused(act(aid_api, branch["city_admin"].token, application_id, "approve"), "wrong_level")["message"]
    )

    approved = acted(aid_api, branch["district_reviewer"].token, application_id, "approve")
    assert approved["status"] == "publicizing"
    assert [(s["level"], s["actor"]) for s in approved["review"]["done"]] == [
        ("base", branch["mill_checker"].actor),
        ("district", branch["district_reviewer"].actor),
    ]
    assert approved["review"]["next_level"] is None
    assert [(h["from"], h["to"], h["actor"], h["reason"]) for h in approved["history"][1:]] == [
        ("submitted", "submitted", branch["mill_checker"].actor, "基层审核通过：已入户核实"),
        ("submitted", "publicizing", branch["district_reviewer"].actor, "区县级审核通过"),
    ]
    assert money_committed(aid_api, campaign_id) == GRANT
    listed = aid_api.get(f"/api/v1/applications?campaign_id={campaign_id}").json()["items"]
    assert [item["review"] for item in listed] == [approved["review"]]


def money_committed(api, campaign_id: str) -> int:
    return campaign(api, campaign_id)["committed_fen"]


def test_a_level_the_workers_path_lacks_is_skipped_and_a_campaign_without_levels_takes_one_approval(aid_api, branch):
    campaign_id = two_level_campaign(aid_api)
    under_city = filed(aid_api, branch, campaign_id, "works")  # 机械厂 has no district above it
    assert application(aid_api, under_city)["review"] == {"done": [], "next_level": "base"}
    assert acted(aid_api, branch["works_checker"].token, under_city, "approve")["status"] == "publicizing"

    single = filed(aid_api, branch, create_campaign(aid_api, amounts={"deep": GRANT})["campaign_id"])
    assert application(aid_api, single)["review"] == {"done": [], "next_level": None}
    approved = acted(aid_api, branch["city_admin"].token, single, "approve")  # any reviewer in scope, as always
    assert (approved["status"], approved["review"]) == ("publicizing", {"done": [], "next_level": None})


def test_approve_batch_takes_each_applications_next_step(aid_api, branch):
    campaign_id = two_level_campaign(aid_api)
    first, second = filed(aid_api, branch, campaign_id), filed(aid_api, branch, campaign_id)
    batch = "/api/v1/applications/approve-batch"

    by_district = aid_api.post(batch, json={"application_ids": [first]}, token=branch["district_reviewer"].token).json()
    assert [(item["application_id"], item["code"]) for item in by_district["failed"]] == [(first, "wrong_level")]
    by_base = aid_api.post(batch, json={"application_ids": [first, second]}, token=branch["mill_checker"].token)
    assert by_base.json() == {"approved": [first, second], "failed": []}
    assert {application(aid_api, i)["review"]["next_level"] for i in (first, second)} == {"district"}
    again = aid_api.post(batch, json={"application_ids": [first]}, token=branch["mill_checker"].token).json()
    assert [item["code"] for item in again["failed"]] == ["same_user"]

    by_district = aid_api.post(
        batch, json={"application_ids": [first, second]}, token=branch["district_reviewer"].token
    )
    assert by_district.json() == {"approved": [first, second], "failed": []}
    assert {application(aid_api, i)["status"] for i in (first, second)} == {"publicizing"}
    assert money_committed(aid_api, campaign_id) == 2 * GRANT


def test_a_rejection_at_any_step_keeps_the_steps_taken_and_an_objection_starts_the_review_over(aid_api, branch):
    campaign_id = two_level_campaign(aid_api)
    rejected, objected = filed(aid_api, branch, campaign_id), filed(aid_api, branch, campaign_id)
    for application_id in (rejected, objected):
        acted(aid_api, branch["mill_checker"].token, application_id, "approve")

    shown = acted(aid_api, branch["district_reviewer"].token, rejected, "reject", reason="家庭收入超标")
    assert shown["status"] == "rejected"
    assert ([s["level"] for s in shown["review"]["done"]], shown["review"]["next_level"]) == (["base"], None)

    acted(aid_api, branch["district_reviewer"].token, objected, "approve")
    back = acted(aid_api, branch["district_reviewer"].token, objected, "objection", reason="群众反映情况不实")
    assert (back["status"], back["review"]) == ("submitted", {"done": [], "next_level": "base"})
    assert money_committed(aid_api, campaign_id) == 0
    # the base union's checker may look again: the earlier round's steps no longer count
    assert acted(aid_api, branch["mill_checker"].token, objected, "approve")["review"]["next_level"] == "district"


def test_an_approval_commits_against_the_nearest_quota_and_gives_it_back_when_the_money_leaves(aid_api, branch):
    campaign_id = create_campaign(aid_api, budget_fen=10 * GRANT, amounts={"deep": GRANT}, publicity_days=0)[
        "campaign_id"
    ]
    quotas = f"/api/v1/campaigns/{campaign_id}/quotas"
    for unit, amount in (("east", 5 * GRANT), ("mill", GRANT)):  # the mill's own quota is nearer than its district's
        set_quota = aid_api.post(quotas, json={"org_unit_id": branch[unit]["org_unit_id"], "amount_fen": amount})
        assert set_quota.status_code == 200, set_quota.text
    first, second = filed(aid_api, branch, campaign_id), filed(aid_api, branch, campaign_id)
    checker = branch["mill_checker"].token

    assert acted(aid_api, checker, first, "approve")["status"] == "ready"
    assert quota_money(aid_api, campaign_id, branch["mill"]) == (GRANT, 0, 0)
    assert quota_money(aid_api, campaign_id, branch["east"]) == (0, 0, 5 * GRANT)
    exhausted = refused(act(aid_api, checker, second, "approve"), "budget_exhausted")
    assert "配额" in exhausted["message"]
    assert application(aid_api, second)["status"] == "submitted"
    assert money_committed(aid_api, campaign_id) == GRANT  # the campaign's money untouched by the refusal

    paid = aid_api.post(f"/api/v1/applications/{first}/disburse", json={"bank_ref": f"BANK-{own_tag()}"})
    assert paid.status_code == 200, paid.text
    assert quota_money(aid_api, campaign_id, branch["mill"]) == (0, GRANT, 0)
    refused(act(aid_api, checker, second, "approve"), "budget_exhausted")  # paid out is spent


def test_money_released_goes_back_to_the_quota_it_was_committed_against(aid_api, branch):
    campaign_id = create_campaign(aid_api, budget_fen=10 * GRANT, amounts={"deep": GRANT})["campaign_id"]
    set_quota = aid_api.post(
        f"/api/v1/campaigns/{campaign_id}/quotas",
        json={"org_unit_id": branch["mill"]["org_unit_id"], "amount_fen": GRANT},
    )
    assert set_quota.status_code == 200, set_quota.text
    first, second = filed(aid_api, branch, campaign_id), filed(aid_api, branch, campaign_id)
    checker = branch["mill_checker"].token
    acted(aid_api, checker, first, "approve")
    refused(act(aid_api, checker, second, "approve"), "budget_exhausted")

    acted(aid_api, checker, first, "objection", reason="群众反映情况不实")
    assert quota_money(aid_api, campaign_id, branch["mill"]) == (0, 0, GRANT)
    assert acted(aid_api, checker, second, "approve")["status"] == "publicizing"
    assert quota_money(aid_api, campaign_id, branch["mill"]) == (GRANT, 0, 0)


def quota_money(api, campaign_id: str, unit: dict) -> tuple[int, int, int]:
    [quota] = [q for q in campaign(api, campaign_id)["quotas"] if q["org_unit_id"] == unit["org_unit_id"]]
    return quota["committed_fen"], quota["disbursed_fen"], quota["remaining_fen"]


def test_the_review_queue_shows_each_person_what_waits_at_their_level_and_the_page_shows_the_steps(aid_api, branch):
    campaign_id = two_level_campaign(aid_api)
    waiting, moved_on = filed(aid_api, branch, campaign_id), filed(aid_api, branch, campaign_id)
    acted(aid_api, branch["mill_checker"].token, moved_on, "approve")
    base, district = (
        signed_in(aid_api.base_url, branch["mill_checker"].token),
        signed_in(aid_api.base_url, branch["district_reviewer"].token),
    )

    base_queue, district_queue = base.get("/reviews").text, district.get("/reviews").text
    assert waiting in base_queue and moved_on not in base_queue
    assert moved_on in district_queue and waiting not in district_queue
    assert "基层已审核 · 待区县级审核" in district_queue
    shown = aid_api.get(
        f"/api/v1/applications?awaiting_me=true&campaign_id={campaign_id}", token=branch["district_reviewer"].token
    )
    assert [item["application_id"] for item in shown.json()["items"]] == [moved_on]

    page = district.get(f"/applications/{moved_on}").text.split('id="review-steps"')[1].split("</table>")[0]
    assert "基层" in page and "待审核" in page and "区县级" in page
    assert district.submit(f"/applications/{moved_on}", f"/applications/{moved_on}/approve", {}).status_code == 303
    assert application(aid_api, moved_on)["status"] == "publicizing"


def test_a_worker_moving_to_a_union_without_the_level_awaited_is_no_longer_waiting_for_it(aid_api, branch):
    campaign_id = two_level_campaign(aid_api)
    application_id = filed(aid_api, branch, campaign_id)
    acted(aid_api, branch["mill_checker"].token, application_id, "approve")
    moved = aid_api.patch(
        f"/api/v1/workers/{application(aid_api, application_id)['worker_id']}",
        json={"union": branch["works"]["name"], "reason": "职工调到机械厂工作"},
    )
    assert moved.status_code == 200, moved.text

    # 机械厂 has no district above it: its base step is taken, nothing is awaited, any reviewer in scope decides
    wait_until(lambda: application(aid_api, application_id)["review"]["next_level"] is None, 30)
    assert acted(aid_api, branch["works_checker"].token, application_id, "approve")["status"] == "publicizing"


def test_approve_batch_approves_as_many_as_the_quota_allows_in_the_order_asked(aid_api, branch):
    campaign_id = create_campaign(aid_api, budget_fen=10 * GRANT, amounts={"deep": GRANT})["campaign_id"]
    set_quota = aid_api.post(
        f"/api/v1/campaigns/{campaign_id}/quotas",
        json={"org_unit_id": branch["mill"]["org_unit_id"], "amount_fen": 2 * GRANT},
    )
    assert set_quota.status_code == 200, set_quota.text
    ids = [filed(aid_api, branch, campaign_id) for _ in range(3)]

    batch = aid_api.post(
        "/api/v1/applications/approve-batch", json={"application_ids": ids}, token=branch["mill_checker"].token
    ).json()

    assert batch["approved"] == ids[:2]
    assert [(item["application_id"], item["code"]) for item in batch["failed"]] == [(ids[2], "budget_exhausted")]
    assert quota_money(aid_api, campaign_id, branch["mill"]) == (2 * GRANT, 0, 0)
    assert money_committed(aid_api, campaign_id) == 2 * GRANT
