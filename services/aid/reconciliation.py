"""The reconciliation report: the ledger, the campaigns' own figures, the applications, the payouts and
the bank's results must all tell the same story; every place they do not is listed."""

from sqlalchemy import func, select

from services.aid import ledger
from services.aid.answers import ReconciliationSchema
from services.aid.domain.statuses import COMMITTED, DISBURSED, PAYING
from services.aid.models import applications, batch_items, batches, campaigns, payouts


def _check(name: str, expected: int, actual: int) -> dict:
    return {"check": name, "expected": expected, "actual": actual, "ok": expected == actual}


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
    return [
        _check("账本已承诺 = 项目已承诺", campaign.committed_fen, money["committed"]),
        _check("账本已发放 = 项目已发放", campaign.disbursed_fen, money["disbursed"]),
        _check(
            "账本余额 = 项目可用 − 已承诺 − 已发放",
            campaign.budget_fen + campaign.allocated_fen - campaign.committed_fen - campaign.disbursed_fen,
            money["remaining"],
        ),
        _check(
            "已承诺 = 审批通过未发放的申请金额",
            _sum_by_status(session, campaign.campaign_id, COMMITTED),
            money["committed"],
        ),
        _check(
            "已发放 = 已发放申请金额", _sum_by_status(session, campaign.campaign_id, [DISBURSED]), money["disbursed"]
        ),
        _check("已发放 = 各笔资金来源之和", money["disbursed"], paid_out),
    ]


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
    paid = [item for item in items if item.result == "success"]
    pending = [item for item in items if item.result is None]
    return [
        _check("批次笔数", batch.count, len(items)),
        _check("批次金额", batch.total_fen, sum(item.amount_fen for item in items)),
        _check(
            "银行成功的笔数 = 其中已发放且流水号一致的笔数",
            len(paid),
            sum(1 for item in paid if item.status == DISBURSED and item.application_bank_ref == item.bank_ref),
        ),
        _check(
            "未回结果的笔数 = 其中仍在本批次付款中的笔数",
            len(pending),
            sum(1 for item in pending if item.status == PAYING and item.batch_id == batch.batch_id),
        ),
    ]


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
    differences = [
        {"campaign_id": item["campaign_id"], "batch_id": batch_id, **check}
        for item in shown
        for batch_id, checks in [(None, item["checks"])] + [(b["batch_id"], b["checks"]) for b in item["batches"]]
        for check in checks
        if not check["ok"]
    ]
    if total:
        differences.append({"campaign_id": None, "batch_id": None, **_check("账本借贷合计为零", 0, total)})
    return RECONCILIATION.dump(
        {"ok": not differences, "ledger_total_fen": total, "differences": differences, "campaigns": shown}
    )
