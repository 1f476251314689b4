"""Money moves once per external_ref, even when the same request arrives many times at the same moment, each
on its own connection (as on several aid instances); the same ref with other details is refused and moves nothing.
Driven through the aid service's store functions against a real database, SQLite and PostgreSQL."""

from datetime import date

import eventlet
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.aid import campaigns as campaign_store
from services.aid import funds, ledger
from services.aid.models import allocations, donations
from shared.db import make_engine
from shared.domain_errors import Refused

AT_ONCE = 8
FINANCE = "finance:payer"


@pytest.fixture
def aid_engine(migrated_db_urls):
    engine = make_engine(migrated_db_urls["AID_DB_URL"])
    yield engine
    engine.dispose()


def at_once(engine, call) -> list:
    """call(session) on AT_ONCE green threads together, each with its own session: results or refusals."""

    def one(_number):
        with Session(engine, expire_on_commit=False) as session:
            try:
                return call(session)
            except Refused as error:
                return error

    return list(eventlet.GreenPool(AT_ONCE).imap(one, range(AT_ONCE)))


def a_campaign(session, name="送温暖") -> object:
    return campaign_store.create(
        session,
        {
            "program": "warmth",
            "name": name,
            "year": 2026,
            "opens_on": date(2026, 8, 1),
            "closes_on": date(2026, 8, 31),
            "budget_fen": 0,
            "amounts": {"deep": 300_000},
            "publicity_days": 0,
        },
        "admin:setup",
        None,  # the root's scope: a campaign that names no unit never asks the registry
        ask_registry=None,
    )


def gift(donor_id: str, amount_fen: int, campaign_id=None, ref="BANK-0001") -> dict:
    return {
        "donor_id": donor_id,
        "amount_fen": amount_fen,
        "campaign_id": campaign_id,
        "received_on": date(2026, 8, 1),
        "external_ref": ref,
    }


def refused_with(error, code: str) -> bool:
    return isinstance(error, Refused) and error.code == code


def test_one_donation_posted_many_times_at_once_is_recorded_once(aid_engine):
    with Session(aid_engine, expire_on_commit=False) as session:
        target = a_campaign(session)
        donor = funds.create_donor(
            session, None, {"name": "王大明", "kind": "individual", "anonymous": False, "phone": None}, FINANCE
        )

    outcomes = at_once(aid_engine, lambda session: funds.donate(session, gift(donor["donor_id"], 50_000), FINANCE))

    assert sorted(created for _donation, created in outcomes) == [False] * (AT_ONCE - 1) + [True], outcomes
    assert len({donation["donation_id"] for donation, _created in outcomes}) == 1
    with Session(aid_engine) as session:
        assert session.execute(select(func.count()).select_from(donations)).scalar_one() == 1
        assert ledger.total(session) == 0
        for other in (gift(donor["donor_id"], 50_001), gift(donor["donor_id"], 50_000, target.campaign_id)):
            with pytest.raises(Refused) as refused:
                funds.donate(session, other, FINANCE)
            assert refused_with(refused.value, "idempotency_conflict"), refused.value
        assert session.execute(select(func.count()).select_from(donations)).scalar_one() == 1
        assert ledger.campaign_money(session, target.campaign_id)["remaining"] == 0


def test_one_allocation_posted_many_times_at_once_moves_the_money_once(aid_engine):
    with Session(aid_engine, expire_on_commit=False) as session:
        target, other = a_campaign(session), a_campaign(session, "另一个送温暖")
        donor = funds.create_donor(
            session, None, {"name": "某某公司", "kind": "organization", "anonymous": False, "phone": None}, FINANCE
        )
        funds.donate(session, gift(donor["donor_id"], 100_000), FINANCE)

    outcomes = at_once(
        aid_engine,
        lambda session: funds.allocate(
            session, campaign_store.load(session, target.campaign_id), 60_000, FINANCE, "ALLOC-0001"
        ),
    )

    assert sorted(created for _allocation, created in outcomes) == [False] * (AT_ONCE - 1) + [True], outcomes
    assert all(allocation == outcomes[0][0] for allocation, _created in outcomes)
    with Session(aid_engine) as session:
        assert ledger.campaign_money(session, target.campaign_id)["remaining"] == 60_000
        assert session.execute(select(donations.c.placed_fen)).scalar_one() == 60_000
        # the same ref for another amount or another campaign: refused, nothing moved
        for campaign, amount in ((target, 10_000), (other, 60_000)):
            with pytest.raises(Refused) as refused:
                funds.allocate(
                    session, campaign_store.load(session, campaign.campaign_id), amount, FINANCE, "ALLOC-0001"
                )
            assert refused_with(refused.value, "idempotency_conflict"), refused.value
        assert session.execute(select(func.count()).select_from(allocations)).scalar_one() == 1
        assert ledger.campaign_money(session, target.campaign_id)["remaining"] == 60_000
        assert ledger.campaign_money(session, other.campaign_id)["remaining"] == 0
        assert session.execute(select(donations.c.placed_fen)).scalar_one() == 60_000
        assert ledger.total(session) == 0


def test_an_allocation_without_ref_that_fails_is_never_taken_for_an_earlier_one(aid_engine, monkeypatch):
    with Session(aid_engine, expire_on_commit=False) as session:
        target = a_campaign(session)
        donor = funds.create_donor(
            session, None, {"name": "某某公司", "kind": "organization", "anonymous": False, "phone": None}, FINANCE
        )
        funds.donate(session, gift(donor["donor_id"], 100_000), FINANCE)
        funds.allocate(session, campaign_store.load(session, target.campaign_id), 30_000, FINANCE)

        def a_key_refuses(*_args):
            raise IntegrityError("UPDATE campaigns", {}, Exception("a constraint"))

        monkeypatch.setattr(funds, "_add_to_campaign", a_key_refuses)
        with pytest.raises(IntegrityError):  # not a 200 with the earlier allocation for money that never moved
            funds.allocate(session, campaign_store.load(session, target.campaign_id), 30_000, FINANCE)

        assert session.execute(select(func.count()).select_from(allocations)).scalar_one() == 1
        assert session.execute(select(donations.c.placed_fen)).scalar_one() == 30_000


def test_a_different_request_under_the_same_ref_at_the_same_moment_is_refused(aid_engine):
    """Half the twins ask for another amount: the first to commit wins, each other one is either the same
    allocation (200) or idempotency_conflict, never a second move."""
    with Session(aid_engine, expire_on_commit=False) as session:
        target = a_campaign(session)
        donor = funds.create_donor(
            session, None, {"name": "某某公司", "kind": "organization", "anonymous": False, "phone": None}, FINANCE
        )
        funds.donate(session, gift(donor["donor_id"], 100_000), FINANCE)
    amounts = iter([10_000, 20_000] * AT_ONCE)

    outcomes = at_once(
        aid_engine,
        lambda session: funds.allocate(
            session, campaign_store.load(session, target.campaign_id), next(amounts), FINANCE, "ALLOC-0002"
        ),
    )

    moved = [outcome[0] for outcome in outcomes if not isinstance(outcome, Refused) and outcome[1]]
    assert len(moved) == 1, outcomes
    for outcome in outcomes:
        if isinstance(outcome, Refused):
            assert refused_with(outcome, "idempotency_conflict"), outcome
        else:
            assert outcome[0] == moved[0]
    assert any(isinstance(outcome, Refused) for outcome in outcomes)
    with Session(aid_engine) as session:
        assert ledger.campaign_money(session, target.campaign_id)["remaining"] == moved[0]["amount_fen"]
        assert ledger.total(session) == 0
