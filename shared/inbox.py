"""The consumer inbox: each handler takes each event_id once, in the same transaction as its effects."""
import functools

from sqlalchemy import Column, String, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from shared.db import UtcDateTime
from shared.events import now_utc


def inbox_table(metadata) -> Table:
    return Table(
        "inbox", metadata,
        Column("event_id", String(32), primary_key=True),
        Column("handler", String(120), primary_key=True),
        Column("handled_at", UtcDateTime, nullable=False),
    )


_INSERT_OR_SKIP = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def claim(session, inbox: Table, event_id: str, handler: str) -> bool:
    """Record the event as handled, in the caller's transaction; False when this handler has already handled it.

    INSERT .. ON CONFLICT DO NOTHING rather than a SAVEPOINT: with SQLite's Python driver a SAVEPOINT
    opens the transaction itself, and releasing it then commits the claim before the handler's work.
    """
    values = {"event_id": event_id, "handler": handler, "handled_at": now_utc()}
    insert_or_skip = _INSERT_OR_SKIP.get(session.get_bind().dialect.name)
    if insert_or_skip is not None:
        return session.execute(insert_or_skip(inbox).values(**values).on_conflict_do_nothing()).rowcount == 1
    try:
        with session.begin_nested():
            session.execute(insert(inbox).values(**values))
    except IntegrityError:
        return False
    return True


def handle_once(inbox: Table, db_attribute: str = "db"):
    """Decorate an event handler method so a redelivered event changes nothing.

    The handler does its work on `self.<db_attribute>` without committing; the inbox row and the
    work commit together, so a crash before the commit leaves the event to be handled again.
    """
    def decorator(method):
        handler_name = method.__qualname__

        @functools.wraps(method)
        def wrapper(self, payload):
            session = getattr(self, db_attribute)
            if not claim(session, inbox, payload["event_id"], handler_name):
                session.rollback()
                return None
            result = method(self, payload)
            session.commit()
            return result
        return wrapper
    return decorator
