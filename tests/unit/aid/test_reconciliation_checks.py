"""The reconciliation report's checks (services/aid/domain/reconciliation.py): each figure against the one that
must match it, and every mismatch listed."""

from dataclasses import replace

import pytest

from services.aid.domain.reconciliation import (
    BatchLine,
    CampaignFigures,
    batch_checks,
    campaign_checks,
    check,
    differences,
)

FIGURES = CampaignFigures(
    budget_fen=1000,
    allocated_fen=200,
    committed_fen=300,
    disbursed_fen=100,
    committed_applications_fen=300,
    disbursed_applications_fen=100,
    paid_out_fen=100,
)
HELD = {"remaining": 800, "committed": 300, "disbursed": 100}
CAMPAIGN_CHECKS = [
    "账本已承诺 = 项目已承诺",
    "账本已发放 = 项目已发放",
    "账本余额 = 项目可用 − 已承诺 − 已发放",
    "已承诺 = 审批通过未发放的申请金额",
    "已发放 = 已发放申请金额",
    "已发放 = 各笔资金来源之和",
]


def test_a_check_compares_what_is_expected_with_what_is_found():
    assert check("名称", 1, 1) == {"check": "名称", "expected": 1, "actual": 1, "ok": True}
    assert check("名称", 1, 2) == {"check": "名称", "expected": 1, "actual": 2, "ok": False}


def test_a_campaign_whose_figures_agree_passes_every_check():
    checks = campaign_checks(FIGURES, HELD)
    assert [one["check"] for one in checks] == CAMPAIGN_CHECKS
    assert [(one["expected"], one["actual"]) for one in checks] == [
        (300, 300),
        (100, 100),
        (800, 800),
        (300, 300),
        (100, 100),
        (100, 100),
    ]
    assert all(one["ok"] for one in checks)


@pytest.mark.parametrize(
    "figures, held, failing",
    [
        (replace(FIGURES, committed_fen=301), HELD, {0: (301, 300), 2: (799, 800)}),
        (replace(FIGURES, disbursed_fen=99), HELD, {1: (99, 100), 2: (801, 800)}),
        (replace(FIGURES, budget_fen=1001), HELD, {2: (801, 800)}),
        (replace(FIGURES, allocated_fen=199), HELD, {2: (799, 800)}),
        (replace(FIGURES, committed_applications_fen=0), HELD, {3: (0, 300)}),
        (replace(FIGURES, disbursed_applications_fen=7), HELD, {4: (7, 100)}),
        (replace(FIGURES, paid_out_fen=90), HELD, {5: (100, 90)}),
        (FIGURES, {**HELD, "remaining": 0}, {2: (800, 0)}),
    ],
)
def test_each_campaign_figure_out_of_line_fails_its_checks(figures, held, failing):
    checks = campaign_checks(figures, held)
    assert {i: (one["expected"], one["actual"]) for i, one in enumerate(checks) if not one["ok"]} == failing


def line(**changes) -> BatchLine:
    values = dict(result=None, amount_fen=100, bank_ref=None, status="paying", batch_id="b1", application_bank_ref=None)
    return BatchLine(**{**values, **changes})


PAID = line(result="success", bank_ref="R1", status="disbursed", application_bank_ref="R1")
FAILED = line(result="failed", status="payment_failed")
BATCH_CHECKS = [
    "批次笔数",
    "批次金额",
    "银行成功的笔数 = 其中已发放且流水号一致的笔数",
    "未回结果的笔数 = 其中仍在本批次付款中的笔数",
]


def test_a_batch_whose_lines_agree_passes_every_check():
    checks = batch_checks("b1", 4, 400, [line(), PAID, FAILED, line(amount_fen=100)])
    assert [one["check"] for one in checks] == BATCH_CHECKS
    assert [(one["expected"], one["actual"], one["ok"]) for one in checks] == [
        (4, 4, True),
        (400, 400, True),
        (1, 1, True),
        (2, 2, True),
    ]


@pytest.mark.parametrize(
    "count, total, lines, failing",
    [
        (3, 300, [line(), PAID], {0: (3, 2), 1: (300, 200)}),
        (2, 200, [line(), replace(PAID, status="paying")], {2: (1, 0)}),
        (2, 200, [line(), replace(PAID, application_bank_ref="R2")], {2: (1, 0)}),
        (2, 200, [line(status="disbursed"), PAID], {3: (1, 0)}),
        (2, 200, [line(batch_id="b2"), PAID], {3: (1, 0)}),
    ],
)
def test_each_batch_line_out_of_line_fails_its_check(count, total, lines, failing):
    checks = batch_checks("b1", count, total, lines)
    assert {i: (one["expected"], one["actual"]) for i, one in enumerate(checks) if not one["ok"]} == failing


def test_the_differences_are_every_failed_check_then_a_ledger_that_does_not_sum_to_zero():
    bad, good = check("甲", 1, 2), check("乙", 3, 3)
    shown = [
        {"campaign_id": "c1", "checks": [good, bad], "batches": [{"batch_id": "b1", "checks": [bad, good]}]},
        {"campaign_id": "c2", "checks": [good], "batches": []},
    ]
    assert differences(shown, 0) == [
        {"campaign_id": "c1", "batch_id": None, **bad},
        {"campaign_id": "c1", "batch_id": "b1", **bad},
    ]
    assert differences(shown[1:], -5) == [
        {"campaign_id": None, "batch_id": None, "check": "账本借贷合计为零", "expected": 0, "actual": -5, "ok": False}
    ]
    assert differences([], 0) == []
