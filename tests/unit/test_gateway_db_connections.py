"""A gateway worker waiting on another service holds no database connection: with a service hung, each waiting
worker would otherwise keep one for RPC_TIMEOUT and drain the pool for everybody else."""

from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from services.gateway.backends import Backend, Submissions
from shared.db import make_engine


@pytest.fixture
def session(tmp_path):
    """A gateway worker's session as the token check leaves it: a transaction open on a connection."""
    engine = make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    session = sessionmaker(engine)()
    session.execute(text("SELECT 1"))
    assert engine.pool.checkedout() == 1
    yield session
    session.close()
    engine.dispose()


def test_the_token_checks_connection_goes_back_to_the_pool_before_the_rpc(session):
    during_the_call = []

    def applicants():
        during_the_call.append(session.bind.pool.checkedout())
        return {}

    applicants.service_name, applicants.method_name = "registry", "applicants"
    assert Backend(SimpleNamespace(applicants=applicants), session).call("applicants") == {}
    assert during_the_call == [0]


def test_a_submission_waiting_for_another_workers_call_to_aid_holds_no_connection(session):
    """Submissions are coalesced (shared/coalesce.py): a worker may wait on the RPC another one makes."""
    while_waiting = []

    def submissions(item, send_many):
        while_waiting.append(session.bind.pool.checkedout())
        return {"application": {"application_id": "a" * 32}}

    aid = Backend(SimpleNamespace(), session)
    assert Submissions(submissions, aid).submit({}, "caseworker:test", None) == {"application_id": "a" * 32}
    assert while_waiting == [0]
