"""Publishing batches of events with publisher confirms, over the same AMQP client nameko uses.

py-amqp writes every message with its own socket call and checks the socket after each, which
caps a relay at a few thousand messages a second. Here a batch's frames are encoded once, written
in a single call, and confirmed together: the broker's confirms, not the client, set the pace.
"""

import struct
import time

from kombu import Connection

BASIC_CLASS = 60
BASIC_PUBLISH = 40
FRAME_END = b"\xce"
METHOD_FRAME, HEADER_FRAME, BODY_FRAME = 1, 2, 3
# Basic property flags: content-type, content-encoding, delivery-mode, message-id.
PROPERTY_FLAGS = (1 << 15) | (1 << 14) | (1 << 12) | (1 << 7)
PERSISTENT = 2


class PublishFailed(Exception):
    pass


def _shortstr(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack(">B", len(raw)) + raw


def _frame(kind: int, channel: int, payload: bytes) -> bytes:
    return struct.pack(">BHI", kind, channel, len(payload)) + payload + FRAME_END


def encode_publish(
    channel: int, exchange: str, routing_key: str, body: bytes, message_id: str, frame_max: int
) -> bytes:
    """The frames of one persistent JSON message: Basic.Publish, its content header, its body."""
    method = struct.pack(">HHH", BASIC_CLASS, BASIC_PUBLISH, 0) + _shortstr(exchange) + _shortstr(routing_key) + b"\x00"
    properties = (
        struct.pack(">H", PROPERTY_FLAGS)
        + _shortstr("application/json")
        + _shortstr("utf-8")
        + struct.pack(">B", PERSISTENT)
        + _shortstr(message_id)
    )
    header = struct.pack(">HHQ", BASIC_CLASS, 0, len(body)) + properties
    chunk = frame_max - 8
    bodies = [_frame(BODY_FRAME, channel, body[start : start + chunk]) for start in range(0, len(body), chunk)]
    return b"".join([_frame(METHOD_FRAME, channel, method), _frame(HEADER_FRAME, channel, header), *bodies])


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
            connection = channel.connection  # the AMQP connection the channel runs on
            frames = [
                encode_publish(channel.channel_id, exchange, routing_key, body, message_id, connection.frame_max)
                for routing_key, body, message_id in messages
            ]
            connection.transport.write(b"".join(frames))
            self._published += len(frames)
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
