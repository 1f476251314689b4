"""The application status machine, as data: which action leads from which status to which."""

from shared.domain_errors import Refused

SUBMITTED, PUBLICIZING, READY, PAYING = "submitted", "publicizing", "ready", "paying"
DISBURSED, PAYMENT_FAILED, REJECTED, WITHDRAWN = "disbursed", "payment_failed", "rejected", "withdrawn"
STATUSES = (SUBMITTED, PUBLICIZING, READY, PAYING, DISBURSED, PAYMENT_FAILED, REJECTED, WITHDRAWN)

TRANSITIONS = {
    "approve": {SUBMITTED: PUBLICIZING},
    "reject": {SUBMITTED: REJECTED},
    "withdraw": {SUBMITTED: WITHDRAWN},
    "objection": {PUBLICIZING: SUBMITTED},
    "end_publicity": {PUBLICIZING: READY},
    "pay": {READY: PAYING, PAYMENT_FAILED: PAYING},
    "paid": {PAYING: DISBURSED},
    "payment_failed": {PAYING: PAYMENT_FAILED},
    "pay_by_hand": {READY: DISBURSED, PAYMENT_FAILED: DISBURSED},
    "return_for_review": {PUBLICIZING: SUBMITTED, READY: SUBMITTED},
}
# Statuses whose amount is committed against the campaign's money.
COMMITTED = frozenset({PUBLICIZING, READY, PAYING, PAYMENT_FAILED})
# Statuses of an approval that stands: its money committed or paid out (an objection or a file's exit undoes it).
APPROVED = COMMITTED | {DISBURSED}
# Statuses that hold the application's claims (household, student, yearly relative-hardship aid).
CLAIMING = frozenset(STATUSES) - {REJECTED, WITHDRAWN}
PUBLIC = (PUBLICIZING, READY, PAYING, DISBURSED, PAYMENT_FAILED)
EVENT_OF_STATUS = {
    SUBMITTED: "application_submitted",
    PUBLICIZING: "application_approved",
    REJECTED: "application_rejected",
    WITHDRAWN: "application_withdrawn",
    READY: "application_ready",
    DISBURSED: "application_disbursed",
    PAYMENT_FAILED: "application_payment_failed",
}

STATUS_LABELS = {
    SUBMITTED: "待审核",
    PUBLICIZING: "公示中",
    READY: "待发放",
    PAYING: "发放中",
    DISBURSED: "已发放",
    PAYMENT_FAILED: "发放失败",
    REJECTED: "未通过",
    WITHDRAWN: "已撤回",
}


def next_status(action: str, current: str, publicity_days: int = 1) -> str:
    """The status an action leads to, or invalid_transition; an approval with no notice to run (0 days) is ready at
    once."""
    target = TRANSITIONS[action].get(current)
    if target is None:
        raise Refused(
            "invalid_transition", f"申请当前为「{STATUS_LABELS[current]}」，不能执行此操作", extra={"status": current}
        )
    if target == PUBLICIZING and publicity_days == 0:
        return READY
    return target
