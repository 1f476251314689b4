"""The gateway answers 503, not 500, while its database or the broker is restarting, its connection pool is exhausted,
or a service it calls meets the same (or a call of its own times out)."""

import json
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from kombu.exceptions import OperationalError as BrokerUnavailable
from nameko.exceptions import RemoteError
from sqlalchemy.exc import OperationalError as DatabaseUnavailable
from sqlalchemy.exc import TimeoutError as PoolExhausted

from services.gateway.console.web import Visit
from services.gateway.entrypoints import page_entrypoint
from services.gateway.http import handles_errors
from services.gateway.routes import Page
from services.gateway.uses import Available

OUTAGES = [
    DatabaseUnavailable("SELECT 1", {}, ConnectionRefusedError("Connection refused")),
    BrokerUnavailable("[Errno 111] ECONNREFUSED"),
    PoolExhausted("QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00"),
    RemoteError("OperationalError", "(psycopg2.OperationalError) server closed the connection unexpectedly"),
    RemoteError("TimeoutError", "QueuePool limit of size 10 overflow 20 reached"),
]


@pytest.mark.parametrize("failure", OUTAGES)
def test_an_unreachable_database_or_broker_is_a_503(failure):
    @handles_errors
    def route():
        raise failure

    response = route()

    assert response.status_code == 503
    assert json.loads(response.get_data())["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize("bug", [KeyError("bug"), RemoteError("KeyError", "'bug'")])
def test_other_errors_still_escape_to_the_500_handler(bug):
    @handles_errors
    def route():
        raise bug

    with pytest.raises(type(bug)):
        route()


@pytest.mark.parametrize("failure", OUTAGES)
@pytest.mark.parametrize("where", ["finding the session", "in the page"])
def test_a_console_page_answers_a_503_page_too(failure, where, monkeypatch):
    class Visits:
        def visit(self, request):
            if where == "finding the session":
                raise failure
            return Visit(request, None, "csrf-token")

    def status_page(_uses, visit):
        raise failure

    @dataclass
    class Nothing:
        """What an area that uses nothing declares."""

    monkeypatch.setattr(Available, "visits", Visits())
    entrypoint = page_entrypoint(Page("status_page", ("GET",), "/public/status", None, status_page, Nothing))
    response = entrypoint(None, SimpleNamespace(method="GET"))

    assert response.status_code == 503
    assert "后台服务暂时无响应" in response.get_data(as_text=True)
