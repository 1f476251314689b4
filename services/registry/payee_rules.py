"""Payee changes need a second person: the rules of bank-detail change requests, as plain functions.

A worker's bank details are where aid is paid, so changing them is the classic way to redirect it. A PATCH or
an import row that changes them applies everything else at once and opens a change request for the bank
details, which another caseworker or admin approves (or rejects). A newer request for the same worker
supersedes an older pending one (the reviewer decides on the latest details only); the same details asked
for again leave the pending request as it is, so importing a sheet twice opens one request.
"""

from datetime import datetime, timedelta

from shared.actors import from_command_line, user_of
from shared.domain_errors import Refused

PENDING, APPROVED, REJECTED, SUPERSEDED = "pending", "approved", "rejected", "superseded"
STATUSES = (PENDING, APPROVED, REJECTED, SUPERSEDED)
STATUS_LABELS = {PENDING: "待审批", APPROVED: "已批准", REJECTED: "未批准", SUPERSEDED: "已被新的申请取代"}
FROM_API, FROM_IMPORT = "api", "import"
# How long the console flags a worker's applications after the payee changed.
RECENT_PAYEE_CHANGE = timedelta(days=30)


def held_back(before: dict, after: dict) -> tuple[dict, dict | None]:
    """Split new worker data into what applies now (the old bank details kept) and the bank details that wait
    for approval (None when they do not change)."""
    if after["bank"] == before["bank"]:
        return after, None
    return {**after, "bank": before["bank"]}, after["bank"]


# the second person is told apart by user, and a command-line import has a typed name, not a user
NOT_FROM_COMMAND_LINE = "命令行导入不能变更银行信息，请在管理台或通过接口修改（需另一人审批）"


def may_request(actor: str) -> bool:
    return not from_command_line(actor)


def bank_key(bank: dict) -> str:
    """The bank details as one string, hashed to recognise the same details asked for again."""
    return f"{bank['name']}\x1f{bank['account']}"


def check_decision(status: str, requested_by: str, reviewer: str) -> None:
    """Only a pending request is decided, and never by the person who asked for it."""
    if status != PENDING:
        raise Refused(
            "invalid_transition", f"该收款账户变更申请{STATUS_LABELS[status]}，不能再审批", {"status": status}
        )
    if user_of(requested_by) == user_of(reviewer):
        raise Refused("same_user", "提出收款账户变更的人不能审批自己的申请")


def check_payee_unchanged(request, worker) -> None:
    """Approval replaces the payee the request was made against; when another approval (of a request made at
    the same time) changed it since, the new details must be asked for again."""
    changed_since = worker.bank_changed_at is not None and worker.bank_changed_at > request.requested_at
    if changed_since or (worker.bank_name, worker.bank_account_masked) != (
        request.old_bank_name,
        request.old_account_masked,
    ):
        raise Refused("conflict", "该职工的银行信息在提出申请后已变更，请按现在的信息重新提出申请")


def payee_changed_recently(bank_changed_at: datetime | None, now: datetime) -> bool:
    return bank_changed_at is not None and now - bank_changed_at <= RECENT_PAYEE_CHANGE
