"""Parked events, listed and replayed (`hardship dlq`), over the real RabbitMQ."""

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Producer

from hardship_cli.dlq import list_parked, replay, watched_queues
from services.notify.service import NotifyService
from services.registry.service import RegistryService
from shared import event_types
from shared.retry import ATTEMPT_HEADER, REASON_HEADER, parking_queue
from tests.e2e.builders import valid_worker as worker_body
from tests.fakes import recorder
from tests.fakes.events import sample
from tests.fakes.unions import ROOT_SCOPE
from tests.integration.conftest import deliveries_for, handled_count, wait_until


@pytest.fixture
def db_backend():
    """Parking and replay live in the broker; the database plays no part (the tests without a service need no
    database at all: rabbit_config, not config)."""
    return "sqlite"


HARDSHIP = str(Path(sys.executable).parent / "hardship")
RECORDER_QUEUE = "evt-registry-worker_registered--recorder.on_worker_registered"
NOTIFY_QUEUE = "evt-aid-application_disbursed--notify.on_application_disbursed"
FOREVER = 10**6


def start(runner_factory, config, *services):
    runner = runner_factory(config, *services)
    runner.start()
    return runner


def parked_for(config, queues) -> list:
    return list_parked(config["AMQP_URI"], queues)


def hardship_dlq(config, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HARDSHIP, "dlq", *args],
        env={**os.environ, "AMQP_URI": config["AMQP_URI"]},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def publish(config, exchange: str, event_type: str, payload) -> None:
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(connection.default_channel, exchange=Exchange(exchange, type="topic", durable=True))
        producer.publish(payload, routing_key=event_type, serializer="json", delivery_mode=2)


def test_a_parked_event_is_listed_then_replayed_once_its_cause_is_fixed(
    config, runner_factory, recorder_db, registry_rpc
):
    queues = watched_queues([recorder.Recorder])
    recorder.flaky_failures_left["count"] = FOREVER  # downstream is down for good, until an operator fixes it
    start(runner_factory, config, RegistryService, recorder.Recorder)

    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)

    [parked] = wait_until(lambda: parked_for(config, queues))
    assert (parked.queue, parked.event_type, parked.attempts) == (RECORDER_QUEUE, "worker_registered", 3)
    assert parked.event_id == deliveries_for(worker["worker_id"])[0].event_id
    assert parked.reason.startswith("ConnectionError: downstream not ready yet")
    assert parked.parked_at
    assert parked_for(config, queues) == [parked]  # listing leaves the message where it was
    assert handled_count(recorder_db, worker["worker_id"]) == 0

    recorder.flaky_failures_left["count"] = 0
    assert replay(config["AMQP_URI"], queues=queues) == [parked]

    wait_until(lambda: handled_count(recorder_db, worker["worker_id"]) == 1)
    assert parked_for(config, queues) == []
    assert replay(config["AMQP_URI"], queues=queues) == []
    assert len(deliveries_for(worker["worker_id"])) == 4  # three failed tries and the replay
    assert handled_count(recorder_db, worker["worker_id"]) == 1


def test_a_replayed_event_that_fails_again_is_parked_again_with_fresh_retries(
    config, runner_factory, recorder_db, registry_rpc
):
    queues = watched_queues([recorder.Recorder])
    recorder.flaky_failures_left["count"] = FOREVER
    start(runner_factory, config, RegistryService, recorder.Recorder)
    worker = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)
    [parked] = wait_until(lambda: parked_for(config, queues))

    replay(config["AMQP_URI"], queues=queues)

    wait_until(lambda: len(deliveries_for(worker["worker_id"])) == 6)
    [again] = wait_until(lambda: parked_for(config, queues))
    assert (again.event_id, again.attempts) == (parked.event_id, 3)
    assert handled_count(recorder_db, worker["worker_id"]) == 0


def test_a_replay_of_one_event_id_leaves_the_others_parked(config, runner_factory, recorder_db, registry_rpc):
    queues = watched_queues([recorder.Recorder])
    recorder.flaky_failures_left["count"] = FOREVER
    start(runner_factory, config, RegistryService, recorder.Recorder)
    first = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)
    second = registry_rpc.register_worker(worker_body(), "test", ROOT_SCOPE)
    wait_until(lambda: len(parked_for(config, queues)) == 2)
    recorder.flaky_failures_left["count"] = 0
    first_event = deliveries_for(first["worker_id"])[0].event_id

    [replayed] = replay(config["AMQP_URI"], event_id=first_event, queues=queues)

    assert replayed.event_id == first_event
    wait_until(lambda: handled_count(recorder_db, first["worker_id"]) == 1)
    [left] = parked_for(config, queues)
    assert left.event_id == deliveries_for(second["worker_id"])[0].event_id
    assert handled_count(recorder_db, second["worker_id"]) == 0


