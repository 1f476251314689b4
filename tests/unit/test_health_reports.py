"""/health reuses its last report for a moment and runs one check at a time, so a flood of it cannot fan out into
pings of every service (each waiting its timeout while a service hangs)."""

import eventlet
import pytest
from amqp.exceptions import NotFound as NoExchange
from nameko.exceptions import UnknownService

from services.gateway import health
from services.gateway.health import HealthReports


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Checks:
    """Counts the checks run; each waits until `release` is sent, when `hold` is set."""

    def __init__(self):
        self.runs = 0
        self.hold = False
        self.release = eventlet.Event()

    def __call__(self):
        self.runs += 1
        if self.hold:
            self.release.wait()
        return {"status": "ok", "checks": {"run": str(self.runs)}}


def test_a_report_is_reused_while_fresh_then_checked_again():
    clock, checks = Clock(), Checks()
    reports = HealthReports(fresh_seconds=2, clock=clock)
    assert [reports.latest(checks)["checks"]["run"] for _ in range(50)] == ["1"] * 50
    clock.now += 2
    assert reports.latest(checks)["checks"]["run"] == "2"
    assert checks.runs == 2


def test_callers_during_a_check_share_it_or_get_the_report_before_it():
    clock, checks = Clock(), Checks()
    reports = HealthReports(fresh_seconds=2, clock=clock)
    checks.hold = True
    first_callers = [eventlet.spawn(reports.latest, checks) for _ in range(20)]
    eventlet.sleep(0)
    checks.release.send()
    assert [caller.wait()["checks"]["run"] for caller in first_callers] == ["1"] * 20  # no report yet: they wait

    clock.now += 2
    checks.hold, checks.release = True, eventlet.Event()
    slow = eventlet.spawn(reports.latest, checks)
    eventlet.sleep(0)
    assert [reports.latest(checks)["checks"]["run"] for _ in range(20)] == ["1"] * 20  # the report before, at once
    checks.release.send()
    assert slow.wait()["checks"]["run"] == "2"
    assert checks.runs == 2


def test_a_check_that_fails_leaves_the_next_caller_to_check_again():
    reports = HealthReports(fresh_seconds=2, clock=Clock())

    def broken():
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        reports.latest(broken)
    assert reports.latest(Checks())["status"] == "ok"


class Silent:
    """A backend that cannot be reached the way `error` says."""

    def __init__(self, error: Exception):
        self.error = error

    def call(self, method, timeout):
        raise self.error


class Database:
    def execute(self, statement):
        return None


@pytest.mark.parametrize(
    "error",
    [
        UnknownService("aid"),  # its queue is not there yet
        NoExchange(reply_text="no exchange 'nameko-rpc'", method_sig=(60, 40)),  # no service of the vhost started yet
        eventlet.Timeout(),
    ],
)
def test_a_backend_not_up_yet_is_reported_as_no_answer_not_an_error(error):
    report = health.check(Database(), {"aid": Silent(error)})
    assert report == {"status": "unavailable", "checks": {"gateway": "ok", "aid": "no answer"}}
