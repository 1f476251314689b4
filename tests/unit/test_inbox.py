"""The inbox's handle_once: a handler that fails leaves no transaction open behind it."""

import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.orm import Session

from shared.db import make_engine
from shared.inbox import handle_once, inbox_table

metadata = MetaData()
inbox = inbox_table(metadata)


class Handler:
    def __init__(self, db):
        self.db = db

    @handle_once(inbox)
    def on_event(self, event):
        raise LookupError("union unit not learnt yet")  # retried later, as aid does for a unit it has not heard of


def test_a_failed_handler_releases_sqlites_write_lock_before_its_retry_is_published(tmp_path):
    """nameko publishes the retry before the worker's session is closed: meanwhile another handler of the same process
    must be able to write at once, not wait in the driver for the inbox row's lock."""
    path = tmp_path / "aid.db"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with Session(engine) as session:
        with pytest.raises(LookupError):
            Handler(session).on_event(SimpleNamespace(event_id="e1"))

        other = sqlite3.connect(path, timeout=0)  # no waiting: a lock still held fails the write at once
        other.execute("INSERT INTO inbox VALUES ('e2', 'other', '2026-12-04 00:00:00')")
        other.commit()
        other.close()
        assert session.execute(text("SELECT handler FROM inbox")).scalars().all() == ["other"]
    engine.dispose()
