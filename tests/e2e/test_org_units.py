"""The union tree over HTTP (帮扶中心网络): a city builds its districts and base unions, the tree's rules answer as
CONTRACT.md says, and an admin of a district works inside its subtree only. Each test builds its own branch under
the root, names tagged so that siblings of other tests never clash."""

import time

import pytest

from tests.e2e.builders import add_unit as add
from tests.e2e.builders import assert_error, own_tag, valid_worker
from tests.e2e.console_client import signed_in
from tests.fakes.sheets import generate_workers, to_csv_bytes

UNITS = "/api/v1/org-units"
USERS = "/api/v1/users"


def root(api) -> dict:
    (unit,) = [item for item in api.get(UNITS + "?per_page=500").json()["items"] if item["parent_id"] is None]
    return unit


@pytest.fixture
def branch(api):
    """Under the root (a city): two districts, a base union under the first."""
    tag, city = own_tag(), root(api)
    east = add(api, f"城东区总工会{tag}", city["org_unit_id"], "district")
    west = add(api, f"城西区总工会{tag}", city["org_unit_id"], "district")
    mill = add(api, "纺织厂工会", east["org_unit_id"], "base")
    return {"city": city, "east": east, "west": west, "mill": mill, "tag": tag}


def test_a_city_builds_districts_and_base_unions(api, branch):
    city, east, mill = branch["city"], branch["east"], branch["mill"]

    assert (city["level"], city["path"]) == ("city", [])
    assert (east["parent_id"], east["level"], east["path"]) == (city["org_unit_id"], "district", [city["org_unit_id"]])
    assert mill["path"] == [city["org_unit_id"], east["org_unit_id"]] and mill["level"] == "base"
    assert api.get(f"{UNITS}/{mill['org_unit_id']}").json() == mill
    listed = {item["org_unit_id"]: item for item in api.get(UNITS + "?per_page=500").json()["items"]}
    assert listed[mill["org_unit_id"]]["parent_id"] == east["org_unit_id"]
    # the same name under another parent is another union
    add(api, "纺织厂工会", branch["west"]["org_unit_id"], "base")


def test_the_trees_rules_refuse_what_they_must(api, branch):
    east, west, mill = branch["east"]["org_unit_id"], branch["west"]["org_unit_id"], branch["mill"]["org_unit_id"]

    assert_error(
        api.post(UNITS, json={"name": "纺织厂工会", "parent_id": east, "level": "base"}), 409, "duplicate_name"
    )
    for body, field in [
        ({"name": "街道工会", "parent_id": east, "level": "district"}, "level"),  # not lower than its parent
        ({"name": "街道工会", "parent_id": east, "level": "street"}, "level"),
        ({"name": "  ", "parent_id": east, "level": "base"}, "name"),
        ({"name": "街道工会", "parent_id": "0" * 32, "level": "base"}, "parent_id"),
    ]:
        assert field in assert_error(api.post(UNITS, json=body), 400, "validation_error")["fields"]
    assert_error(api.patch(f"{UNITS}/{east}", json={"parent_id": mill}), 409, "conflict")  # into its own subtree
    assert_error(api.patch(f"{UNITS}/{east}", json={"parent_id": west}), 409, "conflict")  # it has a base union
    assert_error(api.get(f"{UNITS}/{'0' * 32}"), 404, "not_found")
    caseworker = api.post(USERS, json={"name": "经办人", "role": "caseworker"}).json()["token"]
    assert_error(
        api.post(UNITS, json={"name": "x", "parent_id": east, "level": "base"}, token=caseworker), 403, "forbidden"
    )

    moved = api.patch(f"{UNITS}/{mill}", json={"parent_id": west})  # a leaf moves

    assert moved.status_code == 200, moved.text
    assert moved.json()["path"] == [branch["city"]["org_unit_id"], west]


@pytest.mark.parametrize("record", ["worker", "import"])
def test_a_unit_with_records_of_its_own_is_not_moved(api, branch, record):
    """Its workers' files and imports keep its path (and aid's applications their worker's): a move would leave them
    behind, so it is refused, in Chinese, and the unit stays where it was."""
    mill, west = branch["mill"], branch["west"]["org_unit_id"]
    caseworker = api.post(USERS, json={"name": "经办人", "role": "caseworker", "org_unit_id": mill["org_unit_id"]})
    token = caseworker.json()["token"]
    if record == "worker":
        made = api.post("/api/v1/workers", json=valid_worker(union=mill["name"]), token=token)
    else:  # every row refused (an unknown union): the import alone belongs to the unit
        sheet = to_csv_bytes([{**generate_workers(1, seed=5)[0], "union": f"不存在的工会{branch['tag']}"}])
        made = api.post("/api/v1/workers/import?filename=w.csv", data=sheet, token=token)
    assert made.status_code in (200, 201), made.text

    error = assert_error(api.patch(f"{UNITS}/{mill['org_unit_id']}", json={"parent_id": west}), 409, "conflict")

    assert "不能调整上级组织" in error["message"]
    assert api.get(f"{UNITS}/{mill['org_unit_id']}").json()["parent_id"] == branch["east"]["org_unit_id"]


