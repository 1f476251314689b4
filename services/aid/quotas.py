"""Setting a campaign's quota for a unit: the rules (domain/quotas.py) decide under the campaign's row lock, so two
admins setting quotas at once never share out more than the budget."""

from sqlalchemy import func, insert, select, update

from services.aid import campaigns as campaign_store
from services.aid import units
from services.aid.domain import quotas as rules
from services.aid.models import campaigns, quotas
from shared.events import now_utc


def set_quota(session, campaign_id: str, data: dict, actor: str, caller_scope: str | None, ask_registry) -> dict:
    scope_path = units.scope_path(session, caller_scope, ask_registry)
    campaign = campaign_store.load_seen(session, campaign_id, scope_path)
    campaign_path = units.owner_path(session, campaign.org_unit_id, ask_registry)
    rules.check_campaign_handled(campaign_path, scope_path)
    unit_path = units.path_of(session, data["org_unit_id"], ask_registry)
    rules.check_unit_seen(unit_path, scope_path)
    session.rollback()  # end the reads: what the rules read is read again under the lock
    try:
        _write(session, campaign_id, data, actor, unit_path, campaign_path)
        session.commit()
    except Exception:
        session.rollback()
        raise
    row = session.execute(
        select(quotas).where(quotas.c.campaign_id == campaign_id, quotas.c.org_unit_id == data["org_unit_id"])
    ).one()
    session.rollback()
    return campaign_store.quota_view(row)


def _write(session, campaign_id: str, data: dict, actor: str, unit_path: str, campaign_path: str) -> None:
    # a write to the campaign's row first: PostgreSQL locks the row, SQLite the database, until the commit
    session.execute(
        update(campaigns).where(campaigns.c.campaign_id == campaign_id).values(budget_fen=campaigns.c.budget_fen)
    )
    budget = session.execute(select(campaigns.c.budget_fen).where(campaigns.c.campaign_id == campaign_id)).scalar_one()
    others = session.execute(
        select(func.coalesce(func.sum(quotas.c.amount_fen), 0)).where(
            quotas.c.campaign_id == campaign_id, quotas.c.org_unit_id != data["org_unit_id"]
        )
    ).scalar_one()
    committed = session.execute(
        select(quotas.c.committed_fen).where(
            quotas.c.campaign_id == campaign_id, quotas.c.org_unit_id == data["org_unit_id"]
        )
    ).scalar()
    rules.check(
        rules.QuotaRequest(
            amount_fen=data["amount_fen"],
            unit_path=unit_path,
            campaign_unit_path=campaign_path,
            budget_fen=budget,
            others_fen=others,
            committed_fen=committed or 0,
        )
    )
    values = {"amount_fen": data["amount_fen"], "set_by": actor, "set_at": now_utc()}
    if committed is None:
        session.execute(
            insert(quotas).values(
                campaign_id=campaign_id, org_unit_id=data["org_unit_id"], committed_fen=0, disbursed_fen=0, **values
            )
        )
    else:
        session.execute(
            update(quotas)
            .where(quotas.c.campaign_id == campaign_id, quotas.c.org_unit_id == data["org_unit_id"])
            .values(**values)
        )
