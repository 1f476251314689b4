"""Where a campaign's money comes from: donors, their gifts, allocations of unrestricted money, and
which gift paid which disbursement.

Each gift a campaign may spend is a fund source, drawn in CONTRACT order: restricted gifts, then
unrestricted money allocated to it (oldest gift first), then the union's budget. Every change to a
source or a gift's placement is a conditional UPDATE, so concurrent payments or allocations can
never spend the same fen twice.
"""

import secrets

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.aid import ledger, scope
from services.aid.answers import (
    AllocationViewSchema,
    DonationPageSchema,
    DonationViewSchema,
    DonorPageSchema,
    DonorViewSchema,
)
from services.aid.domain import funds_rules as rules
from services.aid.domain.funds_rules import ALLOCATED, BUDGET, RESTRICTED
from services.aid.models import allocations, campaigns, donations, donors, fund_sources, outbox, payouts
from shared import org_paths
from shared.answers import page_of
from shared.db import insert_many, row_by_id
from shared.domain_errors import Refused
from shared.event_types import new_event
from shared.events import new_id, now_utc
from shared.masking import mask_phone
from shared.outbox import add_events


def create_donor(session, vault, data: dict, actor: str) -> dict:
    donor_id = new_id()
    phone = data.get("phone")
    session.execute(
        insert(donors).values(
            donor_id=donor_id,
            name=data["name"],
            kind=data["kind"],
            anonymous=data["anonymous"],
            phone_masked=phone and mask_phone(phone),
            phone_sealed=phone and vault.encrypt(phone),
            org_unit_id=data.get("org_unit_id"),
            created_by=actor,
            created_at=now_utc(),
        )
    )
    session.commit()
    return donor_view(load_donor(session, donor_id))


def load_donor(session, donor_id: str, *conditions):
    """The donor (among those the conditions keep, such as scope.donors_seen); else not_found."""
    return row_by_id(session, donors.c.donor_id, donor_id, "捐赠人", *conditions)


DONOR, DONOR_PAGE = DonorViewSchema(), DonorPageSchema()


def donor_view(row) -> dict:
    return DONOR.dump(row)


