"""Sign-in that can be taken back: an admin lists the accounts, revokes one or issues it a new token, and the
old token and its console sessions are refused at the very next request, even right after a successful one;
a token older than TOKEN_TTL_DAYS is refused too."""

from datetime import timedelta

from shared import clock
from tests.conftest import ADMIN_TOKEN
from tests.e2e.builders import accounts_by_id, assert_error, new_user
from tests.e2e.console_client import signed_in

USERS = "/api/v1/users"
MISSING = "0" * 32


def newest_users_page(api) -> str:
    """The console's accounts page that lists the newest accounts (50 a page, oldest first)."""
    total = api.get(f"{USERS}?per_page=1").json()["total"]
    return f"/users?page={(total - 1) // 50 + 1}"


def test_revoking_or_renewing_a_token_refuses_the_old_one_at_once_in_the_api_and_the_console(api, monkeypatch):
    before = set(accounts_by_id(api))
    caseworker, finance, second_admin = (new_user(api, role) for role in ("caseworker", "finance", "admin"))
    consoles = {user["user_id"]: signed_in(api.base_url, user["token"]) for user in (caseworker, finance)}
    for user in (caseworker, finance):
        assert api.get("/api/v1/workers", token=user["token"]).status_code in (200, 403)
        assert consoles[user["user_id"]].get("/").status_code == 200

    # revoked: the token that just passed is refused, and so is the console session opened with it
    revoked = api.post(
        f"{USERS}/{caseworker['user_id']}/revoke", json={"reason": "已调离帮扶中心"}, token=second_admin["token"]
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked" and "token" not in revoked.json()
    assert (
        "吊销" in assert_error(api.get("/api/v1/workers", token=caseworker["token"]), 401, "unauthenticated")["message"]
    )
    page = consoles[caseworker["user_id"]].get("/workers")
    assert page.status_code == 303 and page.headers["Location"].startswith("/sign-in")
    assert (
        "访问令牌无效"
        in consoles[caseworker["user_id"]].submit("/sign-in", "/sign-in", {"token": caseworker["token"]}).text
    )

    listed = accounts_by_id(api)
    assert set(listed) - before == {caseworker["user_id"], finance["user_id"], second_admin["user_id"]}
    assert not any(
        "token" in key and key not in ("token_issued_at", "token_expires_at")
        for account in listed.values()
        for key in account
    )
    shown = listed[caseworker["user_id"]]
    assert (shown["status"], shown["revoke_reason"], shown["revoked_by"]) == (
        "revoked",
        "已调离帮扶中心",
        f"admin:{second_admin['user_id']}",
    )
    assert shown["revoked_at"] and listed[finance["user_id"]]["status"] == "active"

    # what is refused, and changes nothing
    assert_error(api.post(f"{USERS}/{caseworker['user_id']}/token"), 409, "invalid_transition")
    assert_error(
        api.post(f"{USERS}/{caseworker['user_id']}/revoke", json={"reason": "再次"}), 409, "invalid_transition"
    )
    assert_error(
        api.post(f"{USERS}/{second_admin['user_id']}/revoke", json={"reason": "自己"}, token=second_admin["token"]),
        409,
        "same_user",
    )
    assert_error(api.post(f"{USERS}/bootstrap-admin/revoke", json={"reason": "配置"}), 409, "not_revocable")
    assert_error(api.post(f"{USERS}/bootstrap-admin/token"), 409, "not_revocable")
    assert_error(api.post(f"{USERS}/{MISSING}/revoke", json={"reason": "无此人"}), 404, "not_found")
    assert_error(api.post(f"{USERS}/{MISSING}/token"), 404, "not_found")
    assert list(
        assert_error(api.post(f"{USERS}/{finance['user_id']}/revoke", json={}), 400, "validation_error")["fields"]
    ) == ["reason"]
    assert list(
        assert_error(api.post(f"{USERS}/{finance['user_id']}/token", json={"ttl": 1}), 400, "validation_error")[
            "fields"
        ]
    ) == ["ttl"]
    assert api.get(USERS, token=second_admin["token"]).status_code == 200
    assert accounts_by_id(api)[finance["user_id"]]["status"] == "active"

    # a new token: the old one and its console session end, the new one works
    renewed = api.post(f"{USERS}/{finance['user_id']}/token")
    assert renewed.status_code == 200, renewed.text
    new_token = renewed.json()["token"]
    assert new_token != finance["token"]
    assert_error(api.get("/api/v1/campaigns", token=finance["token"]), 401, "unauthenticated")
    assert api.get("/api/v1/campaigns", token=new_token).status_code == 200
    assert consoles[finance["user_id"]].get("/batches").status_code == 303
    assert signed_in(api.base_url, new_token).get("/batches").status_code == 200

    # a year on, the token has expired (the bootstrap admin's, which is configuration, has not)
    issued = clock.now()
    monkeypatch.setattr(clock, "now", lambda: issued + timedelta(days=366))
    assert "过期" in assert_error(api.get("/api/v1/campaigns", token=new_token), 401, "unauthenticated")["message"]
    assert accounts_by_id(api)[finance["user_id"]]["status"] == "expired"
    assert api.get("/api/v1/campaigns", token=ADMIN_TOKEN).status_code == 200
    again = api.post(f"{USERS}/{finance['user_id']}/token").json()["token"]
    assert api.get("/api/v1/campaigns", token=again).status_code == 200


def test_the_accounts_page_revokes_and_shows_a_new_token_once(api):
    auditor = new_user(api, "auditor")
    caseworker = new_user(api, "caseworker")  # the newest account: on the newest page, however many came before
    admin = signed_in(api.base_url, ADMIN_TOKEN)
    users_page = newest_users_page(api)
    page = admin.get(users_page)
    assert page.status_code == 200 and caseworker["user_id"] in page.text and caseworker["token"] not in page.text

    renewed = admin.submit("/users", f"/users/{caseworker['user_id']}/token")
    assert renewed.status_code == 200 and 'id="new-token"' in renewed.text
    new_token = renewed.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert api.get("/api/v1/workers", token=new_token).status_code == 200
    assert new_token not in admin.get(users_page).text
    assert api.get("/api/v1/workers", token=caseworker["token"]).status_code == 401

    no_reason = admin.submit("/users", f"/users/{auditor['user_id']}/revoke", {"reason": ""})
    assert no_reason.status_code == 400 and 'role="alert"' in no_reason.text
    assert api.get("/api/v1/workers", token=auditor["token"]).status_code == 200
    revoked = admin.submit("/users", f"/users/{auditor['user_id']}/revoke", {"reason": "离职"})
    assert revoked.status_code == 200 and "已吊销" in revoked.text
    assert api.get("/api/v1/workers", token=auditor["token"]).status_code == 401
    assert signed_in(api.base_url, new_token).get("/users").status_code == 403
