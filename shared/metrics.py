"""A backend service's figures for the gateway's /metrics, as Prometheus exposition text.

The whole system's figures go to Prometheus and the root's users; a unit's users get only the service's figures of
records (`extra`), counted among those its scope rule keeps (`within`): the outbox, inbox and parking figures are the
whole system's and cannot be told apart by unit, so they are left out for them.

Most figures are read from the service's database and from the broker when asked (outbox backlog,
events relayed, events handled, parked messages, and whatever the service adds), so every instance
of a service gives the same answer and running several changes nothing. The few only a process can
know (redeliveries its inbox dropped) carry a `process` label, host:pid.
"""

import functools
import logging
import os
import socket

from amqp.exceptions import NotFound
from kombu import Connection
from nameko.extensions import DependencyProvider
from prometheus_client import CollectorRegistry, Counter, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select, true

from shared.config import setting
from shared.retry import parking_queue
from shared.topology import consumer_queues

log = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 3
disable_created_metrics()  # the `_created` series double every counter for nothing a dashboard uses


class Families:
    """A collector that yields metric families made beforehand."""

    def __init__(self, families):
        self.families = list(families)

    def collect(self):
        return iter(self.families)


def exposition(*collectors) -> str:
    registry = CollectorRegistry(auto_describe=False)
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry).decode()


class ProcessCounters:
    """What only this process knows, for one service (every container of it in the process shares them)."""

    def __init__(self):
        self.registry = CollectorRegistry()
        self.process = f"{socket.gethostname()}:{os.getpid()}"
        self._duplicates = Counter(
            "hardship_inbox_duplicates_dropped",
            "Redelivered events an inbox dropped, in this process",
            ["handler", "process"],
            registry=self.registry,
        )

    def duplicate_dropped(self, handler: str) -> None:
        self._duplicates.labels(handler, self.process).inc()


@functools.cache
def process_counters(service: str) -> ProcessCounters:
    return ProcessCounters()


def count(session, statement) -> int:
    return session.execute(statement).scalar_one()


def outbox_figures(session, outbox):
    unpublished = GaugeMetricFamily("hardship_outbox_unpublished", "Events written but not yet relayed to the bus")
    unpublished.add_metric([], count(session, select(func.count()).where(outbox.c.published_at.is_(None))))
    relayed = CounterMetricFamily("hardship_events_relayed", "Events the outbox relay has published")
    relayed.add_metric([], count(session, select(func.count()).where(outbox.c.published_at.is_not(None))))
    return [unpublished, relayed]


def inbox_figures(session, inbox):
    handled = CounterMetricFamily("hardship_inbox_handled", "Events the service's inbox has taken, once each")
    handled.add_metric([], count(session, select(func.count()).select_from(inbox)))
    return [handled]


def parked_figures(amqp_uri: str, queue_names):
    """Messages waiting in each parking queue (a queue never created has none)."""
    parked = GaugeMetricFamily("hardship_parked_messages", "Events parked after their last retry", labels=["queue"])
    with Connection(amqp_uri, connect_timeout=BROKER_TIMEOUT_SECONDS) as connection:
        for name in queue_names:
            channel = connection.channel()
            try:
                parked.add_metric([name], channel.queue_declare(name, passive=True).message_count)
            except NotFound:  # the broker closes the channel: the next queue gets a new one
                parked.add_metric([name], 0)
            else:
                channel.close()
    return [parked]


class ServiceFigures(DependencyProvider):
    """`self.<name>.everything(session)` is the service's exposition text, `self.<name>.within(session, seen)` a unit's
    users'; `extra(session, seen)` gives its own families of records, counted among those the condition `seen` keeps."""

    def __init__(self, service: str, outbox=None, inbox=None, extra=None):
        self.service = service
        self.outbox = outbox
        self.inbox = inbox
        self.extra = extra

    def setup(self):
        self.amqp_uri = setting("AMQP_URI", self.container.config)
        self.parking_queues = [parking_queue(queue.name).name for queue in consumer_queues(self.container.service_cls)]

    def get_dependency(self, worker_ctx):
        return self

    def everything(self, session) -> str:
        families = []
        if self.outbox is not None:
            families += outbox_figures(session, self.outbox)
        if self.inbox is not None:
            families += inbox_figures(session, self.inbox)
        if self.extra is not None:
            families += self.extra(session, true())
        session.rollback()
        if self.parking_queues:
            try:
                families += parked_figures(self.amqp_uri, self.parking_queues)
            except Exception as exc:  # the broker's figures are left out; the database's still count
                log.warning("could not count parked messages (%s: %s)", type(exc).__name__, exc)
        return exposition(Families(families), process_counters(self.service).registry)

    def within(self, session, seen) -> str:
        """The figures of the records the scope rule's condition `seen` keeps, and nothing else."""
        families = self.extra(session, seen) if self.extra is not None else []
        session.rollback()
        return exposition(Families(families))
