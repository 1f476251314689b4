"""Helpers for tests that watch what crosses the real broker."""

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


def handled_count(engine, worker_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(recorder.handled).where(recorder.handled.c.worker_id == worker_id)
        ).scalar()


def deliveries_for(worker_id: str) -> list:
    return [event for event in recorder.deliveries if event.worker_id == worker_id]


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
