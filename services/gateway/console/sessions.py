"""Console sign-in sessions, kept in the gateway database.

The browser holds a random session id in its cookie; the table holds only the id's SHA-256, so
reading the table signs no one in. Each session has its own CSRF token for the forms it renders.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select

from shared.events import now_utc
from services.gateway.auth import User
from services.gateway.models import console_sessions


def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(db, user: User, minutes: int) -> str:
    """A new session for the user; returns the id for the cookie. Expired sessions are swept out here."""
    session_id = secrets.token_urlsafe(32)
    now = now_utc()
    db.execute(delete(console_sessions).where(console_sessions.c.expires_at <= now))
    db.execute(insert(console_sessions).values(
        session_hash=_hashed(session_id), user_id=user.user_id, name=user.name, role=user.role,
        donor_id=user.donor_id, csrf_token=secrets.token_urlsafe(32), created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    ))
    db.commit()
    return session_id


def find_session(db, session_id: str | None):
    """(the user, the session's CSRF token) for a live session id, else None."""
    if not session_id:
        return None
    row = db.execute(select(console_sessions).where(
        console_sessions.c.session_hash == _hashed(session_id), console_sessions.c.expires_at > now_utc(),
    )).first()
    db.rollback()
    if row is None:
        return None
    return User(user_id=row.user_id, name=row.name, role=row.role, donor_id=row.donor_id), row.csrf_token


def close_session(db, session_id: str | None) -> None:
    if session_id:
        db.execute(delete(console_sessions).where(console_sessions.c.session_hash == _hashed(session_id)))
        db.commit()
