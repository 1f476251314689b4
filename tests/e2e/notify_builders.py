"""Builders for the notify tests: the whole system with notify, a movable clock, and the message log."""

from datetime import datetime, timedelta

import pytest

from shared import clock
from shared.clock import SHANGHAI
from tests.e2e.aid_builders import TODAY, start_system
from tests.integration.conftest import wait_until

DAYTIME = datetime(2026, 8, 10, 10, 0, tzinfo=SHANGHAI)  # a Monday morning, the business date TODAY


class MovableClock:
    """Replaces shared.clock.now: starts at a given Shanghai time and moves on with real time."""

    def __init__(self, start: datetime):
        self.offset = start - datetime.now(start.tzinfo)

    def set(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(moment.tzinfo)

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)

    def __call__(self) -> datetime:
        return datetime.now(SHANGHAI) + self.offset


@pytest.fixture
def movable_clock(monkeypatch):
    moving = MovableClock(DAYTIME)
    monkeypatch.setattr(clock, "now", moving)
    return moving


def start_notify_system(runner_factory, config, **settings):
    """Registry, aid, notify and gateway, with the business date pinned and quick SMS ticks."""
    return start_system(runner_factory, config, HARDSHIP_TODAY=TODAY, SMS_DISPATCH_SECONDS="0.1", **settings)


def notifications(api, **query) -> list[dict]:
    response = api.get("/api/v1/notifications", params={"per_page": 500, **query})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def wait_for_statuses(api, application_id: str, expected: dict, timeout: float = 30.0) -> list[dict]:
    """Wait until the application's messages are exactly {template: status}."""

    def settled():
        items = notifications(api, application_id=application_id)
        return items if {item["template"]: item["status"] for item in items} == expected else None

    try:
        return wait_until(settled, timeout)
    except AssertionError:
        raise AssertionError(f"expected {expected}, got {notifications(api, application_id=application_id)}") from None
