"""A campaign's money shared among units as quotas (配额): each for a unit's subtree, never more in all than the
campaign's budget, never less than what approvals have already committed against it."""

from dataclasses import dataclass

from shared.domain_errors import Refused
from shared.org_paths import within


@dataclass(frozen=True)
class QuotaRequest:
    """A quota to set, with what the rules read around it: paths as shared/org_paths.py stores them."""

    amount_fen: int
    unit_path: str
    campaign_unit_path: str  # EVERYWHERE for a campaign of the root
    budget_fen: int
    others_fen: int  # the campaign's other quotas, in all
    committed_fen: int  # already committed against this quota (0 for a new one)


def check(request: QuotaRequest) -> None:
    if not within(request.unit_path, request.campaign_unit_path):
        raise Refused("conflict", "配额只能分给本项目所属组织及其下级组织")
    if request.amount_fen < request.committed_fen:
        raise Refused("budget_exhausted", f"该组织已审批占用 {request.committed_fen} 分，配额不能低于已占用的金额")
    if request.others_fen + request.amount_fen > request.budget_fen:
        left = max(request.budget_fen - request.others_fen, 0)
        raise Refused("budget_exhausted", f"各组织配额合计不能超过项目预算，最多还能分配 {left} 分")
