"""Stored markup and SQL come back inert: as plain data in the API, escaped on every console page that shows them."""

from tests.e2e.aid_builders import Staff, aid_api, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import new_user, own_tag
from tests.e2e.console_client import signed_in

SCRIPT = "<script>alert(1)</script>"
INJECTION = "' OR 1=1 --"
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&#39; OR 1=1 --")


def test_stored_markup_and_sql_are_data_in_the_api_and_escaped_on_every_page(aid_api):
    staff = Staff(aid_api)
    # the union ends in the injection, after a mark of this test's own: spliced into SQL, the quote would still
    # close the string and OR 1=1 match every worker of the shared register
    union = f"工会{own_tag()}{INJECTION}"
    _body, filed = worker(aid_api, employer=SCRIPT, union=union)
    worker(aid_api)  # must not match the injected filter
    campaign = create_campaign(aid_api, name=f"{SCRIPT}{INJECTION}", publicity_days=5)
    shown = submitted(aid_api, staff.maker, campaign["campaign_id"], filed["worker_id"], note=SCRIPT)
    approved = aid_api.post(
        f"/api/v1/applications/{shown['application_id']}/approve", token=staff.checker, json={"note": INJECTION}
    )
    assert approved.status_code == 200, approved.text
    donor = aid_api.post("/api/v1/donors", json={"name": SCRIPT, "kind": "organization"}).json()

    answers = {
        "worker": aid_api.get(f"/api/v1/workers/{filed['worker_id']}"),
        "search": aid_api.get("/api/v1/workers", params={"union": union}),
        "application": aid_api.get(f"/api/v1/applications/{shown['application_id']}"),
        "publicity": aid_api.get(f"/api/v1/public/campaigns/{campaign['campaign_id']}/publicity", token=None),
        "donor": aid_api.get(f"/api/v1/donors/{donor['donor_id']}"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.text)
        assert response.headers["Content-Type"] == "application/json", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
    assert (answers["worker"].json()["employer"], answers["worker"].json()["union"]) == (SCRIPT, union)
    assert [item["worker_id"] for item in answers["search"].json()["items"]] == [filed["worker_id"]]
    assert [entry["reason"] for entry in answers["application"].json()["history"]] == [SCRIPT, INJECTION]
    assert answers["donor"].json()["name"] == SCRIPT

    console = signed_in(aid_api.base_url, new_user(aid_api, "admin")["token"])
    pages = [
        f"/workers/{filed['worker_id']}",
        "/campaigns",
        f"/campaigns/{campaign['campaign_id']}",
        f"/applications/{shown['application_id']}",
        "/donations",
        "/",
        f"/public/campaigns/{campaign['campaign_id']}/publicity",
        f"/public/campaigns/{campaign['campaign_id']}/disclosure",
    ]
    for path in pages:
        page = console.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert SCRIPT not in page.text, path
        assert any(escaped in page.text for escaped in ESCAPED), path
