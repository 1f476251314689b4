"""Campaigns, the union unit that owns each, and their money: what is available, committed, paid out and left."""

from sqlalchemy import func, insert, select

from services.aid import funds, ledger, scope, units
from services.aid.answers import CampaignDetailSchema, CampaignPageSchema, CampaignViewSchema, QuotaViewSchema
from services.aid.domain.quotas import quota_left
from services.aid.domain.statuses import STATUSES
from services.aid.models import applications, campaigns, quotas
from shared.answers import Shown, page_of
from shared.db import row_by_id
from shared.domain_errors import NotFound
from shared.errors import looks_like_id
from shared.events import new_id, now_utc

WHAT = "帮扶项目"


def create(session, data: dict, actor: str, caller_scope: str | None, ask_registry):
    org_unit_id = units.owner(session, data.pop("org_unit_id", None), caller_scope, ask_registry)
    session.rollback()  # end the reads before writing (SQLite)
    campaign_id = new_id()
    session.execute(
        insert(campaigns).values(
            campaign_id=campaign_id,
            org_unit_id=org_unit_id,
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
    return row_by_id(session, campaigns.c.campaign_id, campaign_id, WHAT)


def load_seen(session, campaign_id: str, scope_path: str):
    """The campaign, when the caller sees it (scope.py); one out of scope is answered as one that does not exist."""
    row = None
    if looks_like_id(campaign_id):
        row = session.execute(
            select(campaigns).where(campaigns.c.campaign_id == campaign_id, scope.campaigns_seen(scope_path))
        ).first()
    if row is None:
        raise NotFound(WHAT)
    return row


def load_owned(session, campaign_id: str, scope_path: str):
    """The campaign, when its unit is in the caller's scope (one whose money the caller's unit handles: batches,
    allocations, reconciliation); else not found."""
    return row_by_id(session, campaigns.c.campaign_id, campaign_id, WHAT, scope.campaigns_owned(scope_path))


def load_many(session, campaign_ids) -> dict:
    """{campaign_id: row} for the ids that name a campaign; the read is ended (SQLite)."""
    ids = [campaign_id for campaign_id in campaign_ids if looks_like_id(campaign_id)]
    rows = session.execute(select(campaigns).where(campaigns.c.campaign_id.in_(ids))).all() if ids else []
    session.rollback()
    return {row.campaign_id: row for row in rows}


def counts_by_status(session, campaign_ids: list[str], scope_path: str) -> dict[str, dict[str, int]]:
    """Each campaign's applications by status, of those the caller sees (a district's caseworker counts the district's
    applications in the city's campaign, never another district's)."""
    rows = session.execute(
        select(applications.c.campaign_id, applications.c.status, func.count())
        .where(applications.c.campaign_id.in_(campaign_ids), scope.applications_seen(scope_path))
        .group_by(applications.c.campaign_id, applications.c.status)
    ).all()
    counts = {campaign_id: dict.fromkeys(STATUSES, 0) for campaign_id in campaign_ids}
    for campaign_id, status, count in rows:
        counts[campaign_id][status] = count
    return counts


def figures(session, campaign_ids: list[str], scope_path: str) -> dict[str, dict]:
    """Each campaign's counts by status (in the caller's scope) and its money as the ledger holds it."""
    counts = counts_by_status(session, campaign_ids, scope_path)
    return {
        campaign_id: {"counts": counts[campaign_id], "money": ledger.campaign_money(session, campaign_id)}
        for campaign_id in campaign_ids
    }


CAMPAIGN, CAMPAIGN_PAGE = CampaignViewSchema(), CampaignPageSchema()
DETAIL = CampaignDetailSchema()
QUOTA = QuotaViewSchema()


def _shown(row, figures: dict, **more) -> Shown:
    money = figures["money"]
    return Shown(
        row,
        available_fen=money["remaining"] + money["committed"] + money["disbursed"],
        committed_fen=money["committed"],
        disbursed_fen=money["disbursed"],
        remaining_fen=money["remaining"],
        counts=figures["counts"],
        **more,
    )


def view(row, figures: dict) -> dict:
    """A campaign as the API lists it (CampaignViewSchema), with its money and its applications' counts."""
    return CAMPAIGN.dump(_shown(row, figures))


def quota_shown(row) -> Shown:
    return Shown(row, remaining_fen=quota_left(row.amount_fen, row.committed_fen, row.disbursed_fen))


def quota_view(row) -> dict:
    """A unit's quota as the API shows it (QuotaViewSchema)."""
    return QUOTA.dump(quota_shown(row))


def detail(session, row, scope_path: str) -> dict:
    """One campaign as the API shows it, the quotas of the caller's subtree read: a district looking at the city's
    campaign sees its own share, not another district's (whose committed money tells of applications out of scope)."""
    shares = session.execute(
        select(quotas)
        .where(quotas.c.campaign_id == row.campaign_id, scope.below(quotas.c.org_unit_id, scope_path))
        .order_by(quotas.c.set_at, quotas.c.org_unit_id)
    ).all()
    figures_of = figures(session, [row.campaign_id], scope_path)[row.campaign_id]
    session.rollback()
    return detail_view(row, figures_of, shares)


def detail_view(row, figures: dict, shares) -> dict:
    """One campaign as the API shows it (CampaignDetailSchema): its view and its quotas."""
    return DETAIL.dump(_shown(row, figures, quotas=[quota_shown(share) for share in shares]))


def listing(session, scope_path: str, page: int, per_page: int) -> dict:
    seen = scope.campaigns_seen(scope_path)
    total = session.execute(select(func.count()).select_from(campaigns).where(seen)).scalar()
    rows = session.execute(
        select(campaigns)
        .where(seen)
        .order_by(campaigns.c.created_at.desc(), campaigns.c.campaign_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    shown = figures(session, [row.campaign_id for row in rows], scope_path)
    return page_of(CAMPAIGN_PAGE, [_shown(row, shown[row.campaign_id]) for row in rows], total, page, per_page)
