"""Revision 0003 on a gateway that already has accounts: each token counts its age from the account's creation,
so a token older than TOKEN_TTL_DAYS has expired."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from services.gateway.models import users
from shared.db import make_engine
from shared.migrations import alembic_config

CREATED = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


def test_existing_accounts_get_their_creation_as_the_tokens_issue(db_urls):
    url = db_urls["GATEWAY_DB_URL"]
    config = alembic_config("gateway", url)
    command.upgrade(config, "0002")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (user_id, name, role, token_hash, created_at) "
                    "VALUES ('u1', '经办人', 'caseworker', :hash, :created)"
                ),
                {"hash": "a" * 64, "created": CREATED},
            )
        command.upgrade(config, "0003")
        with engine.connect() as connection:
            row = connection.execute(select(users.c.token_issued_at, users.c.revoked_at)).one()
        assert row.token_issued_at == CREATED and row.revoked_at is None
    finally:
        engine.dispose()
