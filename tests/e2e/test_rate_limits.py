"""429 rate_limited: public endpoints per client, and sign-in (token) failures per client."""

import pytest

from tests.conftest import ADMIN_TOKEN
from tests.e2e.builders import assert_error
from tests.e2e.conftest import running_system
from tests.e2e.metrics_scrape import scrape, value

NO_CAMPAIGN = f"/api/v1/public/campaigns/{'0' * 32}/publicity"


# The limits are read when the gateway starts and kept in its memory, the same whichever database is behind it:
# these tests start systems of their own (the session's has limits out of reach), on SQLite.


@pytest.fixture(scope="module")
def limited_api(request, vhost_pipeline, migrated_templates, tmp_path_factory):
    """Small limits, and one trusted proxy so each test can speak as several clients (X-Forwarded-For): the
    module's tests share it, each speaking from addresses of its own."""
    with running_system(
        request,
        vhost_pipeline,
        migrated_templates,
        tmp_path_factory.mktemp("limited"),
        "sqlite",
        PUBLIC_RATE_LIMIT_PER_MINUTE="3",
        AUTH_FAILURE_LIMIT_PER_MINUTE="2",
        TRUSTED_PROXY_HOPS="1",
    ) as system:
        yield system.api


@pytest.fixture
def system_with(request, vhost_pipeline, migrated_templates, tmp_path):
    """A system of the test's own with these settings over the defaults (enter it with `with`)."""
    return lambda **settings: running_system(
        request, vhost_pipeline, migrated_templates, tmp_path, "sqlite", **settings
    )


def client(address: str) -> dict:
    return {"X-Forwarded-For": address}


def assert_rate_limited(response, most_seconds: int) -> None:
    error = assert_error(response, 429, "rate_limited")
    assert "请求过于频繁" in error["message"]
    assert 1 <= error["retry_after"] <= most_seconds
    assert response.headers["Retry-After"] == str(error["retry_after"])
    assert response.headers["X-Request-Id"]


def test_a_client_over_the_public_limit_waits_and_others_do_not(limited_api):
    for _ in range(3):
        assert_error(limited_api.get(NO_CAMPAIGN, token=None, headers=client("203.0.113.1")), 404, "not_found")
    assert_rate_limited(limited_api.get(NO_CAMPAIGN, token=None, headers=client("203.0.113.1")), 20)
    lookup = f"/api/v1/public/applications/{'0' * 32}/status?id_last4=1234"
    assert_rate_limited(limited_api.get(lookup, token=None, headers=client("203.0.113.1")), 20)

    assert_error(limited_api.get(NO_CAMPAIGN, token=None, headers=client("203.0.113.2")), 404, "not_found")
    staff = limited_api.get("/api/v1/workers", headers=client("203.0.113.1"))  # only public endpoints count
    assert staff.status_code == 200, staff.text
    assert value(scrape(limited_api), "hardship_rate_limited_total", limit="public") >= 2


def test_failed_sign_ins_lock_the_client_out_even_with_a_right_token(limited_api):
    attacker, neighbour = client("198.51.100.7"), client("198.51.100.8")
    assert_error(limited_api.get("/api/v1/workers", token="guess-1", headers=attacker), 401, "unauthenticated")
    assert_error(limited_api.get("/api/v1/workers", token=None, headers=attacker), 401, "unauthenticated")
    assert_rate_limited(limited_api.get("/api/v1/workers", token="guess-3", headers=attacker), 30)
    assert_rate_limited(limited_api.get("/api/v1/workers", token=ADMIN_TOKEN, headers=attacker), 30)

    assert limited_api.get("/api/v1/workers", headers=neighbour).status_code == 200
    for _ in range(3):  # right tokens never count against a client
        assert limited_api.get("/api/v1/workers", headers=neighbour).status_code == 200
    public = limited_api.get(NO_CAMPAIGN, token=None, headers=attacker)  # no sign-in there
    assert_error(public, 404, "not_found")
    assert value(scrape(limited_api), "hardship_rate_limited_total", limit="sign_in") >= 2


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(system_with):
    with system_with(AUTH_FAILURE_LIMIT_PER_MINUTE="1") as system:
        api = system.api
        assert_error(api.get("/api/v1/workers", token="guess", headers=client("192.0.2.1")), 401, "unauthenticated")
        assert_rate_limited(api.get("/api/v1/workers", headers=client("192.0.2.2")), 60)


def test_the_default_limits_leave_ordinary_use_alone(system_with):
    with system_with() as system:  # the limits as shipped, not the session system's (out of reach)
        api = system.api
        for _ in range(30):
            assert_error(api.get(NO_CAMPAIGN, token=None), 404, "not_found")
        for _ in range(10):
            assert_error(api.get("/api/v1/workers", token="wrong"), 401, "unauthenticated")
        assert api.get("/api/v1/workers").status_code == 200


def test_the_consoles_sign_in_form_and_public_lookups_share_the_limits(limited_api):
    from tests.e2e.console_client import Console

    attacker = Console(limited_api.base_url)
    attacker.http.headers.update(client("192.0.2.9"))
    for guess in ("guess-1", "guess-2"):
        assert attacker.submit("/sign-in", "/sign-in", {"token": guess}).status_code == 401
    refused = attacker.submit("/sign-in", "/sign-in", {"token": ADMIN_TOKEN})  # a right guess looks no different
    assert refused.status_code == 429 and "请求过于频繁" in refused.text and int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["Content-Type"].startswith("text/html")

    visitor = Console(limited_api.base_url)
    visitor.http.headers.update(client("192.0.2.10"))
    lookups = [visitor.get("/public/status").status_code for _ in range(3)]
    assert lookups == [200, 200, 200]
    limited = visitor.get("/public/status")
    assert limited.status_code == 429 and "请求过于频繁" in limited.text and limited.headers["Retry-After"]
    assert limited.headers["X-Request-Id"]
