"""The gateway's copy of the union tree on a gateway that already has accounts: they belong to the root once the
registry's event about it arrives, and a unit keeps the latest version it was told of, whatever the order."""

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.gateway import units
from services.gateway.models import org_units, users
from shared.db import make_engine
from shared.migrations import alembic_config
from tests.fakes.events import FIELDS

ROOT = {**FIELDS["org_unit_created"], "org_unit_id": "r" * 32, "name": "本级工会", "parent_id": None, "path": []}
EAST = FIELDS["org_unit_created"]


def test_accounts_made_before_the_tree_belong_to_the_root_once_the_gateway_learns_it(db_urls):
    url = db_urls["GATEWAY_DB_URL"]
    config = alembic_config("gateway", url)
    command.upgrade(config, "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (user_id, name, role, token_hash, created_at, token_issued_at) "
                    "VALUES ('u1', '经办人', 'caseworker', :hash, :now, :now)"
                ),
                {"hash": "a" * 64, "now": datetime(2025, 3, 1, tzinfo=UTC)},
            )
        command.upgrade(config, "head")
        with Session(engine) as session:
            assert units.root_id(session) is None
            for told in (ROOT, ROOT, {**EAST, "name": "城东新区", "version": 2}, EAST):  # again, and out of order
                units.learn(session, told)
                session.commit()

            assert session.execute(select(users.c.org_unit_id)).scalar() == ROOT["org_unit_id"]
            assert units.root_id(session) == ROOT["org_unit_id"]
            kept = session.execute(select(org_units).where(org_units.c.org_unit_id == EAST["org_unit_id"])).one()
            assert (kept.name, kept.version, kept.path) == ("城东新区", 2, f"{'r' * 32}/{EAST['org_unit_id']}/")
            assert units.for_new_account(session, None, None) == ROOT["org_unit_id"]
            assert units.for_new_account(session, EAST["org_unit_id"], None) == EAST["org_unit_id"]
    finally:
        engine.dispose()
