"""Reviewers on two aid instances at once: a quota is never overspent, a review step is taken once.

PostgreSQL only, as tests/integration/test_aid_concurrency.py: SQLite serialises every writer anyway.
"""

import collections

import pytest

from tests.e2e.aid_builders import Staff, application, campaign, counts, create_campaign, submitted, worker
from tests.e2e.builders import new_user, own_tag
from tests.integration.test_aid_concurrency import GRANT, approved_at_once, fire_at_once, start_cluster

pytestmark = pytest.mark.parametrize("db_backend", ["postgres"])


def district(api) -> dict:
    """A new district under the root: its org_unit_id and its name, as a worker body names its union."""
    (city,) = [unit for unit in api.get("/api/v1/org-units").json()["items"] if unit["parent_id"] is None]
    body = {"name": f"城东区{own_tag()}", "parent_id": city["org_unit_id"], "level": "district"}
    response = api.post("/api/v1/org-units", json=body)
    assert response.status_code == 201, response.text
    return {"org_unit_id": response.json()["org_unit_id"], "union": body["name"]}


def test_fifty_approvals_at_once_spend_exactly_a_districts_quota(config, runner_factory):
    api, served = start_cluster(config, runner_factory)
    staff, unit = Staff(api), district(api)
    unit_id = unit["org_unit_id"]
    campaign_id = create_campaign(api, budget_fen=50 * GRANT, amounts={"deep": GRANT})["campaign_id"]
    quota = api.post(f"/api/v1/campaigns/{campaign_id}/quotas", json={"org_unit_id": unit_id, "amount_fen": 10 * GRANT})
    assert quota.status_code == 200, quota.text
    ids = [
        submitted(api, staff.maker, campaign_id, worker(api, **unit)[1]["worker_id"])["application_id"]
        for _ in range(50)
    ]

    outcomes, responses = approved_at_once(api, staff.checker, ids)
    assert outcomes == {"approved": 10, (409, "budget_exhausted"): 40}, [r.text for r in responses]
    figures = campaign(api, campaign_id)
    assert figures["quotas"] == [
        {
            "org_unit_id": unit_id,
            "amount_fen": 10 * GRANT,
            "committed_fen": 10 * GRANT,
            "disbursed_fen": 0,
            "remaining_fen": 0,
        }
    ]
    assert (figures["committed_fen"], figures["counts"]) == (10 * GRANT, counts(publicizing=10, submitted=40))
    assert all(seen["approve"] > 0 for seen in served), served


def test_one_review_step_taken_by_many_reviewers_of_its_level_at_once_is_taken_once(config, runner_factory):
    api, _served = start_cluster(config, runner_factory)
    maker, unit = new_user(api, "caseworker")["token"], district(api)
    unit_id = unit["org_unit_id"]
    campaign_id = create_campaign(
        api, budget_fen=10 * GRANT, amounts={"deep": GRANT}, review_levels=["district", "city"]
    )["campaign_id"]
    application_id = submitted(api, maker, campaign_id, worker(api, **unit)[1]["worker_id"])["application_id"]
    reviewers = [new_user(api, "caseworker", org_unit_id=unit_id)["token"] for _ in range(10)]

    responses = fire_at_once(
        [("POST", f"{api.base_url}/api/v1/applications/{application_id}/approve", token, {}) for token in reviewers]
    )

    codes = collections.Counter(r.status_code if r.status_code == 200 else r.json()["error"]["code"] for r in responses)
    assert codes[200] == 1 and set(codes) <= {200, "invalid_transition", "wrong_level"}, [r.text for r in responses]
    shown = application(api, application_id)
    assert (shown["status"], [step["level"] for step in shown["review"]["done"]]) == ("submitted", ["district"])
    assert shown["review"]["next_level"] == "city"
    assert [entry["to"] for entry in shown["history"]] == ["submitted", "submitted"]
