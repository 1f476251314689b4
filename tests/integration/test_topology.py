"""Consumer queues declared at deploy time catch events published before the consumer first starts."""
from kombu import Connection, Exchange, Producer

from shared.events import envelope
from shared.topology import consumer_queues, declare_consumer_queues
from services.aid.service import AidService
from tests.fakes import recorder
from tests.integration.conftest import handled_count, wait_until


def test_the_aid_service_consumes_worker_status_changes():
    assert [(queue.name, queue.exchange.name, queue.routing_key) for queue in consumer_queues(AidService)] == [
        ("evt-registry-worker_status_changed--aid.on_worker_status_changed", "registry.events", "worker_status_changed"),
    ]


def test_an_event_published_before_its_consumer_ever_ran_is_handled(config, runner_factory, recorder_db):
    declared = declare_consumer_queues([recorder.Recorder], config)
    event = envelope(worker_id="e" * 32, category="deep", union="测试工会", status="active")
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(connection.default_channel, exchange=Exchange("registry.events", type="topic", durable=True))
        producer.publish(event, routing_key="worker_registered", serializer="json", delivery_mode=2)

    runner_factory(config, recorder.Recorder).start()

    assert "evt-registry-worker_registered--recorder.on_worker_registered" in declared
    wait_until(lambda: handled_count(recorder_db, event["worker_id"]) == 1)
