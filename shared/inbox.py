"""The consumer inbox: each handler takes each event_id once, in the same transaction as its effects."""

import functools
import logging

from sqlalchemy import Column, String, Table

from shared.db import UtcDateTime, insert_or_skip
from shared.events import now_utc
from shared.metrics import process_counters

log = logging.getLogger(__name__)


def inbox_table(metadata) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("event_id", String(32), primary_key=True),
        Column("handler", String(120), primary_key=True),
        Column("handled_at", UtcDateTime, nullable=False),
    )


def claim(session, inbox: Table, event_id: str, handler: str) -> bool:
    """Record the event as handled, in the caller's transaction; False when this handler has already handled it."""
    return insert_or_skip(session, inbox, {"event_id": event_id, "handler": handler, "handled_at": now_utc()})


def handle_once(inbox: Table, db_attribute: str = "db"):
    """Decorate an event handler method so a redelivered event changes nothing.

    The handler does its work on `self.<db_attribute>` without committing; the inbox row and the
    work commit together, so a crash before the commit leaves the event to be handled again.

    A handler that fails has its transaction rolled back before the error leaves it: nameko publishes
    the event's retry (a network wait) before the worker's session is closed, and on SQLite the inbox
    row's write lock held meanwhile made every other handler of the process wait in the driver, which
    no greenthread can interrupt, until its busy timeout failed it too (aid hearing a file's unit
    before the unit itself, as registry 0007 announces them).
    """

    def decorator(method):
        handler_name = method.__qualname__

        @functools.wraps(method)
        def wrapper(self, event):
            session = getattr(self, db_attribute)
            if not claim(session, inbox, event.event_id, handler_name):
                session.rollback()
                process_counters(self.name).duplicate_dropped(handler_name)
                log.debug("%s dropped event %s, handled before", handler_name, event.event_id)
                return None
            try:
                result = method(self, event)
            except Exception:
                session.rollback()
                raise
            session.commit()
            return result

        return wrapper

    return decorator
