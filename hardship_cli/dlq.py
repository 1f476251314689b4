"""The parking queues (`<queue>.parking`): what was parked, and putting it back on its queue.

Listing takes each parked message without acknowledging it and closes the channel, which hands
them all back in place. Replaying publishes a message to its original queue (with confirms) and
only then acknowledges the parked copy, so a crash in between replays it twice rather than never;
the handler's inbox (or the message's own key) takes it once. A replayed message starts its retries
afresh, and one that fails again is parked again.
"""

import json
from dataclasses import dataclass

from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Producer, Queue

from hardship_cli.services import service_class
from shared.config import SERVICES, setting
from shared.masking import scrub
from shared.retry import ATTEMPT_HEADER, REASON_HEADER, parking_queue
from shared.topology import consumer_queues, queue_arguments

PARKING_HEADERS = (ATTEMPT_HEADER, REASON_HEADER, "x-parked-at", "x-original-queue")


@dataclass(frozen=True)
class Parked:
    queue: str  # the original queue, where a replay sends it
    event_type: str
    event_id: str | None
    parked_at: str | None
    reason: str | None
    attempts: int | None


def watched_queues(service_classes=None) -> dict[str, str]:
    """Every event consumer's queue of these services (by default all of ours), with the event type it takes."""
    classes = service_classes or [service_class(name) for name in SERVICES]
    return {queue.name: queue.routing_key for cls in classes for queue in consumer_queues(cls)}


def original_queue(name: str) -> str:
    return name.removesuffix(".parking")


def _parked(queue: str, event_type: str, message) -> Parked:
    headers = message.headers or {}
    try:
        payload = json.loads(message.body)
    except ValueError:
        payload = None
    event_id = payload.get("event_id") if isinstance(payload, dict) else None
    reason = headers.get(REASON_HEADER)
    return Parked(
        queue=queue,
        event_type=event_type,
        event_id=scrub(str(event_id)) if event_id else None,
        parked_at=headers.get("x-parked-at"),
        reason=scrub(str(reason)) if reason else None,
        attempts=headers.get(ATTEMPT_HEADER),
    )


def _waiting(connection, queue: str) -> int:
    """How many messages wait in `queue`'s parking queue (none when it was never created)."""
    channel = connection.channel()
    try:
        return channel.queue_declare(parking_queue(queue).name, passive=True).message_count
    except NotFound:  # the broker closes the channel
        return 0
    finally:
        if channel.is_open:
            channel.close()


def _take(connection, queue: str, handle) -> None:
    """Hand each message now parked for `queue` to `handle(channel, message)`; whatever it leaves
    unacknowledged goes back to the parking queue when the channel closes."""
    count = _waiting(connection, queue)
    if not count:
        return
    channel = connection.channel()
    try:
        for _ in range(count):
            message = channel.basic_get(parking_queue(queue).name, no_ack=False)
            if message is None:
                break
            handle(channel, message)
    finally:
        channel.close()


def list_parked(amqp_uri: str | None = None, queues: dict[str, str] | None = None) -> list[Parked]:
    queues = queues or watched_queues()
    found: list[Parked] = []
    with Connection(amqp_uri or setting("AMQP_URI"), connect_timeout=5) as connection:
        for queue, event_type in sorted(queues.items()):
            _take(
                connection,
                queue,
                lambda _channel, message, queue=queue, event_type=event_type: found.append(
                    _parked(queue, event_type, message)
                ),
            )
    return found


def replay(
    amqp_uri: str | None = None,
    queue: str | None = None,
    event_id: str | None = None,
    queues: dict[str, str] | None = None,
) -> list[Parked]:
    """Put parked messages back on their queues (those of `queue`, or the one event `event_id`, or all)."""
    queues = queues or watched_queues()
    if queue is not None:
        queue = original_queue(queue)
        if queue not in queues:
            raise ValueError(f"没有服务消费这个队列：{queue}")
        queues = {queue: queues[queue]}
    replayed: list[Parked] = []
    uri = amqp_uri or setting("AMQP_URI")
    with Connection(uri, connect_timeout=5, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.channel(), exchange=Exchange(""))
        for name, event_type in sorted(queues.items()):

            def back_to_queue(channel, message, name=name, event_type=event_type):
                parked = _parked(name, event_type, message)
                if event_id is not None and parked.event_id != event_id:
                    return
                headers = {key: value for key, value in (message.headers or {}).items() if key not in PARKING_HEADERS}
                # declared first (as the consumer declares it): the broker would confirm, then drop, a message
                # for a queue that is gone; this way it waits there until its service starts again
                producer.publish(
                    message.body,
                    routing_key=name,
                    headers=headers,
                    delivery_mode=2,
                    content_type=message.content_type,
                    content_encoding=message.content_encoding,
                    declare=[Queue(name, durable=True, auto_delete=False, queue_arguments=queue_arguments())],
                )
                channel.basic_ack(message.delivery_tag)
                replayed.append(parked)

            _take(connection, name, back_to_queue)
    return replayed
