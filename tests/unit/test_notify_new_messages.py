"""notify's new messages: a batch whose recording fails leaves no write lock behind it (see test_inbox.py)."""

import sqlite3
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify import messages, worker_moves
from services.notify.models import metadata
from shared.db import make_engine
from shared.events import new_id

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def a_message() -> dict:
    event = SimpleNamespace(application_id=new_id(), worker_id=new_id(), org_unit_id=None)
    rendered = SimpleNamespace(template="submitted", params={}, text="【工会帮扶】您的申请已受理", segments=1)
    return messages.new_message(event, rendered, NOW, NOW)


def test_a_batch_whose_recording_fails_is_rolled_back_before_the_error_leaves(tmp_path, monkeypatch):
    """The events' retry is published while the worker's session is still open: meanwhile another handler of the same
    process must be able to write at once."""
    path = tmp_path / "notify.db"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)

    def unit_not_learnt(session, worker_ids):
        raise LookupError("unit not learnt yet")

    monkeypatch.setattr(worker_moves, "settle", unit_not_learnt)
    with Session(engine) as session:
        with pytest.raises(LookupError):
            messages.add_new(session, [a_message()])

        other = sqlite3.connect(path, timeout=0)  # no waiting: a lock still held fails the write at once
        other.execute("UPDATE messages SET attempts = 1")
        other.commit()
        other.close()
        assert session.execute(select(messages.messages.c.notification_id)).all() == []
    engine.dispose()
