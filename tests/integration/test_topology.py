"""Consumer queues declared at deploy time catch events published before the consumer first starts; every durable
queue can be a quorum queue (QUEUE_TYPE)."""

from urllib.parse import quote, urlparse

import pytest
import requests
from kombu import Connection, Exchange, Producer
from nameko.standalone.rpc import ServiceRpcProxy

from services.aid.service import AidService
from services.registry.service import RegistryService
from shared.retry import ATTEMPT_HEADER, parking_queue
from shared.topology import consumer_queues, declare_consumer_queues, queue_arguments
from tests.e2e.builders import valid_worker as worker_body
from tests.fakes import recorder
from tests.fakes.events import sample
from tests.fakes.unions import ROOT_SCOPE
from tests.integration.cluster import BROKER_LOGIN, MANAGEMENT_API
from tests.integration.conftest import get_parked, handled_count, wait_until


@pytest.fixture
def db_backend():
    """Properties of the broker, not of the database."""
    return "sqlite"


def test_the_aid_service_consumes_worker_changes_and_the_union_units():
    assert [(queue.name, queue.exchange.name, queue.routing_key) for queue in consumer_queues(AidService)] == [
        ("evt-registry-org_unit_created--aid.on_org_unit_created", "registry.events", "org_unit_created"),
        ("evt-registry-org_unit_updated--aid.on_org_unit_updated", "registry.events", "org_unit_updated"),
        (
            "evt-registry-worker_status_changed--aid.on_worker_status_changed",
            "registry.events",
            "worker_status_changed",
        ),
        ("evt-registry-worker_updated--aid.on_worker_updated", "registry.events", "worker_updated"),
    ]


def test_an_event_published_before_its_consumer_ever_ran_is_handled(config, runner_factory, recorder_db):
    declared = declare_consumer_queues([recorder.Recorder], config)
    event = sample("worker_registered", worker_id="e" * 32)
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(
            connection.default_channel, exchange=Exchange("registry.events", type="topic", durable=True)
        )
        producer.publish(event, routing_key="worker_registered", serializer="json", delivery_mode=2)

    runner_factory(config, recorder.Recorder).start()

    assert "evt-registry-worker_registered--recorder.on_worker_registered" in declared
    wait_until(lambda: handled_count(recorder_db, event["worker_id"]) == 1)


def queue_types(amqp_uri: str) -> dict[str, str]:
    vhost = quote(urlparse(amqp_uri).path.lstrip("/"), safe="")
    response = requests.get(f"{MANAGEMENT_API}/queues/{vhost}", auth=BROKER_LOGIN, timeout=5)
    response.raise_for_status()
    return {queue["name"]: queue["type"] for queue in response.json()}


def test_with_quorum_queues_calls_are_answered_and_events_handled_retried_and_parked(
    config, runner_factory, recorder_db
):
    quorum = {**config, "QUEUE_TYPE": "quorum"}
    declared = declare_consumer_queues([recorder.Recorder, recorder.AlwaysFails], quorum)
    runner_factory(quorum, RegistryService, recorder.Recorder, recorder.AlwaysFails).start()

    with ServiceRpcProxy("registry", quorum) as registry:
        worker = registry.register_worker(worker_body(), "test", ROOT_SCOPE)
    wait_until(lambda: handled_count(recorder_db, worker["worker_id"]) == 1)
    failing = "evt-registry-worker_registered--failing.on_worker_registered"
    parked = get_parked(config["AMQP_URI"], parking_queue(failing, quorum))
    assert parked.payload["worker_id"] == worker["worker_id"] and parked.headers[ATTEMPT_HEADER] == 3

    types = queue_types(config["AMQP_URI"])
    ours = {name: kind for name, kind in types.items() if not name.startswith("rpc.reply-")}
    assert {"rpc-registry", *declared, f"{failing}.retry.1", f"{failing}.retry.2", f"{failing}.parking"} <= set(ours)
    assert set(ours.values()) == {"quorum"}, ours
    assert {kind for name, kind in types.items() if name.startswith("rpc.reply-")} == {"classic"}


def test_queues_are_classic_unless_told_otherwise_and_an_unknown_type_is_refused():
    assert queue_arguments({}) is None
    assert queue_arguments({"QUEUE_TYPE": "quorum"}) == {"x-queue-type": "quorum"}
    with pytest.raises(ValueError, match="QUEUE_TYPE"):
        queue_arguments({"QUEUE_TYPE": "stream"})
