"""What each provider answer does to a message: never a blind resend after an answer that never came."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.outcomes import THROTTLE_WAIT, after_send, counts_against_provider
from services.notify.providers.base import Outcome, SendResult

NOW = datetime(2026, 8, 10, 2, 0, tzinfo=UTC)
DELAYS = [10.0, 60.0]
RECEIPT_WAIT = timedelta(minutes=30)


def next_values(outcome: Outcome, failures: int = 0, **result) -> dict:
    return after_send(SendResult(outcome, **result), failures, NOW, DELAYS, RECEIPT_WAIT)


def test_sent_keeps_the_providers_message_id():
    values = next_values(Outcome.SENT, provider_message_id="biz-1", code="OK")
    assert (values["status"], values["provider_message_id"], values["sent_at"]) == ("sent", "biz-1", NOW)
    assert values["last_error"] is None


def test_an_unknown_outcome_counts_as_sent_and_waits_for_the_receipt():
    values = next_values(Outcome.UNKNOWN, code="ReadTimeout")
    assert values["status"] == "sent" and values["provider_message_id"] is None
    assert values["due_at"] == NOW + RECEIPT_WAIT and "结果未知" in values["last_error"]


def test_throttled_is_deferred_to_the_next_window_not_failed():
    assert next_values(Outcome.THROTTLED)["due_at"] == NOW + THROTTLE_WAIT
    values = next_values(Outcome.THROTTLED, retry_after_seconds=5)
    assert (values["status"], values["due_at"]) == ("deferred", NOW + timedelta(seconds=5))
    assert "failures" not in values


def test_transient_failures_back_off_with_jitter_then_fail():
    first = next_values(Outcome.TRANSIENT, failures=0, code="isp.SYSTEM_ERROR")
    assert first["status"] == "queued" and first["failures"] == 1
    assert NOW + timedelta(seconds=5) <= first["due_at"] <= NOW + timedelta(seconds=10)
    second = next_values(Outcome.TRANSIENT, failures=1)
    assert NOW + timedelta(seconds=30) <= second["due_at"] <= NOW + timedelta(seconds=60)
    exhausted = next_values(Outcome.TRANSIENT, failures=2, code="isp.SYSTEM_ERROR")
    assert exhausted["status"] == "failed" and "isp.SYSTEM_ERROR" in exhausted["last_error"]


@pytest.mark.parametrize("outcome, status", [(Outcome.PERMANENT, "failed"), (Outcome.BLACKLISTED, "suppressed")])
def test_final_answers_carry_the_providers_code(outcome, status):
    values = next_values(outcome, code="isv.SOME_CODE", message="说明")
    assert values["status"] == status and "isv.SOME_CODE" in values["last_error"]


def test_only_trouble_at_the_provider_opens_its_circuit():
    assert {outcome for outcome in Outcome if counts_against_provider(outcome)} == {Outcome.TRANSIENT, Outcome.UNKNOWN}
