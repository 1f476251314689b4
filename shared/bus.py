"""Publishing batches of events with publisher confirms, over the same AMQP client nameko uses."""
import time

import amqp
from kombu import Connection


class PublishFailed(Exception):
    pass


class ConfirmingPublisher:
    """Publishes many persistent messages, then waits once for the broker to confirm them all."""

    confirm_timeout = 30.0

    def __init__(self, amqp_uri: str, heartbeat: int = 0):
        self.amqp_uri = amqp_uri
        self.heartbeat = heartbeat
        self._connection = None
        self._channel = None
        self._declared: set[str] = set()

    def _open(self):
        if self._channel is None:
            self._connection = Connection(self.amqp_uri, heartbeat=self.heartbeat, connect_timeout=5)
            self._connection.connect()
            self._channel = self._connection.channel()
            self._channel.confirm_select()
            self._published = 0
            self._confirmed = 0
            self._rejected = False
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._declared.clear()
        return self._channel

    def _on_ack(self, delivery_tag, multiple):
        self._confirmed = max(self._confirmed, delivery_tag)

    def _on_nack(self, delivery_tag, multiple):
        self._rejected = True
        self._confirmed = max(self._confirmed, delivery_tag)

    def publish(self, exchange: str, messages) -> None:
        """messages: (routing_key, body bytes, message_id) tuples. Raises unless the broker took them all."""
        try:
            channel = self._open()
            if exchange not in self._declared:
                channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
                self._declared.add(exchange)
            for routing_key, body, message_id in messages:
                message = amqp.Message(
                    body, content_type="application/json", content_encoding="utf-8",
                    delivery_mode=2, message_id=message_id,
                )
                channel.basic_publish(message, exchange=exchange, routing_key=routing_key)
                self._published += 1
            self._wait_for_confirms()
        except Exception:
            self.close()
            raise

    def _wait_for_confirms(self):
        deadline = time.monotonic() + self.confirm_timeout
        while self._confirmed < self._published:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed("broker did not confirm the batch in time")
            self._connection.drain_events(timeout=remaining)
        if self._rejected:
            raise PublishFailed("broker rejected part of the batch")

    def close(self):
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # the connection is being thrown away either way
                pass
        self._connection = None
        self._channel = None
