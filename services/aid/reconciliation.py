"""The reconciliation report: the ledger, the campaigns' own figures, the applications, the payouts and
the bank's results must all tell the same story; every place they do not is listed."""

from sqlalchemy import func, select

from services.aid import ledger
from services.aid.answers import ReconciliationSchema
from services.aid.domain import reconciliation as rules
from services.aid.domain.statuses import COMMITTED, DISBURSED
from services.aid.models import applications, batch_items, batches, campaigns, payouts


def _sum_by_status(session, campaign_id: str, statuses) -> int:
    return int(
        session.execute(
            select(func.coalesce(func.sum(applications.c.amount_fen), 0)).where(
                applications.c.campaign_id == campaign_id, applications.c.status.in_(list(statuses))
            )
        ).scalar_one()
    )


def campaign_checks(session, campaign) -> list[dict]:
    money = ledger.campaign_money(session, campaign.campaign_id)
    paid_out = int(
        session.execute(
            select(func.coalesce(func.sum(payouts.c.amount_fen), 0))
            .join(applications, applications.c.application_id == payouts.c.application_id)
            .where(applications.c.campaign_id == campaign.campaign_id)
        ).scalar_one()
    )
    figures = rules.CampaignFigures(
        budget_fen=campaign.budget_fen,
        allocated_fen=campaign.allocated_fen,
        committed_fen=campaign.committed_fen,
        disbursed_fen=campaign.disbursed_fen,
        committed_applications_fen=_sum_by_status(session, campaign.campaign_id, COMMITTED),
        disbursed_applications_fen=_sum_by_status(session, campaign.campaign_id, [DISBURSED]),
        paid_out_fen=paid_out,
    )
    return rules.campaign_checks(figures, money)


def batch_checks(session, batch) -> list[dict]:
    items = session.execute(
        select(
            batch_items.c.result,
            batch_items.c.amount_fen,
            batch_items.c.bank_ref,
            applications.c.status,
            applications.c.batch_id,
            applications.c.bank_ref.label("application_bank_ref"),
        )
        .join(applications, applications.c.application_id == batch_items.c.application_id)
        .where(batch_items.c.batch_id == batch.batch_id)
    ).all()
    return rules.batch_checks(batch.batch_id, batch.count, batch.total_fen, [rules.BatchLine(*item) for item in items])


RECONCILIATION = ReconciliationSchema()


def report(session, owned, campaign_id: str | None = None) -> dict:
    """The checks of the campaigns the caller's unit handles (`owned`: scope.campaigns_owned), or of one of them."""
    chosen = select(campaigns).where(owned).order_by(campaigns.c.created_at)
    if campaign_id:
        chosen = chosen.where(campaigns.c.campaign_id == campaign_id)
    shown = []
    for campaign in session.execute(chosen).all():
        campaign_batches = session.execute(
            select(batches).where(batches.c.campaign_id == campaign.campaign_id).order_by(batches.c.created_at)
        ).all()
        shown.append(
            {
                "campaign_id": campaign.campaign_id,
                "name": campaign.name,
                "checks": campaign_checks(session, campaign),
                "batches": [
                    {"batch_id": batch.batch_id, "checks": batch_checks(session, batch)} for batch in campaign_batches
                ],
            }
        )
    total = ledger.total(session)
    session.rollback()
    differences = rules.differences(shown, total)
    return RECONCILIATION.dump(
        {"ok": not differences, "ledger_total_fen": total, "differences": differences, "campaigns": shown}
    )
