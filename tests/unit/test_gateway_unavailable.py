"""The gateway answers 503, not 500, while its database or the broker is restarting."""
import json
from types import SimpleNamespace

import pytest
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy.exc import OperationalError as DatabaseUnavailable

from services.gateway.http import handles_errors


@pytest.mark.parametrize("failure", [
    DatabaseUnavailable("SELECT 1", {}, ConnectionRefusedError("Connection refused")),
    BrokerUnavailable("[Errno 111] ECONNREFUSED"),
])
def test_an_unreachable_database_or_broker_is_a_503(failure):
    @handles_errors
    def route():
        raise failure

    response = route()

    assert response.status_code == 503
    assert json.loads(response.get_data())["error"]["code"] == "service_unavailable"


def test_other_errors_still_escape_to_the_500_handler():
    @handles_errors
    def route():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        route()


@pytest.mark.parametrize("failure", [
    DatabaseUnavailable("SELECT 1", {}, ConnectionRefusedError("Connection refused")),
    BrokerUnavailable("[Errno 111] ECONNREFUSED"),
])
@pytest.mark.parametrize("where", ["finding the session", "in the page"])
def test_a_console_page_answers_a_503_page_too(failure, where):
    from services.gateway.console.web import Visit, page

    class Console:
        def console_visit(self, request):
            if where == "finding the session":
                raise failure
            return Visit(request, None, "csrf-token")

        @page("GET", "/public/status")
        def status_page(self, visit):
            raise failure

    response = Console.status_page(Console(), SimpleNamespace(method="GET"))

    assert response.status_code == 503
    assert "后台服务暂时无响应" in response.get_data(as_text=True)
