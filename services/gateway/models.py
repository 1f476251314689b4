"""The gateway's own tables: staff and donor accounts with their hashed tokens."""
from sqlalchemy import Column, MetaData, String, Table

from shared.db import UtcDateTime

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("user_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("donor_id", String(32)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)
