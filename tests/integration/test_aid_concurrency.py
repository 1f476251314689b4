"""Many reviewers on two aid instances at once never overspend a campaign nor move an application twice; many admins
setting quotas at once never share out more than its budget.

PostgreSQL only: SQLite serialises every writer anyway, so the race these tests look for cannot happen there.
"""

import collections

import eventlet
import pytest
import requests

from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.registry.service import RegistryService
from tests.e2e.aid_builders import (
    TODAY,
    Staff,
    application,
    campaign,
    counts,
    create_campaign,
    money,
    submitted,
    worker,
)
from tests.e2e.builders import new_user
from tests.e2e.conftest import Api

GRANT = 300_000

pytestmark = pytest.mark.parametrize("db_backend", ["postgres"])


def start_cluster(config, runner_factory):
    """Registry and gateway, and two aid instances sharing the database and the RPC queue.

    Returns the Api and, per aid container, a counter of the entrypoints it ran."""
    settings = {**config, "HARDSHIP_TODAY": TODAY}
    served = []
    for _ in range(2):
        runner = runner_factory(settings, AidService)
        [container] = runner.containers
        seen = collections.Counter()
        original = container.spawn_worker

        def counting(entrypoint, args, kwargs, *rest, _original=original, _seen=seen, **options):
            _seen[entrypoint.method_name] += 1
            return _original(entrypoint, args, kwargs, *rest, **options)

        container.spawn_worker = counting
        runner.start()
        served.append(seen)
    runner_factory(settings, RegistryService, GatewayService).start()
    return Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}"), served


def fire_at_once(calls) -> list:
    """Run every (method, url, token, body) together on green threads; the responses in the same order."""

    def one(call):
        method, url, token, body = call
        return requests.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=120)

    return list(eventlet.GreenPool(len(calls)).imap(one, calls))


def approved_at_once(api, token: str, application_ids: list[str]) -> tuple[collections.Counter, list]:
    """Every application approved by the same reviewer at once: the outcomes counted ("approved", or the status and
    error code), and the responses."""
    responses = fire_at_once(
        [
            ("POST", f"{api.base_url}/api/v1/applications/{application_id}/approve", token, {})
            for application_id in application_ids
        ]
    )
    outcomes = collections.Counter(
        "approved" if r.status_code == 200 else (r.status_code, r.json()["error"]["code"]) for r in responses
    )
    return outcomes, responses


def test_fifty_approvals_at_once_spend_exactly_the_budget(config, runner_factory):
    api, served = start_cluster(config, runner_factory)
    staff = Staff(api)
    campaign_id = create_campaign(api, budget_fen=10 * GRANT, amounts={"deep": GRANT})["campaign_id"]
    ids = [
        submitted(api, staff.maker, campaign_id, worker(api, category="deep")[1]["worker_id"])["application_id"]
        for _ in range(50)
    ]

    outcomes, responses = approved_at_once(api, staff.checker, ids)
    assert outcomes == {"approved": 10, (409, "budget_exhausted"): 40}, [r.text for r in responses]
    figures = campaign(api, campaign_id)
    assert money(figures) == (10 * GRANT, 10 * GRANT, 0, 0)
    assert figures["counts"] == counts(publicizing=10, submitted=40)
    statuses = {application_id: application(api, application_id)["status"] for application_id in ids}
    winners = {application_id for application_id, r in zip(ids, responses) if r.status_code == 200}
    assert {i for i, status in statuses.items() if status == "publicizing"} == winners
    assert all(len(application(api, i)["history"]) == 1 for i in set(ids) - winners)
    assert all(seen["approve"] > 0 for seen in served), served
    assert sum(seen["approve"] for seen in served) == 50


def test_one_application_approved_by_many_reviewers_at_once_moves_once(config, runner_factory):
    api, _served = start_cluster(config, runner_factory)
    staff = Staff(api)
    campaign_id = create_campaign(api, budget_fen=10 * GRANT, amounts={"deep": GRANT})["campaign_id"]
    application_id = submitted(api, staff.maker, campaign_id, worker(api)[1]["worker_id"])["application_id"]
    reviewers = [new_user(api, "caseworker")["token"] for _ in range(10)]

    responses = fire_at_once(
        [("POST", f"{api.base_url}/api/v1/applications/{application_id}/approve", token, {}) for token in reviewers]
    )

    codes = collections.Counter(r.status_code if r.status_code == 200 else r.json()["error"]["code"] for r in responses)
    assert codes == {200: 1, "invalid_transition": 9}, [r.text for r in responses]
    assert [entry["to"] for entry in application(api, application_id)["history"]] == ["submitted", "publicizing"]
    assert money(campaign(api, campaign_id)) == (10 * GRANT, GRANT, 0, 9 * GRANT)


def test_one_household_filed_by_many_caseworkers_at_once_is_filed_once(config, runner_factory):
    api, _served = start_cluster(config, runner_factory)
    campaign_id = create_campaign(api)["campaign_id"]
    spouse_body, spouse = worker(api)
    _body, filed = worker(api, family=[{"name": "配偶", "relation": "配偶", "id_number": spouse_body["id_number"]}])
    caseworkers = [new_user(api, "caseworker")["token"] for _ in range(10)]
    url = f"{api.base_url}/api/v1/applications"

    responses = fire_at_once(
        [
            ("POST", url, token, {"campaign_id": campaign_id, "worker_id": (filed if n % 2 else spouse)["worker_id"]})
            for n, token in enumerate(caseworkers)
        ]
    )

    codes = collections.Counter(r.status_code if r.status_code == 201 else r.json()["error"]["code"] for r in responses)
    assert codes == {201: 1, "duplicate_application": 9}, [r.text for r in responses]
    assert campaign(api, campaign_id)["counts"] == counts(submitted=1)


def test_quotas_set_by_many_admins_at_once_never_share_out_more_than_the_budget(config, runner_factory):
    api, served = start_cluster(config, runner_factory)
    (city,) = [unit for unit in api.get("/api/v1/org-units").json()["items"] if unit["parent_id"] is None]
    districts = [
        api.post("/api/v1/org-units", json={"name": f"区{n}", "parent_id": city["org_unit_id"], "level": "district"})
        for n in range(10)
    ]
    admins = [new_user(api, "admin")["token"] for _ in districts]
    campaign_id = create_campaign(api, budget_fen=10 * GRANT)["campaign_id"]

    responses = fire_at_once(
        [
            ("POST", f"{api.base_url}/api/v1/campaigns/{campaign_id}/quotas", token, body)
            for token, body in zip(
                admins,
                [{"org_unit_id": district.json()["org_unit_id"], "amount_fen": 3 * GRANT} for district in districts],
                strict=True,
            )
        ]
    )

    codes = collections.Counter(r.status_code if r.status_code == 200 else r.json()["error"]["code"] for r in responses)
    assert codes == {200: 3, "budget_exhausted": 7}, [r.text for r in responses]
    assert sum(quota["amount_fen"] for quota in campaign(api, campaign_id)["quotas"]) == 9 * GRANT
    assert sum(seen["set_quota"] for seen in served) == 10
