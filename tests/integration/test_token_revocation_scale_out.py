"""Two gateway processes on one database: a token revoked or renewed through one is refused by both at the next
request, right after each had let it in, and so is a console session opened on the other."""

import pytest
import requests

from tests.conftest import ADMIN_TOKEN
from tests.e2e.builders import assert_error
from tests.e2e.console_client import signed_in
from tests.integration.cluster import Cluster
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("db_backend", ["postgres"]), pytest.mark.timeout(300)]

USERS = "/api/v1/users"


def answers(gateway) -> bool:
    try:
        return gateway.get(USERS).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.fixture
def gateways(config, tmp_path):
    cluster = Cluster(config, tmp_path, instances=2)
    cluster.start("gateway")  # the accounts need no other service
    try:
        for gateway in cluster.gateways:
            wait_until(
                lambda gateway=gateway: answers(gateway), timeout=60, describe=lambda: f"see the logs in {tmp_path}"
            )
        yield cluster.gateways
    finally:
        cluster.stop_all()


def let_in_by_both(gateways, token: str) -> None:
    for gateway in gateways:
        assert gateway.get(USERS, token=token).status_code == 200


def refused_by_both(gateways, token: str) -> None:
    for gateway in gateways:
        assert_error(gateway.get(USERS, token=token), 401, "unauthenticated")


def test_both_gateways_refuse_a_revoked_or_replaced_token_at_once(gateways):
    first, second = gateways
    revoked, renewed = (first.post(USERS, json={"name": name, "role": "admin"}).json() for name in ("甲", "乙"))
    console = signed_in(second.base_url, revoked["token"])
    let_in_by_both(gateways, revoked["token"])
    assert console.get("/users").status_code == 200

    assert (
        first.post(f"{USERS}/{revoked['user_id']}/revoke", json={"reason": "离职"}, token=ADMIN_TOKEN).status_code
        == 200
    )
    refused_by_both(gateways, revoked["token"])
    assert console.get("/users").status_code == 303

    let_in_by_both(gateways, renewed["token"])
    new_token = second.post(f"{USERS}/{renewed['user_id']}/token").json()["token"]
    refused_by_both(gateways, renewed["token"])
    let_in_by_both(gateways, new_token)
