"""What the roll-up report (统计报表) counts of applications, unit by unit: how many are in each status, the money
approved (an approval that stands: committed or paid out) and the money paid out. The report's year is the campaigns'
year: a 送温暖 campaign for the 2027 Spring Festival is 2027's, though it opens in December 2026."""

from collections.abc import Iterable
from typing import Any

from services.aid.domain.statuses import APPROVED, DISBURSED


def unit_figures(rows: Iterable[tuple[str | None, str, int, int]]) -> list[dict[str, Any]]:
    """One item per unit, {"org_unit_id", "applications": {"by_status"}, "approved_fen", "disbursed_fen"}, from rows
    (org_unit_id, status, count, amount_fen summed) grouped by unit and status."""
    units: dict[str | None, dict[str, Any]] = {}
    for org_unit_id, status, count, amount_fen in rows:
        figures = units.setdefault(
            org_unit_id,
            {"org_unit_id": org_unit_id, "applications": {"by_status": {}}, "approved_fen": 0, "disbursed_fen": 0},
        )
        figures["applications"]["by_status"][status] = count
        if status in APPROVED:
            figures["approved_fen"] += int(amount_fen)
        if status == DISBURSED:
            figures["disbursed_fen"] += int(amount_fen)
    return list(units.values())
