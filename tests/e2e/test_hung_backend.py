"""A backend that hangs cannot take the system down: flooded with /health and API calls while the registry hangs,
the gateway answers every call (503 for what needs the registry, 429 past the /health limit, the rest as usual),
never 500, and serves again as soon as the registry is back."""

import time

import eventlet
import requests

from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.notify.service import NotifyService
from tests.conftest import ADMIN_TOKEN
from tests.e2e.aid_builders import TODAY, create_campaign
from tests.e2e.builders import valid_worker
from tests.e2e.conftest import Api
from tests.fakes.frozen_registry import Freeze, FrozenRegistry
from tests.integration.conftest import wait_until

RPC_TIMEOUT = 2.0
HEALTH_LIMIT = 60
# A gateway pool smaller than its flood: a worker holding a connection while it waits on the registry would
# starve the others (then 503, never 500).
GATEWAY_POOL = {"DB_POOL_SIZE": "2", "DB_POOL_OVERFLOW": "0", "DB_POOL_TIMEOUT": "1"}


def flood(base_url: str, calls: list[tuple]) -> list[tuple]:
    """(name, status, body or None, seconds) of each (name, method, path, token, json), 20 at a time, loopback."""

    def one(name, method, path, token, body):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.monotonic()
        response = requests.request(method, base_url + path, headers=headers, json=body, timeout=30)
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return name, response.status_code, response.json() if is_json else None, time.monotonic() - started

    return list(eventlet.GreenPool(20).starmap(one, calls))


def test_a_flood_while_the_registry_hangs_gets_no_500_and_the_system_serves_again_once_it_is_back(
    config,
    runner_factory,
    monkeypatch,
):
    monkeypatch.setattr(Freeze, "thawed", eventlet.Event())
    settings = {**config, "RPC_TIMEOUT": str(RPC_TIMEOUT), "HARDSHIP_TODAY": TODAY}
    runner_factory(settings, FrozenRegistry, AidService, NotifyService).start()
    runner_factory(
        {**settings, **GATEWAY_POOL, "HEALTH_RATE_LIMIT_PER_MINUTE": str(HEALTH_LIMIT)}, GatewayService
    ).start()
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    campaign = create_campaign(api)
    caseworkers = [api.token_for("caseworker", f"个案员{n}") for n in range(4)]  # each one's first call asks the db

    calls = [("health", "GET", "/health", None, None)] * 150
    for n in range(40):
        token = caseworkers[n % 4]
        calls.append(("campaign", "GET", f"/api/v1/campaigns/{campaign['campaign_id']}", token, None))
        if n % 4 == 0:
            calls.append(("workers", "GET", "/api/v1/workers", token, None))
            calls.append(
                (
                    "application",
                    "POST",
                    "/api/v1/applications",
                    token,
                    {"campaign_id": campaign["campaign_id"], "worker_id": "a" * 32},
                )
            )
    started = time.monotonic()
    answers = flood(api.base_url, calls)
    flood_seconds = time.monotonic() - started

    assert [answer for answer in answers if answer[1] >= 500 and answer[1] != 503] == []
    by_name = {}
    for name, status, body, seconds in answers:
        by_name.setdefault(name, []).append((status, body, seconds))
    assert {status for status, _, _ in by_name["campaign"]} == {200}  # aid serves what needs no registry
    for status, body, seconds in by_name["workers"] + by_name["application"]:
        assert (status, body["error"]["code"]) == (503, "service_unavailable")
        assert "后台服务暂时无响应" in body["error"]["message"]
        assert seconds < RPC_TIMEOUT + 10
    health = [(status, body) for status, body, _ in by_name["health"]]
    assert {status for status, _ in health} == {503, 429}
    assert sum(status == 503 for status, _ in health) <= HEALTH_LIMIT + flood_seconds  # the bucket refills 1 a second
    assert all(body["checks"]["registry"] == "no answer" for status, body in health if status == 503)
    assert flood_seconds < 60

    Freeze.thawed.send()
    wait_until(lambda: requests.get(api.base_url + "/health", timeout=10).status_code == 200, timeout=60, interval=0.5)
    assert api.get("/api/v1/workers").status_code == 200
    created = api.post("/api/v1/workers", json=valid_worker(), token=caseworkers[0])
    assert created.status_code == 201, created.text
    applied = api.post(
        "/api/v1/applications",
        token=caseworkers[1],
        json={"campaign_id": campaign["campaign_id"], "worker_id": created.json()["worker_id"]},
    )
    assert applied.status_code == 201, applied.text
    assert api.get("/health", token=ADMIN_TOKEN).status_code in (200, 429)


def test_an_exhausted_gateway_pool_answers_503_and_serves_again_once_a_connection_is_free(config, runner_factory):
    from shared.db import Database

    runner = runner_factory(
        {**config, "DB_POOL_SIZE": "1", "DB_POOL_OVERFLOW": "0", "DB_POOL_TIMEOUT": "0.5"}, GatewayService
    )
    runner.start()
    [gateway] = runner.containers
    [database] = [dependency for dependency in gateway.dependencies if isinstance(dependency, Database)]
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    token = api.token_for("auditor")  # not yet used: its first call looks it up in the database

    held = database.engine.connect()  # every connection of the pool taken
    try:
        error = api.get("/api/v1/workers", token=token)
        assert (error.status_code, error.json()["error"]["code"]) == (503, "service_unavailable"), error.text
        health = api.get("/health", token=None)
        assert health.status_code == 503 and health.json()["checks"]["gateway"] == "database unavailable: TimeoutError"
    finally:
        held.close()
    refused = api.get("/api/v1/workers", token="not-a-token")  # the database answers again: a wrong token is a 401
    assert refused.status_code == 401, refused.text