def donor_listing(session, seen, page: int, per_page: int) -> dict:
    """A page of the donors the caller sees (`seen`: scope.donors_seen), by name."""
    total = session.execute(select(func.count()).select_from(donors).where(seen)).scalar()
    rows = session.execute(
        select(donors)
        .where(seen)
        .order_by(donors.c.name, donors.c.donor_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    session.rollback()
    return page_of(DONOR_PAGE, rows, total, page, per_page)


def donation_listing(session, seen, page: int, per_page: int) -> dict:
    """The gifts the caller sees (`seen`: scope.donations_seen), newest first."""
    total = session.execute(select(func.count()).select_from(donations).where(seen)).scalar()
    rows = session.execute(
        select(donations)
        .where(seen)
        .order_by(donations.c.received_on.desc(), donations.c.created_at.desc(), donations.c.donation_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    session.rollback()
    return page_of(DONATION_PAGE, rows, total, page, per_page)


def public_name(donor) -> str:
    """The donor (a row with name, kind, anonymous) as the public sees them (domain/funds_rules.py)."""
    return rules.public_name(donor.name, donor.kind, donor.anonymous)


def _add_source(session, campaign_id: str, rank: int, amount_fen: int, donation=None) -> None:
    session.execute(
        insert(fund_sources).values(
            source_id=new_id(),
            campaign_id=campaign_id,
            rank=rank,
            amount_fen=amount_fen,
            used_fen=0,
            donation_id=donation and donation["donation_id"],
            received_on=donation and donation["received_on"],
            created_at=now_utc(),
        )
    )


def _add_to_campaign(session, campaign_id: str, amount_fen: int) -> None:
    session.execute(
        update(campaigns)
        .where(campaigns.c.campaign_id == campaign_id)
        .values(allocated_fen=campaigns.c.allocated_fen + amount_fen)
    )


def fund_budget(session, campaign_id: str, budget_fen: int) -> None:
    """A new campaign's budget from the union, in the caller's transaction."""
    if budget_fen:
        _add_source(session, campaign_id, BUDGET, budget_fen)
        ledger.move(
            session, "budget", ledger.UNION_BUDGET, ledger.funds(campaign_id), budget_fen, campaign_id=campaign_id
        )


def same_request(existing, wanted: dict, what: str) -> None:
    """A repeated external_ref must repeat the request it was first used for (domain/funds_rules.py)."""
    rules.same_request({name: existing._mapping[name] for name in wanted}, wanted, what)


DONATION_IDENTITY = ("donor_id", "amount_fen", "campaign_id")


def _repeated_donation(existing, data: dict) -> tuple[dict, bool]:
    same_request(existing, {name: data[name] for name in DONATION_IDENTITY}, "捐款")
    return donation_view(existing), False


def donate(session, data: dict, actor: str, scope_path: str = org_paths.EVERYWHERE) -> tuple[dict, bool]:
    """Record a gift once per external_ref: (the donation, whether it is new); the same external_ref with
    another donor, amount or campaign is refused. The donor and the campaign are in the caller's scope (scope.py),
    `data["org_unit_id"]` the unit that received it (none: the root)."""
    load_donor(session, data["donor_id"], scope.donors_seen(scope_path))
    if data["campaign_id"]:
        row_by_id(session, campaigns.c.campaign_id, data["campaign_id"], "帮扶项目", scope.campaigns_seen(scope_path))
    existing = _by_external_ref(session, data["external_ref"])
    if existing is not None:
        return _repeated_donation(existing, data)
    session.rollback()
    donation = {
        **data,
        "donation_id": new_id(),
        "receipt_no": f"JZ{data['received_on'].year}-{secrets.token_hex(5).upper()}",
        "verification_code": f"{secrets.randbelow(10**6):06d}",
        "placed_fen": data["amount_fen"] if data["campaign_id"] else 0,
        "created_by": actor,
        "created_at": now_utc(),
    }
    try:
        session.execute(insert(donations).values(**donation))
        if data["campaign_id"]:
            _add_source(session, data["campaign_id"], RESTRICTED, data["amount_fen"], donation)
            _add_to_campaign(session, data["campaign_id"], data["amount_fen"])
            target = ledger.funds(data["campaign_id"])
        else:
            target = ledger.UNRESTRICTED
        ledger.move(
            session,
            "donation",
            ledger.DONORS,
            target,
            data["amount_fen"],
            campaign_id=data["campaign_id"],
            donation_id=donation["donation_id"],
        )
        add_events(
            session,
            outbox,
            [
                new_event(
                    "donation_received",
                    donation_id=donation["donation_id"],
                    donor_id=data["donor_id"],
                    campaign_id=data["campaign_id"],
                    amount_fen=data["amount_fen"],
                    received_on=data["received_on"].isoformat(),
                )
            ],
        )
        session.commit()
    except IntegrityError:  # the same external_ref arrived at the same moment
        session.rollback()
        return _repeated_donation(_by_external_ref(session, data["external_ref"]), data)
    return donation_view(_by_external_ref(session, data["external_ref"])), True


def _by_external_ref(session, external_ref: str):
    return session.execute(select(donations).where(donations.c.external_ref == external_ref)).first()


DONATION, DONATION_PAGE = DonationViewSchema(), DonationPageSchema()


def donation_view(row) -> dict:
    return DONATION.dump(row)


def allocate(
    session, campaign, amount_fen: int, actor: str, external_ref: str | None = None, scope_path=org_paths.EVERYWHERE
) -> tuple[dict, bool]:
    """Move unrestricted money into the campaign, taken from the oldest gifts first among those received in the
    caller's scope (scope.py): (the allocation, whether it is new). Once per external_ref: the same again brings back
    the first, another amount or campaign is refused."""
    wanted = {"campaign_id": campaign.campaign_id, "amount_fen": amount_fen}
    # the gifts before the twin: a twin that commits in between is then seen here, not as gifts already placed (which
    # would refuse this one as budget_exhausted)
    gifts = session.execute(
        select(donations)
        .where(
            donations.c.campaign_id.is_(None),
            donations.c.placed_fen < donations.c.amount_fen,
            scope.donations_seen(scope_path),
        )
        .order_by(donations.c.received_on, donations.c.created_at)
    ).all()
    if external_ref:
        existing = _allocation_by_ref(session, external_ref)
        if existing is not None:
            return _repeated_allocation(existing, wanted)
    session.rollback()
    taken = rules.oldest_first([rules.Gift(g.donation_id, g.amount_fen, g.placed_fen) for g in gifts], amount_fen)
    gifts_by_id = {gift.donation_id: gift for gift in gifts}
    allocation_id = new_id()
    try:
        # first, so that a twin sent at the same moment waits on the external_ref's unique key, not on the gifts
        session.execute(
            insert(allocations).values(
                allocation_id=allocation_id,
                external_ref=external_ref,
                from_donations=taken,
                created_by=actor,
                created_at=now_utc(),
                **wanted,
            )
        )
        for part in taken:
            moved = session.execute(
                update(donations)
                .where(
                    donations.c.donation_id == part["donation_id"],
                    donations.c.placed_fen + part["amount_fen"] <= donations.c.amount_fen,
                )
                .values(placed_fen=donations.c.placed_fen + part["amount_fen"])
            ).rowcount
            if not moved:
                raise Refused("conflict", "捐款余额刚被其他划拨使用，请重试")
            gift = gifts_by_id[part["donation_id"]]
            _add_source(session, campaign.campaign_id, ALLOCATED, part["amount_fen"], gift._mapping)
            ledger.move(
                session,
                "allocation",
                ledger.UNRESTRICTED,
                ledger.funds(campaign.campaign_id),
                part["amount_fen"],
                campaign_id=campaign.campaign_id,
                donation_id=gift.donation_id,
            )
        _add_to_campaign(session, campaign.campaign_id, amount_fen)
        session.commit()
    except IntegrityError:  # the same external_ref arrived at the same moment
        session.rollback()
        if external_ref is None:  # then it is no twin, and nothing was moved
            raise
        return _repeated_allocation(_allocation_by_ref(session, external_ref), wanted)
    except Exception:
        session.rollback()
        raise
    return allocation_view(_allocation_where(session, allocations.c.allocation_id == allocation_id)), True


def _repeated_allocation(existing, wanted: dict) -> tuple[dict, bool]:
    same_request(existing, wanted, "划拨")
    return allocation_view(existing), False


def _allocation_by_ref(session, external_ref: str):
    return _allocation_where(session, allocations.c.external_ref == external_ref)


def _allocation_where(session, condition):
    row = session.execute(select(allocations).where(condition)).first()
    session.rollback()
    return row


ALLOCATION = AllocationViewSchema()


def allocation_view(row) -> dict:
    return ALLOCATION.dump(row)


def draw_many(session, campaign_id: str, payments: list[tuple[str, int]]) -> None:
    """Pay (application_id, amount) disbursements, in that order, from the campaign's sources in CONTRACT order
    (domain/funds_rules.draw), each source only while it still holds what was read (conflict otherwise)."""
    sources = [
        rules.Source(source_id, donation_id, left)
        for source_id, donation_id, left in session.execute(
            select(
                fund_sources.c.source_id,
                fund_sources.c.donation_id,
                fund_sources.c.amount_fen - fund_sources.c.used_fen,
            )
            .where(fund_sources.c.campaign_id == campaign_id, fund_sources.c.used_fen < fund_sources.c.amount_fen)
            .order_by(
                fund_sources.c.rank, fund_sources.c.received_on, fund_sources.c.created_at, fund_sources.c.source_id
            )
        )
    ]
    parts = rules.draw(sources, payments)
    taken = rules.taken_by_source(parts)
    if not taken:
        return
    session.execute(
        update(fund_sources)
        .where(
            fund_sources.c.source_id == bindparam("b_source"),
            fund_sources.c.used_fen + bindparam("b_part") <= fund_sources.c.amount_fen,
        )
        .values(used_fen=fund_sources.c.used_fen + bindparam("b_part")),
        [{"b_source": source_id, "b_part": part} for source_id, part in taken.items()],
    )
    left_after = dict(
        session.execute(
            select(fund_sources.c.source_id, fund_sources.c.amount_fen - fund_sources.c.used_fen).where(
                fund_sources.c.source_id.in_(list(taken))
            )
        ).all()
    )
    rules.check_drawn({source.source_id: source.left_fen for source in sources}, taken, left_after)
    now = now_utc()
    insert_many(
        session,
        payouts,
        [
            {
                "application_id": part.application_id,
                "source_id": part.source_id,
                "donation_id": part.donation_id,
                "amount_fen": part.amount_fen,
                "at": now,
            }
            for part in parts
        ],
    )
