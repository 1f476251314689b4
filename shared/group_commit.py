"""Group commit: rows that concurrent workers insert (or skip, when their key exists) go in one transaction.

A worker hands its row over and waits until the transaction holding it has committed, so its event
is still acknowledged only after the row is durable. Committing many rows at once is what makes a
high event rate affordable; a row the database refuses is retried on its own, so it cannot take the
rows that shared its batch down with it.
"""
import eventlet
from eventlet.event import Event
from eventlet.queue import LightQueue
from nameko.extensions import DependencyProvider
from sqlalchemy import Table
from sqlalchemy.orm import sessionmaker

from shared.db import db_url, insert_many, make_engine


class GroupCommitInserts(DependencyProvider):
    """`self.<name>(row)` inserts `row` into `table` unless its key exists, and returns once that is committed."""

    def __init__(self, service: str, table: Table):
        self.service = service
        self.table = table

    def setup(self):
        self.engine = make_engine(db_url(self.service, self.container.config))
        self.sessions = sessionmaker(self.engine)
        self.waiting = LightQueue()
        self.running = False

    def start(self):
        self.running = True
        self.thread = self.container.spawn_managed_thread(self._run, identifier=f"{self.service}.group_commit")

    def stop(self):
        self.running = False
        self.waiting.put(None)
        self.thread.wait()
        self.engine.dispose()

    def kill(self):
        self.thread.kill()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.insert

    def insert(self, row: dict) -> None:
        done = Event()
        self.waiting.put((row, done))
        done.wait()

    def _run(self):
        while self.running:
            first = self.waiting.get()
            if first is None:
                continue
            batch = [first]
            while not self.waiting.empty():
                item = self.waiting.get_nowait()
                if item is not None:
                    batch.append(item)
            self._write(batch)
            eventlet.sleep(0)

    def _write(self, batch: list) -> None:
        try:
            with self.sessions() as session:
                insert_many(session, self.table, [row for row, _ in batch], skip_existing=True)
                session.commit()
        except Exception as exc:  # one refused row must not fail the others: write each on its own
            if len(batch) > 1:
                for item in batch:
                    self._write([item])
                return
            batch[0][1].send_exception(exc)
            return
        for _, done in batch:
            done.send(None)
