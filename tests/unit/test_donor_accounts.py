"""A donor's account names a donor that aid shows the creating admin, asked before anything is written: one aid does
not show them (another unit's, or none) is refused on donor_id and no account is made."""

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from services.gateway.accounts import Accounts
from services.gateway.auth import User
from services.gateway.models import metadata, users
from shared.errors import ServiceError, not_found, service_unavailable

DISTRICT = "a" * 32
ADMIN = User(user_id="u" * 32, name="区管理员", role="admin", org_unit_id=DISTRICT)
DONOR = "d" * 32


class Aid:
    """aid's RPCs as the gateway's Backend calls them: each call kept; `refusal` raised, else the donor."""

    def __init__(self, refusal: ServiceError | None = None):
        self.refusal = refusal
        self.asked: list[tuple] = []

    def call(self, method: str, *args):
        self.asked.append((method, *args))
        if self.refusal is not None:
            raise self.refusal
        return {"donor_id": args[0]}


@pytest.fixture
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def accounts_made(session) -> int:
    return session.execute(select(func.count()).select_from(users)).scalar()


def test_a_donor_the_admin_sees_is_asked_of_aid_in_the_admins_scope_and_bound(session):
    aid = Aid()
    created = Accounts(session, 365, aid).add({"name": "捐赠人", "role": "donor", "donor_id": DONOR}, ADMIN)
    assert aid.asked == [("get_donor", DONOR, DISTRICT)]
    assert created["role"] == "donor" and created["org_unit_id"] == DISTRICT
    assert session.execute(select(users.c.donor_id)).scalar() == DONOR


def test_a_donor_aid_does_not_show_the_admin_is_refused_on_donor_id_and_nothing_is_written(session):
    with pytest.raises(ServiceError) as refused:
        Accounts(session, 365, Aid(not_found("捐赠人"))).add(
            {"name": "捐赠人", "role": "donor", "donor_id": DONOR}, ADMIN
        )
    assert (refused.value.status, refused.value.code) == (400, "validation_error")
    assert refused.value.fields == {"donor_id": ["未知的捐赠人：须是本组织或下级组织登记的捐赠人"]}
    assert accounts_made(session) == 0


def test_aid_not_answering_is_its_own_error_and_nothing_is_written(session):
    with pytest.raises(ServiceError) as refused:
        Accounts(session, 365, Aid(service_unavailable())).add(
            {"name": "捐赠人", "role": "donor", "donor_id": DONOR}, ADMIN
        )
    assert (refused.value.status, refused.value.code) == (503, "service_unavailable")
    assert accounts_made(session) == 0


def test_a_staff_account_is_made_without_asking_aid(session):
    aid = Aid(not_found("捐赠人"))  # staff read by their unit: a donor_id given to them is not their reading key
    Accounts(session, 365, aid).add({"name": "财务", "role": "finance", "donor_id": DONOR}, ADMIN)
    assert aid.asked == [] and accounts_made(session) == 1