def test_a_district_admin_works_inside_its_subtree_only(api, branch):
    east, west = branch["east"]["org_unit_id"], branch["west"]["org_unit_id"]
    admin = api.post(USERS, json={"name": "城东区管理员", "role": "admin", "org_unit_id": east})
    assert admin.status_code == 201, admin.text
    assert admin.json()["org_unit_id"] == east
    token = admin.json()["token"]

    seen = api.get(UNITS, token=token).json()
    assert {item["org_unit_id"] for item in seen["items"]} == {east, branch["mill"]["org_unit_id"]}
    assert_error(api.get(f"{UNITS}/{west}", token=token), 404, "not_found")
    assert_error(api.patch(f"{UNITS}/{west}", json={"name": "改名"}, token=token), 404, "not_found")
    outside = api.post(UNITS, json={"name": "越权工会", "parent_id": west, "level": "base"}, token=token)
    assert "parent_id" in assert_error(outside, 400, "validation_error")["fields"]
    outside_user = api.post(USERS, json={"name": "越权", "role": "caseworker", "org_unit_id": west}, token=token)
    assert "org_unit_id" in assert_error(outside_user, 400, "validation_error")["fields"]

    inside = add(api, "机械厂工会", east, "base", token=token)
    caseworker = api.post(USERS, json={"name": "城东区经办人", "role": "caseworker"}, token=token)
    assert caseworker.status_code == 201 and caseworker.json()["org_unit_id"] == east
    below = api.post(USERS, json={"name": "机械厂经办人", "role": "caseworker", "org_unit_id": inside["org_unit_id"]})
    assert below.status_code == 201 and below.json()["org_unit_id"] == inside["org_unit_id"]


def test_a_rename_keeps_the_unit_and_its_users(api, branch):
    east = branch["east"]["org_unit_id"]
    token = api.post(USERS, json={"name": "城东区管理员", "role": "admin", "org_unit_id": east}).json()["token"]

    renamed = api.patch(f"{UNITS}/{east}", json={"name": f"  城东新区总工会{branch['tag']} "}, token=token)

    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["org_unit_id"], renamed.json()["name"]) == (east, f"城东新区总工会{branch['tag']}")
    assert api.get(f"{UNITS}/{east}", token=token).json()["name"] == f"城东新区总工会{branch['tag']}"
    assert api.post(USERS, json={"name": "新经办人", "role": "caseworker"}, token=token).json()["org_unit_id"] == east


def test_the_bootstrap_admins_accounts_belong_to_the_root(api):
    """The gateway learns the root from the registry's event, once the system has started."""
    root_id, deadline = root(api)["org_unit_id"], time.monotonic() + 30
    while (made := api.post(USERS, json={"name": "经办人", "role": "caseworker"}).json())["org_unit_id"] is None:
        assert time.monotonic() < deadline, "the gateway never learnt the root"
        time.sleep(0.2)
    assert made["org_unit_id"] == root_id


def test_the_console_shows_a_district_admin_its_tree_and_adds_and_renames_units(api, branch):
    east, mill = branch["east"]["org_unit_id"], branch["mill"]["org_unit_id"]
    token = api.post(USERS, json={"name": "城东区管理员", "role": "admin", "org_unit_id": east}).json()["token"]
    console = signed_in(api.base_url, token)

    page = console.get("/org-units").text
    assert branch["east"]["name"] in page and "纺织厂工会" in page and branch["west"]["name"] not in page
    added = console.submit("/org-units", "/org-units", {"name": "机械厂工会", "parent_id": east, "level": "base"})
    assert added.status_code == 303, added.text[:500]
    renamed = console.submit("/org-units", f"/org-units/{mill}/rename", {"name": "第一纺织厂工会"})
    assert renamed.status_code == 303, renamed.text[:500]
    page = console.get(renamed.headers["Location"]).text
    assert "机械厂工会" in page and "第一纺织厂工会" in page and "已保存组织“第一纺织厂工会”" in page

    again = console.submit("/org-units", "/org-units", {"name": "机械厂工会", "parent_id": east, "level": "base"})
    assert again.status_code == 409 and "同一上级组织下已有名为“机械厂工会”的组织" in again.text
    caseworker = api.post(USERS, json={"name": "城东区经办人", "role": "caseworker"}, token=token).json()["token"]
    seen = signed_in(api.base_url, caseworker).get("/org-units")
    assert seen.status_code == 200 and "第一纺织厂工会" in seen.text and "新建下级组织" not in seen.text
