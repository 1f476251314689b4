"""The reconciliation report's checks, over figures already read: the ledger, the campaigns' own figures, the
applications, the payouts and the bank's results must all tell the same story; every place they do not is a
difference. The shell (reconciliation.py) reads the figures."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.aid.domain.statuses import DISBURSED, PAYING


def check(name: str, expected: int, actual: int) -> dict:
    return {"check": name, "expected": expected, "actual": actual, "ok": expected == actual}


@dataclass(frozen=True)
class CampaignFigures:
    """A campaign's own money figures (its row) and what its applications and payouts add up to."""

    budget_fen: int
    allocated_fen: int
    committed_fen: int
    disbursed_fen: int
    committed_applications_fen: int  # the amounts of its approved applications not yet paid
    disbursed_applications_fen: int  # the amounts of its paid applications
    paid_out_fen: int  # what its fund sources paid, in all


def campaign_checks(figures: CampaignFigures, held: Mapping[str, int]) -> list[dict]:
    """`held`: what the campaign's ledger accounts hold (ledger.campaign_money: remaining, committed, disbursed)."""
    return [
        check("账本已承诺 = 项目已承诺", figures.committed_fen, held["committed"]),
        check("账本已发放 = 项目已发放", figures.disbursed_fen, held["disbursed"]),
        check(
            "账本余额 = 项目可用 − 已承诺 − 已发放",
            figures.budget_fen + figures.allocated_fen - figures.committed_fen - figures.disbursed_fen,
            held["remaining"],
        ),
        check("已承诺 = 审批通过未发放的申请金额", figures.committed_applications_fen, held["committed"]),
        check("已发放 = 已发放申请金额", figures.disbursed_applications_fen, held["disbursed"]),
        check("已发放 = 各笔资金来源之和", held["disbursed"], figures.paid_out_fen),
    ]


@dataclass(frozen=True)
class BatchLine:
    """A batch's line with the bank's result, and its application as it is now."""

    result: str | None  # success, failed, or None: no result yet
    amount_fen: int
    bank_ref: str | None
    status: str  # the application's
    batch_id: str | None  # the application's
    application_bank_ref: str | None


def batch_checks(batch_id: str, count: int, total_fen: int, lines: Sequence[BatchLine]) -> list[dict]:
    """`count` and `total_fen`: the batch's own figures."""
    paid = [line for line in lines if line.result == "success"]
    pending = [line for line in lines if line.result is None]
    return [
        check("批次笔数", count, len(lines)),
        check("批次金额", total_fen, sum(line.amount_fen for line in lines)),
        check(
            "银行成功的笔数 = 其中已发放且流水号一致的笔数",
            len(paid),
            sum(1 for line in paid if line.status == DISBURSED and line.application_bank_ref == line.bank_ref),
        ),
        check(
            "未回结果的笔数 = 其中仍在本批次付款中的笔数",
            len(pending),
            sum(1 for line in pending if line.status == PAYING and line.batch_id == batch_id),
        ),
    ]


def differences(shown: Iterable[Mapping], ledger_total: int) -> list[dict]:
    """Every failed check of the campaigns shown ({campaign_id, checks, batches: [{batch_id, checks}]}), then the
    ledger's own when its entries do not sum to zero."""
    found = [
        {"campaign_id": item["campaign_id"], "batch_id": batch_id, **one}
        for item in shown
        for batch_id, checks in [(None, item["checks"])] + [(b["batch_id"], b["checks"]) for b in item["batches"]]
        for one in checks
        if not one["ok"]
    ]
    if ledger_total:
        found.append({"campaign_id": None, "batch_id": None, **check("账本借贷合计为零", 0, ledger_total)})
    return found
