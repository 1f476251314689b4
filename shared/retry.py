"""Event handlers that retry with backoff, then park the message instead of dropping it.

nameko acks and drops an event whose handler raised (or hot-loops it with requeue_on_error). Here a
failed event is republished to a delay queue whose TTL dead-letters it back to the handler's queue;
after the last delay it goes to `<queue>.parking` with the reason, where operators can inspect and
replay it. An event whose body cannot even be decoded (kombu logs and acks those, so they vanish)
is parked at once: no retry would make it readable.
"""

import functools
import logging
import traceback

from kombu import Queue
from nameko.amqp.publish import Publisher
from nameko.events import EventHandler
from nameko.messaging import QueueConsumer

from shared import (
    broker_acks,  # noqa: F401  (acks that survive a lost connection)
    request_ids,
)
from shared.config import retry_delays, setting
from shared.event_types import reader
from shared.events import now_utc
from shared.masking import scrub
from shared.topology import queue_arguments

log = logging.getLogger(__name__)
ATTEMPT_HEADER = "x-hardship-attempt"
REASON_HEADER = "x-parking-reason"


def retry_queue(queue_name: str, attempt: int, delay_seconds: float, config=None) -> Queue:
    return Queue(
        f"{queue_name}.retry.{attempt}",
        durable=True,
        queue_arguments={
            "x-message-ttl": max(1, int(delay_seconds * 1000)),
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queue_name,
            **(queue_arguments(config) or {}),
        },
    )


def parking_queue(queue_name: str, config=None) -> Queue:
    return Queue(f"{queue_name}.parking", durable=True, queue_arguments=queue_arguments(config))


def failure_reason(exc_info) -> str:
    exc_type, exc, _tb = exc_info
    origin = traceback.extract_tb(exc_info[2])[-1] if exc_info[2] else None
    where = f" at {origin.filename.rsplit('/', 1)[-1]}:{origin.lineno}" if origin else ""
    return scrub(f"{exc_type.__name__}: {exc}{where}")[:1000]


class ReliableEventHandler(EventHandler):
    @classmethod
    def decorator(cls, source_service: str, event_type: str, **kwargs):
        """`@reliable_event_handler(source, type)`: the method is given the event read through its schema
        (shared.event_types), never the raw payload. A payload its schema refuses fails the worker like any
        other error: retried, then parked."""
        register = super().decorator(source_service, event_type, **kwargs)
        read = reader(source_service, event_type)
        return lambda method: register(cls.reading(read, method))

    @staticmethod
    def reading(read, method):
        @functools.wraps(method)
        def handler(service, payload):
            return method(service, read(payload))

        return handler

    def setup(self):
        super().setup()
        config = self.container.config
        self.queue.queue_arguments = queue_arguments(config)
        self.delays = retry_delays(config)
        self.publisher = Publisher(setting("AMQP_URI", config), use_confirms=True, serializer="json")
        self.retry_queues = [retry_queue(self.queue.name, n, d, config) for n, d in enumerate(self.delays, 1)]
        self.parking = parking_queue(self.queue.name, config)

    def unpack_message_headers(self, message):
        """The worker's context data: the message headers, and the request id the event carries."""
        context_data = super().unpack_message_headers(message)
        payload = message.payload
        if isinstance(payload, dict) and payload.get(request_ids.CONTEXT_KEY):
            context_data[request_ids.CONTEXT_KEY] = payload[request_ids.CONTEXT_KEY]
        return context_data

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return result, exc_info
        try:
            self._reroute_failed(message, exc_info)
        except Exception:
            log.exception("could not reroute failed event on %s; requeueing it", self.queue.name)
            self.queue_consumer.requeue_message(message)
        else:
            self.queue_consumer.ack_message(message)
        return result, exc_info

    def _reroute_failed(self, message, exc_info):
        attempt = int(message.headers.get(ATTEMPT_HEADER, 0)) + 1
        headers = {**message.headers, ATTEMPT_HEADER: attempt}
        reason = failure_reason(exc_info)
        if attempt <= len(self.retry_queues):
            target = self.retry_queues[attempt - 1]
            log.warning("event on %s failed (attempt %d, %s); retrying", self.queue.name, attempt, reason)
        else:
            target = self.parking
            headers.update(self._parking_headers(reason))
            log.error("event on %s failed %d times (%s); parked in %s", self.queue.name, attempt, reason, target.name)
        self.publisher.publish(
            message.payload,
            exchange="",
            routing_key=target.name,
            declare=[target],
            headers=headers,
        )

    def _parking_headers(self, reason: str) -> dict:
        return {REASON_HEADER: reason, "x-parked-at": now_utc().isoformat(), "x-original-queue": self.queue.name}

    def park_undecodable(self, message, exc) -> None:
        reason = scrub(f"{type(exc).__name__}: {exc}")[:1000]
        headers = {**(message.headers or {}), ATTEMPT_HEADER: 1, **self._parking_headers(reason)}
        try:
            self.publisher.publish(
                message.body,
                exchange="",
                routing_key=self.parking.name,
                declare=[self.parking],
                headers=headers,
                content_type=message.content_type or "application/octet-stream",
                content_encoding=message.content_encoding or "binary",
            )
        except Exception:
            log.exception("could not park an undecodable event from %s; requeueing it", self.queue.name)
            message.requeue()
            return
        log.error("event on %s cannot be decoded (%s); parked in %s", self.queue.name, reason, self.parking.name)
        message.ack()


def _on_decode_error(queue_consumer, message, exc):
    """kombu's callback for a body it cannot decode, on nameko's consumer: park it when a reliable
    handler consumes that queue (RPC requests keep kombu's way: logged and dropped, nobody to answer)."""
    tag = message.delivery_info.get("consumer_tag")
    for provider, consumer in list(queue_consumer._consumers.items()):
        if isinstance(provider, ReliableEventHandler) and tag in consumer._active_tags.values():
            provider.park_undecodable(message, exc)
            return
    _kombu_on_decode_error(queue_consumer, message, exc)


_kombu_on_decode_error = QueueConsumer.on_decode_error
QueueConsumer.on_decode_error = _on_decode_error
reliable_event_handler = ReliableEventHandler.decorator
