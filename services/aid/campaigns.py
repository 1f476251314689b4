"""Campaigns and their money: what is available, committed, paid out and left."""

from sqlalchemy import func, insert, select

from services.aid import funds, ledger
from services.aid.answers import CampaignViewSchema
from services.aid.domain.statuses import STATUSES
from services.aid.models import applications, campaigns
from shared.answers import Shown
from shared.db import row_by_id
from shared.errors import looks_like_id
from shared.events import new_id, now_utc


def create(session, data: dict, actor: str):
    campaign_id = new_id()
    session.execute(
        insert(campaigns).values(
            campaign_id=campaign_id,
            allocated_fen=0,
            committed_fen=0,
            disbursed_fen=0,
            created_by=actor,
            created_at=now_utc(),
            **data,
        )
    )
    funds.fund_budget(session, campaign_id, data["budget_fen"])
    session.commit()
    return load(session, campaign_id)


def load(session, campaign_id: str):
    return row_by_id(session, campaigns.c.campaign_id, campaign_id, "帮扶项目")


def load_many(session, campaign_ids) -> dict:
    """{campaign_id: row} for the ids that name a campaign; the read is ended (SQLite)."""
    ids = [campaign_id for campaign_id in campaign_ids if looks_like_id(campaign_id)]
    rows = session.execute(select(campaigns).where(campaigns.c.campaign_id.in_(ids))).all() if ids else []
    session.rollback()
    return {row.campaign_id: row for row in rows}


def counts_by_status(session, campaign_ids: list[str]) -> dict[str, dict[str, int]]:
    rows = session.execute(
        select(applications.c.campaign_id, applications.c.status, func.count())
        .where(applications.c.campaign_id.in_(campaign_ids))
        .group_by(applications.c.campaign_id, applications.c.status)
    ).all()
    counts = {campaign_id: dict.fromkeys(STATUSES, 0) for campaign_id in campaign_ids}
    for campaign_id, status, count in rows:
        counts[campaign_id][status] = count
    return counts


def figures(session, campaign_ids: list[str]) -> dict[str, dict]:
    """Each campaign's counts by status and its money as the ledger holds it."""
    counts = counts_by_status(session, campaign_ids)
    return {
        campaign_id: {"counts": counts[campaign_id], "money": ledger.campaign_money(session, campaign_id)}
        for campaign_id in campaign_ids
    }


CAMPAIGN = CampaignViewSchema()


def view(row, figures: dict) -> dict:
    """A campaign as the API shows it (CampaignViewSchema), with its money and its applications' counts."""
    money = figures["money"]
    return CAMPAIGN.dump(
        Shown(
            row,
            available_fen=money["remaining"] + money["committed"] + money["disbursed"],
            committed_fen=money["committed"],
            disbursed_fen=money["disbursed"],
            remaining_fen=money["remaining"],
            counts=figures["counts"],
        )
    )


def listing(session, page: int, per_page: int) -> dict:
    total = session.execute(select(func.count()).select_from(campaigns)).scalar()
    rows = session.execute(
        select(campaigns)
        .order_by(campaigns.c.created_at.desc(), campaigns.c.campaign_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    shown = figures(session, [row.campaign_id for row in rows])
    return {
        "items": [view(row, shown[row.campaign_id]) for row in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }
