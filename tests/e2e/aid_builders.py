"""Builders for the aid tests: campaigns, students, applications, and a system with a pinned business date."""

from datetime import date, datetime

import pytest

from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.notify.service import NotifyService
from services.registry.service import RegistryService
from shared.topology import declare_consumer_queues
from tests.e2e.builders import assert_error, create_worker, fresh_id_number, new_user
from tests.e2e.conftest import Api

TODAY = "2026-08-10"  # a Monday, inside every default window below
STATUSES = ("submitted", "publicizing", "ready", "paying", "disbursed", "payment_failed", "rejected", "withdrawn")
WARMTH_AMOUNTS = {"deep": 300_000, "relative": 200_000, "accident": 150_000}
EDUCATION_AMOUNTS = {
    "postgraduate": 800_000,
    "undergraduate": 500_000,
    "junior_college": 400_000,
    "senior_high": 300_000,
    "vocational_high": 250_000,
}


def start_system(runner_factory, config, *extra_services, **settings):
    """Every service on one runner, with settings (HARDSHIP_TODAY, ...) over the test config; their queues declared
    first, as `hardship migrate` does, so the units' events the registry relays as it starts reach every service."""
    services = (RegistryService, AidService, NotifyService, GatewayService, *extra_services)
    declare_consumer_queues(services, config)
    runner = runner_factory({**config, **settings}, *services)
    runner.start()
    return runner, Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")


@pytest.fixture
def aid_api(live):
    """The session's system with the business date pinned to TODAY for this test."""
    live.set(HARDSHIP_TODAY=TODAY)
    return live.api


def campaign_body(program: str = "warmth", **overrides) -> dict:
    body = {
        "program": program,
        "name": "2026年春节送温暖" if program == "warmth" else "2026年金秋助学",
        "year": 2026,
        "opens_on": "2026-08-01",
        "closes_on": "2026-08-31",
        "budget_fen": 10_000_000,
        "amounts": dict(WARMTH_AMOUNTS if program == "warmth" else EDUCATION_AMOUNTS),
        "publicity_days": 5,
    }
    body.update(overrides)
    return body


def create_campaign(api, program: str = "warmth", **overrides) -> dict:
    response = api.post("/api/v1/campaigns", json=campaign_body(program, **overrides))
    assert response.status_code == 201, response.text
    return response.json()


def student(**overrides) -> dict:
    body = {
        "name": "李小红",
        "id_number": fresh_id_number(birth=date(2008, 5, 20)),
        "level": "undergraduate",
        "school": "市师范大学",
        "admission_year": 2026,
        "admission_notice_no": "LQ2026-0001",
    }
    body.update(overrides)
    return body


def worker(api, **overrides) -> tuple[dict, dict]:
    """A registered worker (deep hardship unless told otherwise): (body sent, 201 body)."""
    return create_worker(api, **overrides)


def submit(api, token, campaign_id: str, worker_id: str, **extra):
    return api.post(
        "/api/v1/applications", token=token, json={"campaign_id": campaign_id, "worker_id": worker_id, **extra}
    )


def submitted(api, token, campaign_id: str, worker_id: str, **extra) -> dict:
    response = submit(api, token, campaign_id, worker_id, **extra)
    assert response.status_code == 201, response.text
    return response.json()


def act(api, token, application_id: str, action: str, **body):
    return api.post(f"/api/v1/applications/{application_id}/{action}", token=token, json=body)


def acted(api, token, application_id: str, action: str, **body) -> dict:
    response = act(api, token, application_id, action, **body)
    assert response.status_code == 200, response.text
    return response.json()


def refused(response, code: str, status: int = 409) -> dict:
    return assert_error(response, status, code)


def application(api, application_id: str) -> dict:
    response = api.get(f"/api/v1/applications/{application_id}")
    assert response.status_code == 200, response.text
    return response.json()


def campaign(api, campaign_id: str) -> dict:
    response = api.get(f"/api/v1/campaigns/{campaign_id}")
    assert response.status_code == 200, response.text
    return response.json()


def counts(**nonzero) -> dict:
    """A campaign's counts by status: zero everywhere except where given."""
    return {status: nonzero.get(status, 0) for status in STATUSES}


def money(view: dict) -> tuple[int, int, int, int]:
    return view["available_fen"], view["committed_fen"], view["disbursed_fen"], view["remaining_fen"]


class Staff:
    """Two caseworkers (a maker and a checker) with their user ids, for maker-checker."""

    def __init__(self, api):
        maker, checker = new_user(api, "caseworker"), new_user(api, "caseworker")
        self.maker, self.checker = maker["token"], checker["token"]
        self.maker_actor, self.checker_actor = f"caseworker:{maker['user_id']}", f"caseworker:{checker['user_id']}"


def is_timestamp_with_offset(text: str) -> bool:
    return datetime.fromisoformat(text).utcoffset() is not None
