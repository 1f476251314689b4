"""A campaign's money as applications move: committed on approval, released when it falls back, paid out.

The formulas take numbers or SQL column expressions alike, so the shell's conditional UPDATE checks
exactly what the core computes.
"""

from collections.abc import Iterable
from typing import Any

from services.aid.domain.statuses import COMMITTED, DISBURSED
from shared.domain_errors import Refused

COMMIT, RELEASE, DISBURSE = "commit", "release", "disburse"
# The campaign's ledger accounts each kind of movement moves from and to.
ACCOUNTS = {COMMIT: ("funds", "committed"), RELEASE: ("committed", "funds"), DISBURSE: ("committed", "disbursed")}


def money_for(old: str, new: str) -> str | None:
    """What a move from `old` to `new` does to the application's amount."""
    if new in COMMITTED and old not in COMMITTED:
        return COMMIT
    if old in COMMITTED and new == DISBURSED:
        return DISBURSE
    if old in COMMITTED and new not in COMMITTED:
        return RELEASE
    return None


def left(budget: Any, allocated: Any, committed: Any, disbursed: Any) -> Any:
    """What the campaign may still commit."""
    return budget + allocated - committed - disbursed


def enough_left(total: Any, budget: Any, allocated: Any, committed: Any, disbursed: Any) -> Any:
    """Whether `total` may be committed: never more than is left (else budget_exhausted)."""
    return left(budget, allocated, committed, disbursed) >= total


def money_after(kind: str, total: Any, committed: Any, disbursed: Any) -> tuple[Any, Any]:
    """The campaign's committed and disbursed money once `total` moved this way."""
    if kind == COMMIT:
        return committed + total, disbursed
    if kind == RELEASE:
        return committed - total, disbursed
    return committed - total, disbursed + total


def budget_exhausted() -> Refused:
    return Refused("budget_exhausted", "本项目资金不足，不能再批准")


def grouped(moves: Iterable[tuple[str, str, Any]]) -> dict[tuple[str, str], list]:
    """(campaign_id, kind, item) → {(campaign_id, kind): [items, in the order given]}: one money update each."""
    groups: dict[tuple[str, str], list] = {}
    for campaign_id, kind, item in moves:
        groups.setdefault((campaign_id, kind), []).append(item)
    return groups