# where an event its schema refuses is refused: the parking reason names the file and line that raised
RAISED_AT = next(
    number
    for number, line in enumerate(inspect.getsource(event_types).splitlines(), 1)
    if "raise InvalidEvent(" in line
)


def test_the_command_lists_a_poison_event_masked_and_replays_it_into_parking_again(config, runner_factory):
    start(runner_factory, config, NotifyService)
    # no worker_id, no amount: it cannot be read
    poison = {
        key: value for key, value in sample("application_disbursed").items() if key not in ("worker_id", "amount_fen")
    }

    publish(config, "aid.events", "application_disbursed", poison)

    wait_until(lambda: hardship_dlq(config, "list").stdout.count(poison["event_id"]) == 1, timeout=20)
    listing = hardship_dlq(config, "list")
    assert listing.returncode == 0, listing.stderr
    [line] = [line for line in listing.stdout.splitlines() if poison["event_id"] in line]
    assert line.startswith(f"{NOTIFY_QUEUE}\tapplication_disbursed\t{poison['event_id']}\t")
    assert "第 3 次失败后停放：InvalidEvent: application_disbursed does not fit its schema: {'worker_id'" in line
    assert "'amount_fen'" in line and line.endswith(f" at event_types.py:{RAISED_AT}")
    assert "共 1 条停放的事件" in listing.stdout

    replayed = hardship_dlq(config, "replay", "--queue", f"{NOTIFY_QUEUE}.parking")
    assert replayed.returncode == 0, replayed.stderr
    assert f"已放回 {NOTIFY_QUEUE}：application_disbursed {poison['event_id']}" in replayed.stdout

    [again] = wait_until(lambda: list_parked(config["AMQP_URI"]), timeout=20)
    assert (again.event_id, again.attempts) == (poison["event_id"], 3)


def test_the_command_masks_personal_numbers_in_a_parking_reason(rabbit_config):
    number = "110105199003071234"
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = parking_queue(NOTIFY_QUEUE)(connection.default_channel)
        queue.declare()
        Producer(connection.default_channel, exchange=Exchange("")).publish(
            {"event_id": "b" * 32},
            routing_key=queue.name,
            serializer="json",
            delivery_mode=2,
            headers={REASON_HEADER: f"ValueError: bad id {number}", ATTEMPT_HEADER: 6},
        )

    listing = hardship_dlq(rabbit_config, "list")

    assert listing.returncode == 0, listing.stderr
    assert number not in listing.stdout
    assert "bad id 110105********1234" in listing.stdout and "第 6 次失败后停放" in listing.stdout


def test_the_command_refuses_an_unknown_queue_and_an_unknown_event(rabbit_config):
    unknown_queue = hardship_dlq(rabbit_config, "replay", "--queue", "no-such-queue")
    unknown_event = hardship_dlq(rabbit_config, "replay", "--event-id", "c" * 32)
    empty = hardship_dlq(rabbit_config, "list")

    assert (unknown_queue.returncode, unknown_queue.stderr.strip()) == (2, "没有服务消费这个队列：no-such-queue")
    assert unknown_event.returncode == 1 and f"停放队列里没有事件 {'c' * 32}" in unknown_event.stderr
    assert (empty.returncode, empty.stdout.strip()) == (0, "停放队列是空的。")


def test_a_replay_to_a_queue_that_is_gone_keeps_the_event_until_its_service_is_back(rabbit_config):
    queue = "evt-registry-worker_registered--absent.on_worker_registered"
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.channel()
        parking_queue(queue)(channel).declare()
        Producer(channel, exchange=Exchange("")).publish(
            {"event_id": "e" * 32},
            routing_key=f"{queue}.parking",
            delivery_mode=2,
            headers={REASON_HEADER: "handler failed", ATTEMPT_HEADER: 3},
        )

    [replayed] = replay(rabbit_config["AMQP_URI"], queues={queue: "worker_registered"})

    assert replayed.event_id == "e" * 32
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.channel()
        assert channel.queue_declare(queue, passive=True).message_count == 1
        assert channel.queue_declare(f"{queue}.parking", passive=True).message_count == 0
