"""A campaign's money as applications move: committed on approval, released when it falls back, paid out.

The formulas take numbers or SQL column expressions alike, so the shell's conditional UPDATE checks
exactly what the core computes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.aid.domain.errors import Refused
from services.aid.domain.statuses import COMMITTED, DISBURSED

COMMIT, RELEASE, DISBURSE = "commit", "release", "disburse"
# Each kind of money movement: what it adds to the campaign's committed and disbursed money (per fen moved),
# and the campaign's ledger accounts it moves from and to.
EFFECTS = {COMMIT: (1, 0), RELEASE: (-1, 0), DISBURSE: (-1, 1)}
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


def budget_exhausted() -> Refused:
    return Refused("budget_exhausted", "本项目资金不足，不能再批准")


@dataclass(frozen=True)
class CampaignMoney:
    budget_fen: int
    allocated_fen: int
    committed_fen: int
    disbursed_fen: int

    @property
    def left_fen(self) -> int:
        return left(self.budget_fen, self.allocated_fen, self.committed_fen, self.disbursed_fen)

    def after(self, kind: str, total_fen: int) -> "CampaignMoney":
        """The money once `total_fen` moved this way; budget_exhausted when a commitment is more than is left."""
        if kind == COMMIT and total_fen > self.left_fen:
            raise budget_exhausted()
        to_committed, to_disbursed = EFFECTS[kind]
        return CampaignMoney(
            self.budget_fen,
            self.allocated_fen,
            self.committed_fen + to_committed * total_fen,
            self.disbursed_fen + to_disbursed * total_fen,
        )


def grouped(moves: Iterable[tuple[str, str, Any]]) -> dict[tuple[str, str], list]:
    """(campaign_id, kind, item) → {(campaign_id, kind): [items, in the order given]}: one money update each."""
    groups: dict[tuple[str, str], list] = {}
    for campaign_id, kind, item in moves:
        groups.setdefault((campaign_id, kind), []).append(item)
    return groups
