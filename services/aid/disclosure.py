"""Each campaign's public account of its money: income by donor, spending by program, how many were helped."""

from sqlalchemy import func, select

from services.aid import campaigns as campaign_store
from services.aid import ledger
from services.aid.answers import DisclosureSchema
from services.aid.domain.funds_rules import BUDGET, Funding, income
from services.aid.domain.statuses import DISBURSED
from services.aid.funds import public_name
from services.aid.models import applications, donations, donors, fund_sources
from shared.answers import Shown

PROGRAM_NAMES = {"warmth": "送温暖", "education": "金秋助学"}
DISCLOSURE = DisclosureSchema()


def disclosure(session, campaign_id: str) -> dict:
    campaign = campaign_store.load(session, campaign_id)
    sources = session.execute(
        select(
            fund_sources.c.rank,
            fund_sources.c.amount_fen,
            donations.c.received_on,
            donors.c.name,
            donors.c.kind,
            donors.c.anonymous,
        )
        .outerjoin(donations, donations.c.donation_id == fund_sources.c.donation_id)
        .outerjoin(donors, donors.c.donor_id == donations.c.donor_id)
        .where(fund_sources.c.campaign_id == campaign_id)
        .order_by(fund_sources.c.rank, fund_sources.c.received_on, fund_sources.c.created_at)
    ).all()
    recipients, paid_fen = session.execute(
        select(func.count(), func.coalesce(func.sum(applications.c.amount_fen), 0)).where(
            applications.c.campaign_id == campaign_id, applications.c.status == DISBURSED
        )
    ).one()
    money = ledger.campaign_money(session, campaign_id)
    session.rollback()
    funding = [
        Funding(source.rank, source.amount_fen, public_name(source) if source.rank != BUDGET else None)
        for source in sources
    ]
    return DISCLOSURE.dump(
        Shown(
            campaign,
            income=income(funding),
            spending={
                "by_program": [{"program": PROGRAM_NAMES[campaign.program], "disbursed_fen": int(paid_fen)}],
                "disbursed_fen": money["disbursed"],
                "committed_fen": money["committed"],
            },
            recipients=recipients,
            remaining_fen=money["remaining"],
        )
    )
