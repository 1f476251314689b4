"""The console's move of a union unit under another (the API's PATCH with parent_id), and the registry's refusals
shown at the unit's form."""

from tests.e2e.builders import add_unit, own_tag
from tests.e2e.console_client import signed_in
from tests.e2e.test_org_units import UNITS, USERS, root


def move_form(page: str, org_unit_id: str) -> str:
    """The unit's move form in the tree, with any message shown at it."""
    start = page.index(f'action="/org-units/{org_unit_id}/move"')
    return page[start : page.index("</form>", start)]


def test_an_admin_moves_a_unit_and_the_registrys_refusals_show_at_its_form(api):
    tag, city = own_tag(), root(api)["org_unit_id"]
    east = add_unit(api, f"城东区总工会{tag}", city, "district")["org_unit_id"]
    west = add_unit(api, f"城西区总工会{tag}", city, "district")["org_unit_id"]
    mill = add_unit(api, "纺织厂工会", east, "base")["org_unit_id"]
    token = api.post(USERS, json={"name": "市管理员", "role": "admin", "org_unit_id": city}).json()["token"]
    console = signed_in(api.base_url, token)
    assert f'action="/org-units/{mill}/move"' in console.get("/org-units").text

    for unit, parent, status, message in [
        (east, mill, 409, "不能把组织调整到它自己或它的下级组织之下"),
        (east, west, 409, "该组织已有下级组织、职工档案或导入记录，不能调整上级组织"),
        (west, east, 400, 'data-field="parent_id">下级组织的级别应低于上级组织（上级为区县级）'),
        (mill, "", 400, 'data-field="parent_id">未知的组织'),
    ]:
        refused = console.submit("/org-units", f"/org-units/{unit}/move", {"parent_id": parent})
        assert refused.status_code == status and message in move_form(refused.text, unit), (unit, parent)
    placed = {item["org_unit_id"]: item["parent_id"] for item in api.get(UNITS + "?per_page=500").json()["items"]}
    assert (placed[east], placed[west], placed[mill]) == (city, city, east)  # nothing moved

    moved = console.submit("/org-units", f"/org-units/{mill}/move", {"parent_id": west})
    assert moved.status_code == 303, moved.text[:500]
    assert api.get(f"{UNITS}/{mill}").json()["path"] == [city, west]
    page = console.get(moved.headers["Location"]).text
    assert "已保存组织“纺织厂工会”" in page
    west_branch = page[page.index(f'data-org-unit-id="{west}"') :]
    assert f'data-org-unit-id="{mill}"' in west_branch[: west_branch.index("</ul>")]
