"""Consumers of registry events used by the integration tests: one that records, one that always fails."""

from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from shared.db import Database
from shared.inbox import handle_once, inbox_table
from shared.retry import reliable_event_handler

metadata = MetaData()
inbox = inbox_table(metadata)
handled = Table(
    "handled",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False),
    Column("worker_id", String(32), nullable=False),
)
deliveries: list = []  # the events as read
flaky_failures_left = {"count": 0}


class Recorder:
    """Records every delivery in memory, and each event's effect once in its database."""

    name = "recorder"
    db = Database("recorder")

    @reliable_event_handler("registry", "worker_registered")
    def on_worker_registered(self, event):
        deliveries.append(event)
        if flaky_failures_left["count"] > 0:
            flaky_failures_left["count"] -= 1
            raise ConnectionError("downstream not ready yet")
        self.record(event)

    @reliable_event_handler("registry", "worker_updated")
    def on_worker_updated(self, event):
        deliveries.append(event)

    @handle_once(inbox)
    def record(self, event):
        self.db.execute(insert(handled).values(event_id=event.event_id, worker_id=event.worker_id))


class AlwaysFails:
    name = "failing"

    @reliable_event_handler("registry", "worker_registered")
    def on_worker_registered(self, event):
        raise RuntimeError(f"cannot process worker {event.worker_id}")
