"""The union units the synthetic data name (tests.fakes.sheets, the e2e builders' workers, the shared sample sheet).

A worker's union names a unit of the tree, so every test system, benchmark and drill has them before it files anyone:
base units right under the root, as `hardship migrate` makes for an older registry's unions.
"""

from sqlalchemy.orm import Session

from services.registry import units
from services.registry.schemas import OrgUnitCreateSchema
from shared.db import make_engine
from shared.schemas import load_or_400
from tests.fakes.sheets import UNIONS

LEVEL = "base"


def unit_body(root_id: str, name: str) -> dict:
    """The POST /api/v1/org-units body of a base union under the root."""
    return {"name": name, "parent_id": root_id, "level": LEVEL}


def unit_bodies(root_id: str) -> list[dict]:
    """Those of the unions the test data name."""
    return [unit_body(root_id, name) for name in UNIONS]


def add_to_database(registry_db_url: str) -> None:
    """The unions, straight into a migrated registry database (as `hardship unit add`); their events wait in its
    outbox."""
    engine = make_engine(registry_db_url)
    with Session(engine) as session:
        root_id = units.root(session).org_unit_id
        for body in unit_bodies(root_id):
            units.create(session, load_or_400(OrgUnitCreateSchema(), body), None)
    engine.dispose()


ROOT_SCOPE = None  # the scope of the root's users, which a test calling the registry itself works in: the whole tree
