"""Who reads a donor and where its money went (services/aid/scope.py): staff by the unit that took the donor on and
the units that received its gifts; a donor's own account its donor and every gift of it, whatever the account's unit,
and no other donor. On an in-memory database, through the trace that the API and the console's 我的捐赠去向 show."""

from datetime import date

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from services.aid import scope, trace
from services.aid.funds import load_donor
from services.aid.models import donations, donors, metadata, org_units
from shared import org_paths, org_unit_copy
from shared.errors import ServiceError
from tests.unit.aid.data import AT

# city → east district → a base union, and the west district; the root's users' scope is everywhere
TREE = {"city": [], "east": ["city"], "base": ["city", "east"], "west": ["city"]}
PATHS = {
    unit: org_paths.stored_path(ancestors, unit) if ancestors else org_paths.EVERYWHERE
    for unit, ancestors in TREE.items()
}
EAST_DONOR, WEST_DONOR = "e" * 32, "f" * 32
NOBODY = None  # a donor's own account: no unit scope


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as db:
        _seed(db)
        db.commit()  # the trace ends its read with a rollback
        yield db


def _seed(db) -> None:
    """aid's copy of the tree; a donor taken on by the east district, given once there and once (by the city's
    finance) to the west; another donor of the west's."""
    for unit_id, ancestors in TREE.items():
        unit = {"org_unit_id": unit_id, "name": unit_id, "parent_id": (ancestors or [None])[-1], "level": "base"}
        org_unit_copy.learn(db, org_units, {**unit, "path": ancestors, "version": 1})
    for donor_id, unit in ((EAST_DONOR, "east"), (WEST_DONOR, "west")):
        db.execute(
            insert(donors).values(
                donor_id=donor_id,
                name=donor_id,
                kind="organization",
                anonymous=False,
                org_unit_id=unit,
                created_by="finance:f",
                created_at=AT,
            )
        )
    gifts = (("to-east", EAST_DONOR, "east"), ("to-west", EAST_DONOR, "west"), ("west-own", WEST_DONOR, "west"))
    for number, (donation_id, donor_id, unit) in enumerate(gifts):
        db.execute(
            insert(donations).values(
                donation_id=donation_id,
                donor_id=donor_id,
                amount_fen=100 * (number + 1),
                campaign_id=None,
                received_on=date(2031, 8, 1),
                external_ref=donation_id,
                receipt_no=f"R{number}",
                verification_code="ABCD1234",
                placed_fen=0,
                org_unit_id=unit,
                created_by="finance:f",
                created_at=AT,
            )
        )


def gifts_shown(db, donor_id: str, scope_path, own_donor=None) -> set[str] | None:
    """The gifts in the donor's trace as that reader sees it; None: the donor is not found."""
    try:
        shown = trace.donor_trace(db, donor_id, scope_path, own_donor)
    except ServiceError as error:
        assert error.status == 404
        return None
    assert shown["donated_fen"] == sum(gift["amount_fen"] for gift in shown["donations"])
    return {gift["donation_id"] for gift in shown["donations"]}


def test_staff_read_a_donor_of_their_subtree_and_the_gifts_it_received_there_only(session):
    assert gifts_shown(session, EAST_DONOR, PATHS["east"]) == {"to-east"}
    assert gifts_shown(session, EAST_DONOR, PATHS["city"]) == {"to-east", "to-west"}
    assert gifts_shown(session, EAST_DONOR, PATHS["west"]) is None  # the gift it holds does not show the donor
    assert gifts_shown(session, EAST_DONOR, PATHS["base"]) is None


def test_a_donors_own_account_reads_its_donor_and_every_gift_of_it_whatever_its_unit(session):
    for account_scope in (NOBODY, *PATHS.values()):
        assert gifts_shown(session, EAST_DONOR, account_scope, own_donor=EAST_DONOR) == {"to-east", "to-west"}
        assert load_donor(session, EAST_DONOR, scope.donors_seen(account_scope, EAST_DONOR)).donor_id == EAST_DONOR


def test_a_donors_own_account_reads_no_other_donor(session):
    for account_scope in (NOBODY, PATHS["city"], PATHS["west"]):
        assert gifts_shown(session, WEST_DONOR, account_scope, own_donor=EAST_DONOR) is None
