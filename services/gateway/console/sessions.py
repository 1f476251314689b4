"""Console sign-in sessions, kept in the gateway database.

The browser holds a random session id in its cookie; the table holds only the id's SHA-256, so
reading the table signs no one in. Each session has its own CSRF token for the forms it renders, and
lives only while the token it was opened with does: revoking the account, or issuing it a new token,
ends its sessions on every gateway instance at the next request.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select

from services.gateway.auth import User
from services.gateway.credentials import BOOTSTRAP_ADMIN_ID, refusal
from services.gateway.models import console_sessions, users
from shared import clock


def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(db, user: User, minutes: int, hashed_token: str | None) -> str:
    """A new session for the user signed in with that token (None: the bootstrap admin's, which is configuration);
    returns the id for the cookie. Expired sessions are swept out here."""
    session_id = secrets.token_urlsafe(32)
    now = clock.now()
    db.execute(delete(console_sessions).where(console_sessions.c.expires_at <= now))
    db.execute(
        insert(console_sessions).values(
            session_hash=_hashed(session_id),
            user_id=user.user_id,
            name=user.name,
            role=user.role,
            donor_id=user.donor_id,
            org_unit_id=user.org_unit_id,
            csrf_token=secrets.token_urlsafe(32),
            token_hash=hashed_token,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.commit()
    return session_id


def find_session(db, session_id: str | None, ttl_days: int):
    """(the user, the session's CSRF token) for a live session id whose token still signs its user in, else None."""
    if not session_id:
        return None
    now = clock.now()
    row = db.execute(
        select(console_sessions, users.c.token_issued_at, users.c.revoked_at)
        .outerjoin(users, users.c.token_hash == console_sessions.c.token_hash)
        .where(console_sessions.c.session_hash == _hashed(session_id), console_sessions.c.expires_at > now)
    ).first()
    db.rollback()
    if row is None or not _token_lives(row, ttl_days, now):
        return None
    user = User(user_id=row.user_id, name=row.name, role=row.role, donor_id=row.donor_id, org_unit_id=row.org_unit_id)
    return user, row.csrf_token


def _token_lives(row, ttl_days: int, now) -> bool:
    if row.token_hash is None:  # no token row to follow: only the bootstrap admin signs in so
        return row.user_id == BOOTSTRAP_ADMIN_ID
    return row.token_issued_at is not None and refusal(row.revoked_at, row.token_issued_at, ttl_days, now) is None


def close_session(db, session_id: str | None) -> None:
    if session_id:
        db.execute(delete(console_sessions).where(console_sessions.c.session_hash == _hashed(session_id)))
        db.commit()
