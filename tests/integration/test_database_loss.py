"""A service whose database connection is dropped under a worker (PostgreSQL restarting) lives on."""

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text

from shared.db import Database
from shared.rpc import rpc


class Sessions:
    name = "sessions"
    db = Database("aid")
    admin_url = None

    @rpc
    def lose_connection(self):
        """Leaves a transaction open and has the server drop its connection, for the teardown to meet."""
        pid = self.db.execute(text("SELECT pg_backend_pid()")).scalar()
        admin = create_engine(self.admin_url)
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        return pid


@pytest.mark.parametrize("db_backend", ["postgres"])  # PostgreSQL drops connections; a SQLite file does not
def test_a_connection_dropped_under_a_worker_does_not_kill_the_service(config, runner_factory, monkeypatch):
    monkeypatch.setattr(Sessions, "admin_url", config["AID_DB_URL"])
    runner = runner_factory(config, Sessions)
    runner.start()
    [container] = runner.containers

    with ServiceRpcProxy("sessions", config, timeout=10) as sessions:
        first = sessions.lose_connection()
        second = sessions.lose_connection()

    assert first != second  # the second worker got a new connection
    assert not container._died.ready()
