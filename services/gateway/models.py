"""The gateway's own tables: staff and donor accounts with their hashed tokens, and web console sessions."""

from sqlalchemy import Column, Index, MetaData, String, Table

from shared.db import UtcDateTime

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("user_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("donor_id", String(32)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    # the token expires TOKEN_TTL_DAYS after this; a new token (or a revocation) ends the old one at once
    Column("token_issued_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("revoked_by", String(80)),
    Column("revoke_reason", String(500)),
)

# A signed-in browser: only the SHA-256 of its session id is kept, so a copy of this table signs no one in.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("user_id", String(32), nullable=False),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("donor_id", String(32)),
    Column("csrf_token", String(64), nullable=False),
    # the hash of the token it was opened with: the session lives only while that token does (NULL: the bootstrap admin)
    Column("token_hash", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_console_sessions_expires_at", "expires_at"),
)
