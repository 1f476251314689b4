"""An admin manages the accounts of their own subtree only: the list and its total hold those, and an account of
another district answers revoke and a new token, in the API and the console, as an unknown one does (404); the
root's admins see every account. A donor's account, which reads its donor whatever its unit, is bound only to a donor
of the admin's subtree."""

from tests.e2e.builders import accounts_by_id, add_unit, assert_error, new_donor, new_user, own_tag, root_unit
from tests.e2e.conftest import ADMIN_TOKEN
from tests.e2e.console_client import signed_in

USERS = "/api/v1/users"


def test_a_district_admin_manages_the_accounts_of_its_subtree_only(api):
    tag, root = own_tag(), root_unit(api)
    east, west = (add_unit(api, f"{name}区总工会{tag}", root, "district")["org_unit_id"] for name in ("东", "西"))
    base = add_unit(api, f"东区一厂工会{tag}", east, "base")["org_unit_id"]
    admin = new_user(api, "admin", org_unit_id=east)
    caseworker, finance = new_user(api, "caseworker", org_unit_id=base), new_user(api, "finance", org_unit_id=east)
    sibling = new_user(api, "caseworker", org_unit_id=west)
    own = {user["user_id"] for user in (admin, caseworker, finance)}

    assert set(accounts_by_id(api, token=admin["token"])) == own
    assert api.get(f"{USERS}?per_page=1", token=admin["token"]).json()["total"] == len(own)

    for action, body in (("revoke", {"reason": "越权"}), ("token", {})):
        refused = api.post(f"{USERS}/{sibling['user_id']}/{action}", json=body, token=admin["token"])
        assert_error(refused, 404, "not_found")
    console = signed_in(api.base_url, admin["token"])
    page = console.get("/users")
    assert page.status_code == 200 and caseworker["user_id"] in page.text and sibling["user_id"] not in page.text
    assert console.submit("/users", f"/users/{sibling['user_id']}/revoke", {"reason": "越权"}).status_code == 404
    assert console.submit("/users", f"/users/{sibling['user_id']}/token").status_code == 404
    assert api.get("/api/v1/org-units", token=sibling["token"]).status_code == 200  # still signs in

    renewed = api.post(f"{USERS}/{caseworker['user_id']}/token", json={}, token=admin["token"])
    assert renewed.status_code == 200, renewed.text
    revoked = api.post(f"{USERS}/{finance['user_id']}/revoke", json={"reason": "已调离"}, token=admin["token"])
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked", revoked.text

    root_admin = new_user(api, "admin", org_unit_id=root)["token"]
    for token in (ADMIN_TOKEN, root_admin):
        assert own | {sibling["user_id"]} <= set(accounts_by_id(api, token=token))
    renewed = api.post(f"{USERS}/{sibling['user_id']}/token", json={}, token=root_admin)
    assert renewed.status_code == 200, renewed.text


def test_the_console_offers_an_admin_the_units_of_its_subtree_to_put_a_new_account_in(api):
    tag, root = own_tag(), root_unit(api)
    east, west = (add_unit(api, f"{name}区总工会{tag}", root, "district")["org_unit_id"] for name in ("东", "西"))
    base = add_unit(api, f"东区一厂工会{tag}", east, "base")["org_unit_id"]
    console = signed_in(api.base_url, new_user(api, "admin", org_unit_id=east)["token"])

    page = console.get("/users").text
    assert f'<option value="{east}">东区总工会{tag}</option>' in page
    assert f'<option value="{base}">\u3000东区一厂工会{tag}</option>' in page  # under its district
    assert west not in page
    made = console.submit("/users", "/users", {"name": f"一厂经办人{tag}", "role": "caseworker", "org_unit_id": base})
    assert made.status_code == 200 and f"一厂经办人{tag}" in made.text, made.text[:500]
    (account,) = [item for item in accounts_by_id(api).values() if item["name"] == f"一厂经办人{tag}"]
    assert account["org_unit_id"] == base
    refused = console.submit("/users", "/users", {"name": "越权经办人", "role": "caseworker", "org_unit_id": west})
    assert refused.status_code == 400 and "未知的组织" in refused.text


def test_an_admin_binds_a_donors_account_only_to_a_donor_of_its_subtree(api):
    tag, root = own_tag(), root_unit(api)
    east, west = (add_unit(api, f"{name}区总工会{tag}", root, "district")["org_unit_id"] for name in ("东", "西"))
    base = add_unit(api, f"东区一厂工会{tag}", east, "base")["org_unit_id"]
    donors = {unit: new_donor(api, org_unit_id=unit)["donor_id"] for unit in (east, west, base)}
    admins = {unit: new_user(api, "admin", org_unit_id=unit)["token"] for unit in (east, base)}
    refused_name = f"越权捐赠人{tag}"

    # another district's donor, the district above's (from its base union), none, and what is no id at all
    for admin, donor_id in ((east, donors[west]), (base, donors[east]), (east, "0" * 32), (east, "d1")):
        body = {"name": refused_name, "role": "donor", "donor_id": donor_id}
        error = assert_error(api.post(USERS, json=body, token=admins[admin]), 400, "validation_error")
        assert error["fields"] == {"donor_id": ["未知的捐赠人：须是本组织或下级组织登记的捐赠人"]}
    console = signed_in(api.base_url, admins[east])
    refused = console.submit("/users", "/users", {"name": refused_name, "role": "donor", "donor_id": donors[west]})
    assert refused.status_code == 400 and 'data-field="donor_id">未知的捐赠人' in refused.text, refused.text[-500:]
    assert [item for item in accounts_by_id(api).values() if item["name"] == refused_name] == []

    # its base union's donor, from the district
    body = {"name": f"一厂捐赠人{tag}", "role": "donor", "donor_id": donors[base]}
    bound = api.post(USERS, json=body, token=admins[east])
    assert bound.status_code == 201 and bound.json()["org_unit_id"] == east, bound.text
    assert api.get(f"/api/v1/donors/{donors[base]}", token=bound.json()["token"]).status_code == 200
    made = console.submit("/users", "/users", body)
    assert made.status_code == 200 and 'id="new-token"' in made.text, made.text[-500:]
