"""The transactional outbox: events are written with the change that caused them, then relayed.

A service writes its events into its own `outbox` table in the same transaction as the change. The
relay publishes unpublished rows in id order with publisher confirms and only then marks them
published, so a crash anywhere between the commit and the mark re-sends rather than loses (consumers
drop the repeat through their inbox).
"""

import logging

import eventlet
import orjson
from eventlet.queue import Empty, LightQueue
from nameko.extensions import DependencyProvider
from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, select, text, update

from shared.bus import ConfirmingPublisher
from shared.config import setting
from shared.db import EVENTS_WRITTEN, Database, UtcDateTime, db_url, insert_many, make_engine
from shared.events import exchange_name, now_utc

log = logging.getLogger(__name__)
BATCH_SIZE = 1000
# Woken by a commit, the relay waits this long for the commits just behind it: under load it then publishes
# dozens of events in one confirmed write instead of a few, for 20 ms more latency.
GATHER_SECONDS = 0.02


def outbox_table(metadata) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(32), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("published_at", UtcDateTime),
        Index(
            "ix_outbox_unpublished",
            "id",
            sqlite_where=text("published_at IS NULL"),
            postgresql_where=text("published_at IS NULL"),
        ),
    )


def add_events(session, outbox: Table, events) -> None:
    """Queue (event_type, payload) pairs in the caller's transaction."""
    created_at = now_utc()
    rows = [
        {
            "event_id": payload["event_id"],
            "event_type": event_type,
            "payload": orjson.dumps(payload).decode(),
            "created_at": created_at,
        }
        for event_type, payload in events
    ]
    insert_many(session, outbox, rows)
    session.info[EVENTS_WRITTEN] = True


def relay_batch(connection, outbox: Table, publisher: ConfirmingPublisher, exchange: str) -> int:
    """Publish one batch of unpublished events; returns how many went out."""
    rows = connection.execute(
        select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.payload)
        .where(outbox.c.published_at.is_(None))
        .order_by(outbox.c.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        connection.rollback()
        return 0
    if connection.dialect.name == "sqlite":
        # End the read before the network wait: a SQLite snapshot kept open while other writers commit
        # could not become the write below. PostgreSQL keeps its row locks so relays never share a batch.
        connection.rollback()
    # rows unpacked as plain tuples: looking each column up by name costs more than publishing it
    publisher.publish(exchange, [(event_type, payload.encode(), event_id) for _, event_id, event_type, payload in rows])
    ids = [row[0] for row in rows]
    # rows usually follow one another: a range is far cheaper to state than a thousand ids, and a range
    # with no gaps holds exactly these rows
    sent = outbox.c.id.between(ids[0], ids[-1]) if ids[-1] - ids[0] + 1 == len(ids) else outbox.c.id.in_(ids)
    connection.execute(update(outbox).where(sent).values(published_at=now_utc()))
    connection.commit()
    return len(rows)


class OutboxRelay(DependencyProvider):
    """Runs the relay loop inside the service; a worker that wrote events wakes it as it ends."""

    def __init__(self, service: str, outbox: Table):
        self.service = service
        self.outbox = outbox
        self._wake = LightQueue(maxsize=1)
        self._running = False
        self._thread = None

    def setup(self):
        config = self.container.config
        self.engine = make_engine(db_url(self.service, config), config)
        self.publisher = ConfirmingPublisher(setting("AMQP_URI", config))
        self.poll_seconds = float(setting("OUTBOX_POLL_SECONDS", config))
        for dependency in self.container.dependencies:
            if isinstance(dependency, Database) and dependency.service == self.service:
                dependency.after_events.append(self.nudge)

    def start(self):
        self._running = True
        self._thread = self.container.spawn_managed_thread(self._run, identifier=f"{self.service}.outbox_relay")

    def stop(self):
        self._running = False
        self.nudge()
        if self._thread is not None:
            self._thread.wait()
        self.publisher.close()
        self.engine.dispose()

    def kill(self):
        self._running = False
        if self._thread is not None:
            self._thread.kill()
        self.publisher.close()

    def nudge(self):
        if self._wake.empty():
            try:
                self._wake.put_nowait(True)
            except eventlet.queue.Full:
                pass

    def get_dependency(self, worker_ctx):
        return self.nudge

    def _run(self):
        failures = 0
        while self._running:
            try:
                with self.engine.connect() as connection:
                    sent = relay_batch(connection, self.outbox, self.publisher, exchange_name(self.service))
                failures = 0
            except Exception as exc:  # broker or database down: keep the rows, back off, try again
                failures += 1
                log.warning("outbox relay of %s failed (%s: %s); retrying", self.service, type(exc).__name__, exc)
                sent = 0
                eventlet.sleep(min(30.0, 0.5 * 2 ** min(failures, 6)))
                continue
            if sent < BATCH_SIZE:
                try:
                    self._wake.get(timeout=self.poll_seconds)
                except Empty:
                    continue
                eventlet.sleep(GATHER_SECONDS)
