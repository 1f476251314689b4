"""A user's token is looked up once a minute at most, not on every request; a wrong token never sticks."""
import pytest

from services.gateway.auth import KnownTokens, authenticate, create_user, token_hash
from shared.errors import ServiceError


class CountingSession:
    def __init__(self, session):
        self.session, self.queries = session, 0

    def execute(self, statement):
        self.queries += 1
        return self.session.execute(statement)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


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


def test_a_known_token_is_not_looked_up_again_until_it_has_been_kept_a_minute(session):
    token = create_user(session, "经办人", "caseworker")["token"]
    clock, counting = Clock(), CountingSession(session)
    known = KnownTokens(monotonic=clock)
    first = authenticate(counting, f"Bearer {token}", "admin-token", known=known)
    clock.now = KnownTokens.KEEP_SECONDS - 1
    assert authenticate(counting, f"Bearer {token}", "admin-token", known=known) == first
    assert counting.queries == 1
    clock.now = KnownTokens.KEEP_SECONDS + 1
    assert authenticate(counting, f"Bearer {token}", "admin-token", known=known) == first
    assert counting.queries == 2


def test_a_wrong_token_is_looked_up_every_time_and_never_kept(session):
    counting, known = CountingSession(session), KnownTokens()
    for _ in range(2):
        with pytest.raises(ServiceError) as refused:
            authenticate(counting, "Bearer not-a-token", "admin-token", known=known)
        assert refused.value.status == 401
    assert counting.queries == 2 and known.get(token_hash("not-a-token")) is None


def test_the_kept_tokens_never_grow_past_their_bound():
    known = KnownTokens()
    for number in range(KnownTokens.MOST + 5):
        known.keep(f"{number:064d}", object())
    assert len(known.users) <= KnownTokens.MOST
