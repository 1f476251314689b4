"""Malformed events on the services' queues: each must be parked with its reason, and nothing else harmed."""

from kombu import Connection, Exchange, Producer

from shared.events import new_id


def inject(amqp_uri: str) -> list[str]:
    """Publishes three poison events; returns the event ids to recognise them by ("" for one that has none)."""
    unrenderable = {"event_id": new_id(), "application_id": "0" * 32}  # notify cannot write its SMS
    no_event_id = {"worker_id": "0" * 32, "status": "exited"}  # aid's inbox needs an event_id
    with Connection(amqp_uri, connect_timeout=10) as connection:
        channel = connection.channel()
        aid = Producer(channel, exchange=Exchange("aid.events", type="topic", durable=True))
        registry = Producer(channel, exchange=Exchange("registry.events", type="topic", durable=True))
        aid.publish(unrenderable, routing_key="application_disbursed", serializer="json", delivery_mode=2)
        registry.publish(no_event_id, routing_key="worker_status_changed", serializer="json", delivery_mode=2)
        aid.publish(
            b"{not json",
            routing_key="application_submitted",
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
        )
    return [unrenderable["event_id"], "", ""]
