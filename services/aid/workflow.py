"""The application status machine, as data: which action leads from which status to which."""

from shared.actors import user_of
from shared.errors import ServiceError
from shared.worker_statuses import WORKER_STATUSES

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
    """The status an action leads to, or invalid_transition."""
    target = TRANSITIONS[action].get(current)
    if target is None:
        raise ServiceError(
            "invalid_transition",
            f"申请当前为「{STATUS_LABELS[current]}」，不能执行此操作",
            409,
            extra={"status": current},
        )
    if target == PUBLICIZING and publicity_days == 0:
        return READY
    return target


def returned_for_review_note(worker_status: str) -> str:
    """The history reason when a worker's file stops being active, as caseworkers read it."""
    return f"职工档案状态变为{WORKER_STATUSES.get(worker_status, worker_status)}，退回重新审核"


def check_maker_checker(submitted_by: str, reviewer: str) -> None:
    if user_of(submitted_by) == user_of(reviewer):
        raise ServiceError("same_user", "提交人不能审核自己提交的申请", 409)
