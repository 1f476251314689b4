"""The outbox, the inbox and parking, over the real RabbitMQ: the outbox and the inbox on SQLite and on PostgreSQL
(their SQL differs: see shared/outbox.py and shared/db.py), retries and parking, which are the broker's, on one.

That nothing more arrived is shown by a witness: an event published after the one watched, once handled (and the
consumer idle), every copy of the watched one sent before it has been handled too."""

import pytest
from kombu import Connection, Exchange, Producer

from services.registry.service import RegistryService
from shared.bus import ConfirmingPublisher
from shared.retry import ATTEMPT_HEADER, REASON_HEADER, parking_queue
from tests.e2e.builders import valid_worker as worker_body
from tests.fakes import recorder
from tests.fakes.events import sample
from tests.fakes.unions import ROOT_SCOPE
from tests.integration.conftest import deliveries_for, get_parked, handled_count, idle, wait_until

BROKER_ONLY = pytest.mark.parametrize("db_backend", ["sqlite"])  # retries and parking: the database plays no part


def start(runner_factory, config, *services):
    runner = runner_factory(config, *services)
    runner.start()
    return runner


def handled_after(runner, recorder_db, registry_rpc) -> None:
    """A witness registered now, handled: every event the relay sent before it has been handled too (the relay
    publishes in outbox order, one queue delivers in order)."""
    witness = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)
    wait_until(lambda: handled_count(recorder_db, witness["worker_id"]) == 1 and idle(runner))


def test_registering_a_worker_emits_exactly_one_event(config, runner_factory, recorder_db, registry_rpc):
    runner = start(runner_factory, config, RegistryService, recorder.Recorder)

    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)

    wait_until(lambda: handled_count(recorder_db, worker["worker_id"]) == 1)
    handled_after(runner, recorder_db, registry_rpc)
    [event] = deliveries_for(worker["worker_id"])
    assert event.schema_version == 1 and event.event_id and event.occurred_at
    assert event.category == worker["category"]


def test_an_event_survives_the_relay_dying_between_commit_and_publish(
    config,
    runner_factory,
    recorder_db,
    registry_rpc,
    monkeypatch,
):
    consumer = start(runner_factory, config, recorder.Recorder)
    dead_relay = start(runner_factory, config, RegistryService)
    tried = []

    def broker_unreachable(self, exchange, messages):
        tried.append(len(messages))
        raise ConnectionRefusedError("relay died before publishing")

    monkeypatch.setattr(ConfirmingPublisher, "publish", broker_unreachable)

    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)
    wait_until(lambda: tried)  # committed, and the relay's publish failed
    assert deliveries_for(worker["worker_id"]) == []

    dead_relay.kill()
    monkeypatch.undo()
    start(runner_factory, config, RegistryService)

    wait_until(lambda: handled_count(recorder_db, worker["worker_id"]) == 1)
    handled_after(consumer, recorder_db, registry_rpc)
    assert len(deliveries_for(worker["worker_id"])) == 1


def test_an_event_published_twice_is_handled_once(config, runner_factory, recorder_db, registry_rpc, monkeypatch):
    """The relay dies after the broker took the batch but before marking it published: it sends again."""
    real_publish = ConfirmingPublisher.publish
    crashes_left = [1]

    def publish_then_crash(self, exchange, messages):
        real_publish(self, exchange, messages)
        if crashes_left[0] and any(key == "worker_registered" for key, _body, _id in messages):  # not the root unit's
            crashes_left[0] -= 1
            raise ConnectionResetError("relay died before marking the batch published")

    runner = start(runner_factory, config, RegistryService, recorder.Recorder)
    handled_after(runner, recorder_db, registry_rpc)  # the events the database starts with (its units') are out
    monkeypatch.setattr(ConfirmingPublisher, "publish", publish_then_crash)

    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)

    wait_until(lambda: len(deliveries_for(worker["worker_id"])) == 2)
    handled_after(runner, recorder_db, registry_rpc)
    first, second = deliveries_for(worker["worker_id"])
    assert first.event_id == second.event_id
    assert handled_count(recorder_db, worker["worker_id"]) == 1


def test_a_redelivered_event_changes_nothing(config, runner_factory, recorder_db):
    runner = start(runner_factory, config, recorder.Recorder)
    event = sample("worker_registered")

    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(
            connection.default_channel, exchange=Exchange("registry.events", type="topic", durable=True)
        )
        for _ in range(3):
            producer.publish(event, routing_key="worker_registered", serializer="json", delivery_mode=2)

    wait_until(lambda: len(deliveries_for(event["worker_id"])) == 3 and idle(runner))  # the three copies handled
    assert handled_count(recorder_db, event["worker_id"]) == 1


@BROKER_ONLY
def test_a_handler_that_fails_for_a_while_succeeds_on_retry(config, runner_factory, recorder_db, registry_rpc):
    recorder.flaky_failures_left["count"] = 2
    start(runner_factory, config, RegistryService, recorder.Recorder)

    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)

    wait_until(lambda: handled_count(recorder_db, worker["worker_id"]) == 1)
    assert len(deliveries_for(worker["worker_id"])) == 3


@BROKER_ONLY
def test_a_handler_that_keeps_failing_ends_in_the_parking_queue_with_its_reason(config, runner_factory, registry_rpc):
    start(runner_factory, config, RegistryService, recorder.AlwaysFails)
    body = worker_body()

    worker = registry_rpc.register_worker(body, "test", ROOT_SCOPE)

    queue = parking_queue("evt-registry-worker_registered--failing.on_worker_registered")
    parked = get_parked(config["AMQP_URI"], queue)
    assert parked.payload["worker_id"] == worker["worker_id"]
    assert parked.headers[ATTEMPT_HEADER] == 3  # the first try and the two configured retries
    assert parked.headers[REASON_HEADER].startswith(f"RuntimeError: cannot process worker {worker['worker_id']}")
    assert parked.headers["x-original-queue"] == "evt-registry-worker_registered--failing.on_worker_registered"
    assert body["id_number"] not in str(parked.headers)


@BROKER_ONLY
def test_an_event_that_cannot_be_decoded_is_parked_at_once_and_the_consumer_goes_on(
    config,
    runner_factory,
    recorder_db,
    registry_rpc,
):
    start(runner_factory, config, RegistryService, recorder.Recorder)
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(
            connection.default_channel, exchange=Exchange("registry.events", type="topic", durable=True)
        )
        producer.publish(
            b'{"worker_id": 13800138000',
            routing_key="worker_registered",
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
        )

    queue = parking_queue("evt-registry-worker_registered--recorder.on_worker_registered")
    parked = get_parked(config["AMQP_URI"], queue)
    assert parked.body == '{"worker_id": 13800138000'  # kept as it came, for whoever looks at it
    assert parked.headers[ATTEMPT_HEADER] == 1
    assert parked.headers[REASON_HEADER].startswith("DecodeError: ")
    assert "13800138000" not in parked.headers[REASON_HEADER]

    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)
    wait_until(lambda: handled_count(recorder_db, worker["worker_id"]) == 1)
