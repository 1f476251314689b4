"""/health without fan-out: a check asks the gateway's database and pings every service, which a flood of /health
must not multiply (least of all while a service hangs and each ping waits for its timeout)."""

import time

import eventlet
from amqp.exceptions import NotFound as NoExchangeYet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from sqlalchemy import text

from services.gateway.answers import HealthSchema
from shared.errors import ServiceError

FRESH_SECONDS = 2.0
CHECK_TIMEOUT_SECONDS = 3
HEALTH = HealthSchema()


class HealthReports(DependencyProvider):
    """The last report, reused for FRESH_SECONDS. One check runs at a time per gateway: while it runs, callers get
    the report before it (the very first callers wait for it), so /health costs one round of pings per FRESH_SECONDS
    however often it is asked."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS, clock=time.monotonic):
        self.fresh_seconds = fresh_seconds
        self.clock = clock
        self.last: dict | None = None
        self.checked_at = 0.0
        self.running: eventlet.Event | None = None

    def get_dependency(self, worker_ctx):
        return self

    def latest(self, check) -> dict:
        """The latest report, from `check()` when there is none fresh and no other check is on its way."""
        if self.last is not None and self.clock() - self.checked_at < self.fresh_seconds:
            return self.last
        if self.running is not None:
            if self.last is not None:
                return self.last
            return self.running.wait() or self.latest(check)  # None: that check failed, try again
        running = self.running = eventlet.Event()
        report = None
        try:
            report = check()
            self.last, self.checked_at = report, self.clock()
            return report
        finally:
            self.running = None
            running.send(report)


def check(db, backends: dict) -> dict:
    """The gateway's database and every backend service (a dict of Backend by name): each ok or what is wrong."""
    checks = {}
    try:
        db.execute(text("SELECT 1"))
        checks["gateway"] = "ok"
    except Exception as exc:  # any database failure means unhealthy, whatever its type
        checks["gateway"] = f"database unavailable: {type(exc).__name__}"
    for name, backend in backends.items():
        try:
            backend.call("ping", timeout=CHECK_TIMEOUT_SECONDS)
            checks[name] = "ok"
        # UnknownService: not started (no queue) yet; NoExchangeYet: no service of this vhost has ever started
        except (eventlet.Timeout, UnknownService, NoExchangeYet, ServiceError):
            checks[name] = "no answer"
    healthy = all(value == "ok" for value in checks.values())
    return HEALTH.dump({"status": "ok" if healthy else "unavailable", "checks": checks})
