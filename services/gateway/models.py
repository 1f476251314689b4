"""The gateway's own tables: staff and donor accounts with their hashed tokens, web console sessions, and the union
units the accounts belong to, as the registry's events told them."""

from sqlalchemy import Column, Index, MetaData, String, Table

from shared.db import UtcDateTime
from shared.inbox import inbox_table
from shared.org_unit_copy import org_units_table

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("user_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("donor_id", String(32)),
    # the union unit the account works in; NULL only for an account made before the gateway learnt the root, which the
    # root's org_unit_created event fills in (units.learn)
    Column("org_unit_id", String(32)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    # the token expires TOKEN_TTL_DAYS after this; a new token (or a revocation) ends the old one at once
    Column("token_issued_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("revoked_by", String(80)),
    Column("revoke_reason", String(500)),
    Index("ix_users_org_unit_id", "org_unit_id"),
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
    Column("org_unit_id", String(32)),
    Column("csrf_token", String(64), nullable=False),
    # the hash of the token it was opened with: the session lives only while that token does (NULL: the bootstrap admin)
    Column("token_hash", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_console_sessions_expires_at", "expires_at"),
)

# The registry's units as its org_unit_created/updated events (or its answers) gave them: the path tells whether a unit
# is in an admin's subtree (shared/org_paths.py), one prefix query that PostgreSQL serves from the index only with
# text_pattern_ops. A unit keeps the highest version it was told of.
org_units = org_units_table(metadata)
Index("ix_org_units_path", org_units.c.path, postgresql_ops={"path": "text_pattern_ops"})

inbox = inbox_table(metadata)
