"""When a token stops signing its user in, and which account changes an admin may make."""

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.credentials import BOOTSTRAP_ADMIN_ID, config_account, refusal, revocation_problem, status

ISSUED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "revoked_at,ttl_days,now,expected",
    [
        (None, 365, ISSUED, "active"),
        (None, 365, ISSUED + timedelta(days=365) - timedelta(seconds=1), "active"),
        (None, 365, ISSUED + timedelta(days=365), "expired"),
        (None, 1, ISSUED + timedelta(days=1), "expired"),  # a shorter TOKEN_TTL_DAYS applies to tokens already issued
        (ISSUED + timedelta(days=2), 365, ISSUED + timedelta(days=3), "revoked"),
        (ISSUED + timedelta(days=2), 1, ISSUED + timedelta(days=3), "revoked"),  # revoked says more than expired
    ],
)
def test_an_accounts_status(revoked_at, ttl_days, now, expected):
    assert status(revoked_at, ISSUED, ttl_days, now) == expected


def test_only_a_live_token_is_let_in_and_each_refusal_says_why():
    assert refusal(None, ISSUED, 365, ISSUED + timedelta(days=1)) is None
    expired = refusal(None, ISSUED, 365, ISSUED + timedelta(days=365))
    revoked = refusal(ISSUED, ISSUED, 365, ISSUED + timedelta(days=1))
    assert (expired.status, expired.code, revoked.status, revoked.code) == (
        401,
        "unauthenticated",
        401,
        "unauthenticated",
    )
    assert "过期" in expired.message and "吊销" in revoked.message


def test_an_admin_cannot_revoke_themselves_nor_the_configured_admin():
    assert revocation_problem("a" * 32, "b" * 32) is None
    itself = revocation_problem("a" * 32, "a" * 32)
    assert (itself.status, itself.code) == (409, "same_user")
    for actor in ("b" * 32, BOOTSTRAP_ADMIN_ID):
        configured = revocation_problem(BOOTSTRAP_ADMIN_ID, actor)
        assert (configured.status, configured.code) == (409, "not_revocable")
        assert "HARDSHIP_ADMIN_TOKEN" in configured.message


def test_the_configured_admin_gets_no_token_from_the_api():
    assert config_account("a" * 32) is None
    assert config_account(BOOTSTRAP_ADMIN_ID).code == "not_revocable"
