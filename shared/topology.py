"""Deploy-time declaration of every event consumer's queue, so no event is published before its queue exists.

nameko declares a handler's queue when the service starts; an event published earlier (say, a
worker filed while the aid service is still down) would be dropped by the broker. Declaring the
same durable queues with the same bindings at migrate time closes that gap.
"""

from kombu import Connection, Exchange, Queue
from nameko.events import EventHandler
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from shared.config import setting
from shared.events import exchange_name

QUEUE_TYPES = ("classic", "quorum")


def queue_arguments(config=None) -> dict | None:
    """What every durable queue of ours is declared with: nothing for classic queues (as they always were, so the
    existing ones still match), x-queue-type for quorum queues (replicated over a RabbitMQ >= 3.8 cluster)."""
    queue_type = setting("QUEUE_TYPE", config)
    if queue_type not in QUEUE_TYPES:
        raise ValueError(f"QUEUE_TYPE must be one of {', '.join(QUEUE_TYPES)}, not {queue_type!r}")
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else None


def consumer_queues(service_cls, config=None) -> list[Queue]:
    """The queues nameko's event handlers of this class will consume, named, bound and typed as they declare them."""
    queues = []
    for method_name in dir(service_cls):
        for entrypoint in getattr(getattr(service_cls, method_name), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler):
                exchange = Exchange(exchange_name(entrypoint.source_service), type="topic", durable=True)
                queues.append(
                    Queue(
                        f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service_cls.name}.{method_name}",
                        exchange=exchange,
                        routing_key=entrypoint.event_type,
                        durable=True,
                        auto_delete=False,
                        queue_arguments=queue_arguments(config),
                    )
                )
    return queues


def declare_consumer_queues(service_classes, config=None) -> list[str]:
    queues = [queue for service_cls in service_classes for queue in consumer_queues(service_cls, config)]
    with Connection(setting("AMQP_URI", config), connect_timeout=5) as connection:
        channel = connection.channel()
        for queue in queues:
            queue(channel).declare()
    return [queue.name for queue in queues]
