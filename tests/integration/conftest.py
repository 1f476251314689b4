"""Helpers for tests that watch what crosses the real broker."""

import functools
import time

import pytest
from kombu import Connection
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select

from shared.db import make_engine
from tests.fakes import recorder


def wait_until(condition, timeout: float = 10.0, interval: float = 0.05, describe=None):
    """The condition's first true value; on timeout an AssertionError, with what `describe()` says of the state."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s" + (f": {describe()}" if describe else ""))


@pytest.fixture
def recorder_db(config):
    engine = make_engine(config["RECORDER_DB_URL"])
    recorder.metadata.create_all(engine)
    recorder.deliveries.clear()
    recorder.flaky_failures_left["count"] = 0
    yield engine
    engine.dispose()


def idle(runner) -> bool:
    """No worker of the runner's services is running: whatever they were handed has been handled."""
    return all(not container._worker_threads for container in runner.containers)


def handled_count(engine, worker_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(recorder.handled).where(recorder.handled.c.worker_id == worker_id)
        ).scalar()


def deliveries_for(worker_id: str) -> list:
    return [event for event in recorder.deliveries if event.worker_id == worker_id]


@pytest.fixture
def notify_handled(monkeypatch) -> dict:
    """{"events": how many events notify's handlers have finished with, their SMS committed}. A batch that failed
    counts as each of its events is handled again on its own; once the count reaches what was published, every
    event has been handled, so what they left in the database is all they will leave."""
    from services.notify.service import NotifyService

    handled = {"events": 0}
    for name, method in list(vars(NotifyService).items()):
        if name.startswith("on_application_"):

            @functools.wraps(method)  # with nameko's marks on it: still the entrypoint
            def counting(self, payloads, _method=method):
                result = _method(self, payloads)
                handled["events"] += len(payloads)
                return result

            monkeypatch.setattr(NotifyService, name, counting)
    return handled


@pytest.fixture
def registry_rpc(config):
    with ServiceRpcProxy("registry", config) as proxy:
        yield proxy


def get_parked(amqp_uri: str, queue, timeout: float = 10.0):
    """Wait for one message in a parking queue and take it."""
    with Connection(amqp_uri) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        return wait_until(lambda: bound.get(no_ack=True), timeout)
