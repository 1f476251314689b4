"""The batch publisher against the real broker: every message arrives whole, with its properties."""

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection

from shared.bus import ConfirmingPublisher


@pytest.fixture
def counting_queue(rabbit_config):
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        channel = connection.channel()
        channel.exchange_declare("test.events", "topic", durable=True, auto_delete=False)
        channel.queue_declare("test.count", durable=True, auto_delete=False)
        channel.queue_bind("test.count", "test.events", "#")
    return "test.count"


def drain(amqp_uri: str, queue: str) -> list:
    messages = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            messages.append(message)
    return messages


def test_a_batch_arrives_in_order_with_bodies_larger_than_a_frame(rabbit_config, counting_queue):
    publisher = ConfirmingPublisher(rabbit_config["AMQP_URI"])
    bodies = [f'{{"n": {n}, "名": "事件"}}'.encode() for n in range(2500)]
    bodies[1000] = b'"' + "长".encode() * 150_000 + b'"'  # 450 kB: several body frames

    publisher.publish("test.events", [("worker_registered", body, f"id-{n}") for n, body in enumerate(bodies)])
    publisher.publish("test.events", [("worker_updated", b'{"after": "reconnect-free"}', "id-last")])
    publisher.close()

    messages = drain(rabbit_config["AMQP_URI"], counting_queue)
    # content_encoding utf-8 makes the client hand back text
    assert [message.body for message in messages] == [body.decode() for body in bodies] + [
        '{"after": "reconnect-free"}'
    ]
    assert [message.delivery_info["routing_key"] for message in messages[-2:]] == [
        "worker_registered",
        "worker_updated",
    ]
    assert messages[7].properties == {
        "content_type": "application/json",
        "content_encoding": "utf-8",
        "delivery_mode": 2,
        "message_id": "id-7",
    }


def test_a_refused_batch_raises_and_the_next_one_reconnects(rabbit_config, counting_queue):
    publisher = ConfirmingPublisher(rabbit_config["AMQP_URI"])
    publisher.publish("test.events", [("a", b"1", "m1")])
    with Connection(rabbit_config["AMQP_URI"]) as connection:  # an exchange of another type refuses the redeclare
        connection.channel().exchange_declare("test.direct", "direct", durable=True, auto_delete=False)

    with pytest.raises(PreconditionFailed):  # the exchange exists with another type
        publisher.publish("test.direct", [("a", b"2", "m2")])
    publisher.publish("test.events", [("a", b"3", "m3")])
    publisher.close()

    assert [message.body for message in drain(rabbit_config["AMQP_URI"], counting_queue)] == ["1", "3"]
