"""What a provider's answer means for the message: its next state, and when it is next due."""

from datetime import datetime, timedelta

from services.notify.backoff import retry_delay
from services.notify.providers.base import Outcome, SendResult

THROTTLE_WAIT = timedelta(seconds=60)
UNKNOWN_OUTCOME = "运营商未在时限内应答，结果未知：为免重复不自动重发，等待运营商回执"


def _reason(result: SendResult) -> str:
    return f"{result.code} {result.message}".strip()


def after_send(
    result: SendResult, failures: int, now: datetime, retry_delays: list[float], receipt_wait: timedelta
) -> dict:
    """The message's new values. An answer we never got (a read timeout) is not a failure: the SMS may be
    on the phone already, so it waits for the receipt instead of going again."""
    outcome = result.outcome
    if outcome is Outcome.SENT:
        return {
            "status": "sent",
            "provider_message_id": result.provider_message_id,
            "sent_at": now,
            "due_at": now,
            "last_error": None,
        }
    if outcome is Outcome.UNKNOWN:
        return {
            "status": "sent",
            "provider_message_id": None,
            "sent_at": now,
            "due_at": now + receipt_wait,
            "last_error": UNKNOWN_OUTCOME,
        }
    if outcome is Outcome.THROTTLED:
        wait = timedelta(seconds=result.retry_after_seconds) if result.retry_after_seconds else THROTTLE_WAIT
        return {"status": "deferred", "due_at": now + wait, "last_error": f"运营商限流，顺延发送：{_reason(result)}"}
    if outcome is Outcome.TRANSIENT:
        delay = retry_delay(failures + 1, retry_delays)
        if delay is None:
            return {
                "status": "failed",
                "due_at": now,
                "failures": failures + 1,
                "last_error": f"多次重试仍失败：{_reason(result)}",
            }
        return {
            "status": "queued",
            "due_at": now + timedelta(seconds=delay),
            "failures": failures + 1,
            "last_error": f"暂时失败，稍后重试：{_reason(result)}",
        }
    if outcome is Outcome.BLACKLISTED:
        return {
            "status": "suppressed",
            "due_at": now,
            "last_error": f"号码已退订或在黑名单中，不再发送：{_reason(result)}",
        }
    return {"status": "failed", "due_at": now, "last_error": f"运营商拒绝发送：{_reason(result)}"}


def counts_against_provider(outcome: Outcome) -> bool:
    """Answers that say the provider itself is in trouble (for its circuit breaker)."""
    return outcome in (Outcome.TRANSIENT, Outcome.UNKNOWN)
