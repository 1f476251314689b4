"""The web console's sign-in, cookies, CSRF, role checks and error pages, over plain HTTP."""

import hashlib

import pytest
from sqlalchemy import create_engine, select

from services.gateway.models import console_sessions
from tests.conftest import ADMIN_TOKEN
from tests.e2e.builders import new_user
from tests.e2e.console_client import Console, signed_in


def cookie_header(response, name: str) -> str:
    headers = [value for value in response.raw.headers.getlist("Set-Cookie") if value.startswith(name + "=")]
    assert len(headers) == 1, response.raw.headers.getlist("Set-Cookie")
    return headers[0]


def test_home_is_an_html_page_anyone_can_open(system):
    response = Console(system.base_url).get("/")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "工会困难职工帮扶" in response.text and "/sign-in" in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_signing_in_sets_an_http_only_lax_session_cookie_that_is_not_secure_by_default(system):
    console = Console(system.base_url)
    response = console.submit("/sign-in", "/sign-in", {"token": ADMIN_TOKEN, "next": "/workers"})
    assert response.status_code == 303 and response.headers["Location"] == "/workers"
    cookie = cookie_header(response, "hardship_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Max-Age=28800" in cookie
    assert console.get("/workers").status_code == 200


def test_secure_cookies_and_session_length_follow_the_settings(live):
    live.set(CONSOLE_COOKIE_SECURE="1", CONSOLE_SESSION_MINUTES="30")  # both read at each response
    api = live.api
    console = Console(api.base_url)
    form_page = console.get("/sign-in")
    form_cookie = cookie_header(form_page, "hardship_form")
    assert "HttpOnly" in form_cookie and "SameSite=Strict" in form_cookie and "Secure" in form_cookie
    # a Secure cookie travels over HTTPS only, so it is sent by hand here
    token = form_page.cookies["hardship_form"]
    signed = console.post(
        "/sign-in", {"token": ADMIN_TOKEN, "csrf_token": token}, headers={"Cookie": f"hardship_form={token}"}
    )
    cookie = cookie_header(signed, "hardship_session")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Max-Age=1800" in cookie


def test_an_expired_session_signs_no_one_in(live):
    live.set(CONSOLE_SESSION_MINUTES="0")  # read at each sign-in
    api = live.api
    console = signed_in(api.base_url, ADMIN_TOKEN)
    response = console.get("/workers")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in?next=/workers")


def test_the_database_keeps_only_a_hash_of_the_session_id(system, live):
    engine = create_engine(live.settings["GATEWAY_DB_URL"])

    def stored() -> list[str]:
        with engine.connect() as connection:
            return connection.execute(select(console_sessions.c.session_hash)).scalars().all()

    before = stored()
    console = signed_in(system.base_url, ADMIN_TOKEN)
    session_id = console.http.cookies["hardship_session"]
    after = stored()
    engine.dispose()
    assert [row for row in after if row not in before] == [hashlib.sha256(session_id.encode()).hexdigest()]
    assert session_id not in after


def test_a_wrong_token_is_refused_on_the_sign_in_page(system):
    console = Console(system.base_url)
    response = console.submit("/sign-in", "/sign-in", {"token": "not-a-token"})
    assert response.status_code == 401
    assert "访问令牌无效" in response.text
    assert "hardship_session" not in response.cookies


def test_sign_in_sends_only_to_pages_of_this_site(system):
    console = Console(system.base_url)
    response = console.submit("/sign-in", "/sign-in", {"token": ADMIN_TOKEN, "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_a_post_without_the_csrf_token_is_refused_with_a_403_page(system):
    console = signed_in(system.base_url, ADMIN_TOKEN)
    for data in ({}, {"csrf_token": "forged"}):
        response = console.post("/sign-out", data)
        assert response.status_code == 403 and response.headers["Content-Type"].startswith("text/html")
        assert "表单已失效" in response.text
    assert console.get("/workers").status_code == 200  # still signed in


def test_the_sign_in_form_needs_the_form_cookie_and_its_token(system):
    console = Console(system.base_url)
    assert console.post("/sign-in", {"token": ADMIN_TOKEN}).status_code == 403
    console.get("/sign-in")
    assert console.post("/sign-in", {"token": ADMIN_TOKEN, "csrf_token": "guessed"}).status_code == 403


def test_signing_out_ends_the_session_on_the_server(system):
    console = signed_in(system.base_url, ADMIN_TOKEN)
    stolen = console.http.cookies["hardship_session"]
    assert console.submit("/", "/sign-out").status_code == 303
    thief = Console(system.base_url)
    thief.http.cookies.set("hardship_session", stolen)
    assert thief.get("/workers").status_code == 303


def test_pages_need_sign_in_and_the_right_role(system):
    assert Console(system.base_url).get("/workers").headers["Location"] == "/sign-in?next=/workers"
    donor = signed_in(system.base_url, new_user(system, "donor")["token"])
    response = donor.get("/workers")
    assert response.status_code == 403 and "没有权限" in response.text


@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        (
            "caseworker",
            ["/workers", "/reviews", "/imports", "/change-requests", "/notifications", "/sms/opt-outs"],
            ["/users", "/donations", "/trace"],
        ),
        (
            "finance",
            ["/donations", "/batches", "/reconciliation", "/notifications"],
            ["/reviews", "/users", "/imports"],
        ),
        ("auditor", ["/notifications", "/sms/opt-outs"], ["/reviews", "/users", "/donations", "/trace"]),
        (
            "donor",
            ["/trace"],
            ["/workers", "/donations", "/users", "/change-requests", "/notifications", "/sms/opt-outs"],
        ),
    ],
)
def test_navigation_shows_only_what_the_role_may_do(system, role, shown, hidden):
    user = new_user(system, role)
    home = signed_in(system.base_url, user["token"]).get("/").text
    navigation = home[home.index("<nav>") : home.index("</nav>")]
    assert all(f'href="{path}"' in navigation for path in shown), navigation
    assert not any(f'href="{path}"' in navigation for path in hidden), navigation


def test_unknown_console_paths_are_html_404s_and_unknown_api_paths_stay_json(system):
    console = Console(system.base_url)
    page = console.get("/no-such-page")
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "页面不存在" in page.text
    api = console.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
