"""A gateway worker waiting on another service holds no database connection: with a service hung, each waiting
worker would otherwise keep one for RPC_TIMEOUT and drain the pool for everybody else."""
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from shared.db import make_engine
from services.gateway.service import GatewayService


def test_the_token_checks_connection_goes_back_to_the_pool_before_the_rpc(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    session = sessionmaker(engine)()
    session.execute(text("SELECT 1"))  # as the token check leaves it: a transaction open on a connection
    assert engine.pool.checkedout() == 1
    during_the_call = []

    def applicants():
        during_the_call.append(engine.pool.checkedout())
        return {}

    applicants.service_name, applicants.method_name = "registry", "applicants"
    assert GatewayService.call(SimpleNamespace(db=session), applicants) == {}
    assert during_the_call == [0]
    session.close()
    engine.dispose()
