"""aid's copy of the union tree: its handlers keep each unit's latest version, whatever the order, and take a
redelivered event once (the inbox); records of the root's users then belong to the root."""

from alembic import command
from nameko.testing.services import worker_factory
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.aid import units
from services.aid.models import inbox, org_units
from services.aid.service import AidService
from shared import org_paths
from shared.db import make_engine
from shared.migrations import alembic_config
from tests.fakes.events import sample

ROOT, EAST = "0a" * 16, "0b" * 16


def test_aid_learns_the_units_from_the_registrys_events(db_urls):
    url = db_urls["AID_DB_URL"]
    command.upgrade(alembic_config("aid", url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            aid = worker_factory(AidService, db=session)
            assert units.owner(session, None, None, ask_registry=None) is None  # the root, not known yet
            root = sample("org_unit_created", org_unit_id=ROOT, name="本级工会", parent_id=None, level="city", path=[])
            east = {"org_unit_id": EAST, "parent_id": ROOT, "path": [ROOT]}
            renamed = sample("org_unit_updated", **east, name="城东新区", version=2)
            for handler, event in (
                (aid.on_org_unit_created, root),
                (aid.on_org_unit_updated, renamed),
                (aid.on_org_unit_updated, renamed),  # redelivered
                (aid.on_org_unit_created, sample("org_unit_created", **east)),  # older than what is kept
            ):
                handler(event)

            kept = session.execute(select(org_units).where(org_units.c.org_unit_id == EAST)).one()
            assert (kept.name, kept.version, kept.path) == ("城东新区", 2, f"{ROOT}/{EAST}/")
            assert len(session.execute(select(inbox)).all()) == 3
            assert units.root_id(session) == ROOT
            assert units.owner(session, None, None, ask_registry=None) == ROOT
            # an account of the root sees what the root's users see, campaigns kept as NULL included
            assert units.scope_path(session, ROOT, ask_registry=None) == org_paths.EVERYWHERE
            assert units.scope_path(session, EAST, ask_registry=None) == kept.path
    finally:
        engine.dispose()
