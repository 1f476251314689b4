"""A campaign's money shared among units as quotas (配额): each for a unit's subtree, never more in all than the
campaign's budget, never less than what approvals have already committed against it.

An approval commits its money against the campaign and against the quota covering the worker's unit: the quota of
the nearest unit on the worker's path (the worker's own unit, else its parent, ...), so a base union's own quota is
spent before its district's, and a unit's subtree never spends more than its quota; the other quotas above are not
touched (each is a share of the campaign's money for a subtree, not a sum of the shares below it)."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from shared.domain_errors import Forbidden, Invalid, Refused
from shared.org_paths import lineage, within


@dataclass(frozen=True)
class QuotaRequest:
    """A quota to set, with what the rules read around it: paths as shared/org_paths.py stores them."""

    amount_fen: int
    unit_path: str
    campaign_unit_path: str  # EVERYWHERE for a campaign of the root
    budget_fen: int
    others_fen: int  # the campaign's other quotas, in all
    committed_fen: int  # already committed against this quota (0 for a new one)


def check_campaign_handled(campaign_path: str | None, scope_path: str) -> None:
    """Only an admin of the campaign's unit, or of a unit above it, shares its money out: else forbidden."""
    if campaign_path is None or not within(campaign_path, scope_path):
        raise Forbidden("只有项目所属组织（或其上级组织）的管理员可以分配配额")


def check_unit_seen(unit_path: str | None, scope_path: str) -> None:
    """The unit given a quota is one the admin sees: else validation_error on org_unit_id, as if unknown."""
    if unit_path is None or not within(unit_path, scope_path):
        raise Invalid({"org_unit_id": ["未知的组织"]})


def check(request: QuotaRequest) -> None:
    if not within(request.unit_path, request.campaign_unit_path):
        raise Refused("conflict", "配额只能分给本项目所属组织及其下级组织")
    if request.amount_fen < request.committed_fen:
        raise Refused("budget_exhausted", f"该组织已审批占用 {request.committed_fen} 分，配额不能低于已占用的金额")
    if request.others_fen + request.amount_fen > request.budget_fen:
        left = max(request.budget_fen - request.others_fen, 0)
        raise Refused("budget_exhausted", f"各组织配额合计不能超过项目预算，最多还能分配 {left} 分")


def covering(worker_path: str | None, units_with_quota: Collection[str]) -> str | None:
    """The unit whose quota an approval for a worker at `worker_path` commits against: the nearest on the path that has
    one; None: no quota covers it (or the worker is the root's, NULL path)."""
    if not worker_path:
        return None
    return next((unit_id for unit_id in reversed(lineage(worker_path)) if unit_id in units_with_quota), None)


def quota_left(amount: Any, committed: Any, disbursed: Any) -> Any:
    """What a quota may still commit; numbers or SQL column expressions alike (the shell's conditional UPDATE)."""
    return amount - committed - disbursed


def quota_exhausted() -> Refused:
    return Refused("budget_exhausted", "本组织的配额不足，不能再批准")
