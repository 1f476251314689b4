"""What the roll-up report counts of applications (services/aid/domain/reports.py): counts by status, money approved
(an approval that stands: committed or paid out) and money paid out, unit by unit."""

from services.aid.domain.reports import unit_figures
from services.aid.domain.statuses import STATUSES

EAST = "e" * 32


def test_approved_money_is_what_stands_committed_or_paid_and_rejected_or_pending_money_is_not():
    rows = [(EAST, status, 1, 100_000 + index) for index, status in enumerate(STATUSES)]

    [figures] = unit_figures(rows)

    assert figures["applications"]["by_status"] == dict.fromkeys(STATUSES, 1)
    approved = {"publicizing", "ready", "paying", "disbursed", "payment_failed"}
    assert figures["approved_fen"] == sum(100_000 + i for i, status in enumerate(STATUSES) if status in approved)
    assert figures["disbursed_fen"] == 100_000 + STATUSES.index("disbursed")


def test_each_unit_is_one_item_and_records_kept_before_the_tree_are_one_of_their_own():
    rows = [
        (EAST, "submitted", 2, 600_000),
        (None, "disbursed", 1, 300_000),
        (EAST, "ready", 3, 450_000),
    ]

    by_unit = {item["org_unit_id"]: item for item in unit_figures(rows)}

    assert by_unit[EAST]["applications"]["by_status"] == {"submitted": 2, "ready": 3}
    assert (by_unit[EAST]["approved_fen"], by_unit[EAST]["disbursed_fen"]) == (450_000, 0)
    assert by_unit[None]["disbursed_fen"] == 300_000
