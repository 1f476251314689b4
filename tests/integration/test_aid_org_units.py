"""aid's copy of the union tree: its handlers keep each unit's latest version, whatever the order, and take a
redelivered event once (the inbox); records of the root's users then belong to the root, those made before aid knew
it (an installation filed before the union tree) included."""

from datetime import date

from alembic import command
from nameko.testing.services import worker_factory
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.aid import campaigns, funds, units
from services.aid.models import campaigns as campaign_rows
from services.aid.models import donations, donors, inbox, org_units
from services.aid.service import AidService
from shared import org_paths
from shared.db import make_engine
from shared.migrations import alembic_config
from tests.fakes.campaigns import warmth_fields
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
            filed_before = _campaign_and_gift_of_the_root(session)
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
            for table, key in ((campaign_rows, "campaign_id"), (donors, "donor_id"), (donations, "donation_id")):
                owner = select(table.c.org_unit_id).where(table.c[key] == filed_before[key])
                assert session.execute(owner).scalar() == ROOT, table.name
            # an account of the root sees what the root's users see, campaigns kept as NULL included
            assert units.scope_path(session, ROOT, ask_registry=None) == org_paths.EVERYWHERE
            assert units.scope_path(session, EAST, ask_registry=None) == kept.path
    finally:
        engine.dispose()


def _campaign_and_gift_of_the_root(session) -> dict:
    """A campaign, a donor and a gift made by the root's users while aid knew no root (kept as NULL)."""
    campaign = campaigns.create(
        session,
        warmth_fields(),
        "admin:root",
        None,
        ask_registry=None,
    )
    donor = funds.create_donor(
        session, None, {"name": "某企业", "kind": "organization", "anonymous": True, "phone": None}, "finance:root"
    )
    gift, _ = funds.donate(
        session,
        {
            "donor_id": donor["donor_id"],
            "amount_fen": 10_000,
            "campaign_id": None,
            "received_on": date(2026, 8, 1),
            "external_ref": "BEFORE-THE-TREE",
        },
        "finance:root",
    )
    assert campaign.org_unit_id is None and gift["donor_id"] == donor["donor_id"]
    return {"campaign_id": campaign.campaign_id, "donor_id": donor["donor_id"], "donation_id": gift["donation_id"]}
