"""Tokens and console sessions are checked against the database on every request: a revocation or a new
token refuses the old one at the very next request, with no cache to wait out; concurrent requests share
one lookup."""

from datetime import timedelta
from types import SimpleNamespace

import eventlet
import pytest

from services.gateway import accounts
from services.gateway.auth import BOOTSTRAP_ADMIN, TokenLookups, authenticate, create_user, token_hash, token_ttl_days
from services.gateway.console.sessions import find_session, open_session
from shared import clock
from shared.errors import ServiceError

TTL = 365


class CountingSession:
    """Counts the queries, and yields to other greenthreads in each, as a PostgreSQL query does."""

    def __init__(self, session):
        self.session, self.queries = session, 0

    def execute(self, statement):
        self.queries += 1
        eventlet.sleep(0.01)
        return self.session.execute(statement)


@pytest.fixture
def session(tmp_path):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from services.gateway.models import metadata

    engine = create_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def started_lookups(config: dict) -> TokenLookups:
    provider = TokenLookups()
    provider.container = SimpleNamespace(config=config)
    provider.setup()
    return provider


@pytest.fixture
def lookups():
    return started_lookups({"TOKEN_TTL_DAYS": str(TTL)})


def signs_in(session, token: str, lookups, ttl_days: int = TTL):
    return authenticate(session, f"Bearer {token}", "admin-token", lookups=lookups, ttl_days=ttl_days)


def refused(session, token: str, lookups, ttl_days: int = TTL) -> str:
    with pytest.raises(ServiceError) as refusal:
        signs_in(session, token, lookups, ttl_days)
    assert refusal.value.status == 401
    return refusal.value.message


def test_a_token_that_just_signed_in_is_refused_from_the_moment_it_is_revoked(session, lookups):
    user = create_user(session, "经办人", "caseworker")
    assert signs_in(session, user["token"], lookups).user_id == user["user_id"]
    accounts.revoke(session, user["user_id"], "已调离", BOOTSTRAP_ADMIN, TTL)
    assert "吊销" in refused(session, user["token"], lookups)


def test_a_new_token_ends_the_old_one_at_once(session, lookups):
    user = create_user(session, "经办人", "caseworker")
    signs_in(session, user["token"], lookups)
    new = accounts.issue_token(session, user["user_id"], BOOTSTRAP_ADMIN, TTL)
    assert refused(session, user["token"], lookups) == "访问令牌无效"
    assert signs_in(session, new["token"], lookups).user_id == user["user_id"]


def test_a_token_expires_after_the_ttl_and_a_new_one_starts_afresh(session, lookups, monkeypatch):
    user = create_user(session, "经办人", "caseworker")
    issued = clock.now()
    monkeypatch.setattr(clock, "now", lambda: issued + timedelta(days=2))
    assert signs_in(session, user["token"], lookups, ttl_days=3)
    assert "过期" in refused(session, user["token"], lookups, ttl_days=2)
    new = accounts.issue_token(session, user["user_id"], BOOTSTRAP_ADMIN, ttl_days=2)
    assert signs_in(session, new["token"], lookups, ttl_days=2)


def test_concurrent_requests_share_a_lookup_and_each_gets_its_own_user(session, lookups):
    users = [create_user(session, f"经办人{number}", "caseworker") for number in range(6)]
    counting = CountingSession(session)
    pool = eventlet.GreenPool()
    found = list(pool.imap(lambda user: signs_in(counting, user["token"], lookups).user_id, users))
    assert found == [user["user_id"] for user in users]
    assert counting.queries <= 2  # the first request's lookup, then one for every request that came meanwhile


def test_a_wrong_token_is_refused(session, lookups):
    create_user(session, "经办人", "caseworker")
    assert refused(session, "not-a-token", lookups) == "访问令牌无效"


def test_a_console_session_ends_with_its_token(session):
    kept, revoked, renewed = (create_user(session, f"账号{number}", "caseworker") for number in range(3))
    opened = {
        user["user_id"]: open_session(session, signs_in(session, user["token"], None), 480, token_hash(user["token"]))
        for user in (kept, revoked, renewed)
    }
    admins = open_session(session, BOOTSTRAP_ADMIN, 480, None)
    accounts.revoke(session, revoked["user_id"], "离职", BOOTSTRAP_ADMIN, TTL)
    accounts.issue_token(session, renewed["user_id"], BOOTSTRAP_ADMIN, TTL)
    assert find_session(session, opened[kept["user_id"]], TTL)[0].user_id == kept["user_id"]
    assert find_session(session, opened[revoked["user_id"]], TTL) is None
    assert find_session(session, opened[renewed["user_id"]], TTL) is None
    assert find_session(session, admins, TTL)[0] == BOOTSTRAP_ADMIN
    assert find_session(session, opened[kept["user_id"]], ttl_days=0) is None  # its token expired meanwhile


def test_an_accounts_session_that_names_no_token_is_not_let_in(session):
    user = create_user(session, "经办人", "caseworker")
    before_revocations = open_session(session, signs_in(session, user["token"], None), 480, None)
    assert find_session(session, before_revocations, TTL) is None


@pytest.mark.parametrize("setting,days", [({}, 365), ({"TOKEN_TTL_DAYS": "30"}, 30)])
def test_the_ttl_setting(setting, days, monkeypatch):
    monkeypatch.delenv("TOKEN_TTL_DAYS", raising=False)
    assert token_ttl_days(setting) == days


@pytest.mark.parametrize("wrong", ["0", "-1", "1.5", "一年"])
def test_a_ttl_that_is_not_a_whole_number_of_days_stops_the_gateway_at_start(wrong):
    with pytest.raises(ValueError, match="TOKEN_TTL_DAYS"):
        started_lookups({"TOKEN_TTL_DAYS": wrong})
