"""POST /api/v1/users: who may create users, what a token can then do, and how tokens are stored."""

import os

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.builders import assert_error, new_donor, new_user, valid_worker

USERS = "/api/v1/users"
# What each role's fresh token gets from a staff read and from a casework write.
ACCESS = {
    "admin": (200, 201),
    "caseworker": (200, 201),
    "finance": (200, 403),
    "auditor": (200, 403),
    "donor": (403, 403),
}


@pytest.fixture
def config(live):
    """The settings of the session's running system (its gateway database)."""
    return live.settings


def user_rows(config) -> list[dict]:
    engine = create_engine(config["GATEWAY_DB_URL"])
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text("SELECT * FROM users"))]
    finally:
        engine.dispose()


@pytest.mark.parametrize("role", list(ACCESS))
def test_admin_creates_a_user_whose_token_authenticates(api, role):
    donor_id = new_donor(api)["donor_id"] if role == "donor" else None
    body = {"name": f"新{role}", "role": role} | ({"donor_id": donor_id} if donor_id else {})
    response = api.post(USERS, json=body)
    assert response.status_code == 201, response.text
    user = response.json()
    assert (user["name"], user["role"], user.get("donor_id")) == (f"新{role}", role, donor_id)
    assert len(user["user_id"]) >= 8 and len(user["token"]) >= 32
    read_status, write_status = ACCESS[role]
    assert api.get("/api/v1/workers", token=user["token"]).status_code == read_status
    write = api.post("/api/v1/workers", json=valid_worker(), token=user["token"])
    assert write.status_code == write_status, write.text
    if write_status == 403:
        assert_error(write, 403, "forbidden")


def test_each_user_gets_its_own_token(api):
    first, second = new_user(api, "caseworker"), new_user(api, "caseworker")
    assert first["token"] != second["token"] and first["user_id"] != second["user_id"]


def test_an_admin_user_can_create_users_too(api):
    admin = new_user(api, "admin")
    response = api.post(USERS, json={"name": "第二管理员", "role": "auditor"}, token=admin["token"])
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("role", ["caseworker", "finance", "auditor"])
def test_other_roles_cannot_create_users(api, config, role):
    token = api.token_for(role)
    before = len(user_rows(config))
    assert_error(api.post(USERS, json={"name": "越权", "role": "admin"}, token=token), 403, "forbidden")
    assert len(user_rows(config)) == before


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": "捐赠人", "role": "donor"}, "donor_id"),
        ({"name": "捐赠人", "role": "donor", "donor_id": None}, "donor_id"),
        ({"name": "捐赠人", "role": "donor", "donor_id": ""}, "donor_id"),
        ({"name": "超级", "role": "root"}, "role"),
        ({"name": "", "role": "auditor"}, "name"),
    ],
)
def test_invalid_users_are_refused(api, config, body, field):
    before = user_rows(config)
    error = assert_error(api.post(USERS, json=body), 400, "validation_error")
    assert list(error["fields"]) == [field]
    assert user_rows(config) == before  # no user written


def test_tokens_are_stored_only_as_hashes(api, config, live_backend):
    before = {row["user_id"] for row in user_rows(config)}
    users = [new_user(api, role) for role in ("caseworker", "auditor")]
    rows = user_rows(config)
    assert sorted(row["user_id"] for row in rows if row["user_id"] not in before) == sorted(
        user["user_id"] for user in users
    )
    dump = repr(rows)
    for user in users:
        assert user["token"] not in dump
    if live_backend == "sqlite":
        path = config["GATEWAY_DB_URL"].split("///", 1)[1]
        raw = b"".join(open(name, "rb").read() for name in (path, path + "-wal") if os.path.exists(name))
        assert raw and not any(user["token"].encode() in raw for user in users)


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Bearer ", "Basic dGVzdA==", "test-admin-token"])
def test_bad_credentials_are_unauthenticated(api, config, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    before = user_rows(config)
    response = api.post(USERS, json={"name": "x", "role": "admin"}, token=None, headers=headers)
    assert_error(response, 401, "unauthenticated")
    assert user_rows(config) == before  # no user written
