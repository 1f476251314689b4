"""Payee changes need a second person: bank details change only through a change request another user approves."""

from tests.e2e.aid_builders import aid_api, create_campaign, submitted  # noqa: F401
from tests.e2e.builders import assert_error, create_worker, fresh_account, new_user
from tests.e2e.console_client import signed_in
from tests.fakes.sheets import generate_workers, to_csv_bytes

REQUESTS = "/api/v1/change-requests"


def masked(account: str) -> str:
    return "****" + account[-4:]


def patched(api, worker_id: str, token: str, **fields) -> dict:
    response = api.patch(f"/api/v1/workers/{worker_id}", token=token, json=fields)
    assert response.status_code == 202, response.text
    return response.json()


def decided(api, change_request_id: str, action: str, token: str, **body) -> dict:
    response = api.post(f"{REQUESTS}/{change_request_id}/{action}", token=token, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def review_row(api, console, application_id: str) -> str:
    """The application's row of the console's review queue. The queue lists every submitted application, the
    oldest first, 100 a page, other tests' too: the newest, this test's, is on the last page."""
    total = api.get("/api/v1/applications", params={"status": "submitted", "per_page": 1}).json()["total"]
    page = console.get(f"/reviews?page={max(1, -(-total // 100))}")
    assert page.status_code == 200, page.text[:500]
    start = page.text.index(f'value="{application_id}"')
    return page.text[start : page.text.index("</tr>", start)]


def test_a_bank_change_waits_for_another_person_and_is_audited(api):
    maker, checker = new_user(api, "caseworker")["token"], new_user(api, "caseworker")["token"]
    auditor = api.token_for("auditor")
    body, worker = create_worker(api, token=maker)
    worker_id, old_account, new_account = worker["worker_id"], body["bank"]["account"], fresh_account()
    path = f"/api/v1/workers/{worker_id}"

    pending = patched(api, worker_id, maker, household_size=5, bank={"name": "中国银行", "account": new_account})
    assert pending["status"] == "pending" and pending["change_request_id"]
    assert pending["worker"]["household_size"] == 5  # the rest of the PATCH applies at once
    assert pending["worker"]["bank"] == {"name": "中国工商银行", "account": masked(old_account)}
    shown = api.get(path).json()
    assert (shown["bank"]["account"], shown["bank_changed_at"]) == (masked(old_account), None)
    assert (
        patched(api, worker_id, maker, bank={"name": "中国银行", "account": new_account})["change_request_id"]
        == (pending["change_request_id"])
    )  # the same details again: the same request

    listing = api.get(f"{REQUESTS}?status=pending&worker_id={worker_id}", token=auditor)
    assert listing.status_code == 200 and new_account not in listing.text and old_account not in listing.text
    [request] = listing.json()["items"]
    assert (request["change_request_id"], request["source"], request["name"]) == (
        pending["change_request_id"],
        "api",
        "张*明",
    )
    assert request["old_bank"] == {"name": "中国工商银行", "account": masked(old_account)}
    assert request["new_bank"] == {"name": "中国银行", "account": masked(new_account)}

    assert_error(api.post(f"{REQUESTS}/{request['change_request_id']}/approve", token=maker, json={}), 409, "same_user")
    assert api.get(path).json()["bank"]["account"] == masked(old_account)
    approved = decided(api, request["change_request_id"], "approve", checker)
    assert (approved["status"], approved["decided_by"] is not None) == ("approved", True)
    assert_error(
        api.post(f"{REQUESTS}/{request['change_request_id']}/reject", token=checker, json={}), 409, "invalid_transition"
    )

    shown = api.get(path).json()
    assert shown["bank"] == {"name": "中国银行", "account": masked(new_account)} and shown["bank_changed_at"]
    assert api.get(path + "?reveal=1", token=checker).json()["bank"]["account"] == new_account

    # a newer request supersedes an older pending one; a rejection changes nothing
    first = patched(api, worker_id, maker, bank={"name": "中国银行", "account": fresh_account()})
    second = patched(api, worker_id, maker, bank={"name": "中国农业银行", "account": fresh_account()})
    assert first["change_request_id"] != second["change_request_id"]
    assert (
        api.get(f"{REQUESTS}?status=superseded&worker_id={worker_id}").json()["items"][0]["change_request_id"]
        == first["change_request_id"]
    )
    assert_error(
        api.post(f"{REQUESTS}/{second['change_request_id']}/reject", token=checker, json={"reason": " "}),
        400,
        "validation_error",
    )
    rejected = decided(api, second["change_request_id"], "reject", checker, reason="未见本人签字的变更申请")
    assert (rejected["status"], rejected["reason"]) == ("rejected", "未见本人签字的变更申请")
    assert api.get(path).json()["bank"]["account"] == masked(new_account)
    assert api.get(f"{REQUESTS}?status=pending&worker_id={worker_id}").json()["total"] == 0

    trail = api.get(path + "/audit", token=auditor).json()["items"]
    assert [entry["action"] for entry in trail] == [
        "create",
        "update",
        "payee_request",
        "payee_approve",
        "reveal",
        "payee_request",
        "payee_request",
        "payee_supersede",
        "payee_reject",
    ]
    assert trail[3]["details"] == {"change_request_id": request["change_request_id"]}
    assert trail[2]["actor"] == trail[0]["actor"] != trail[3]["actor"]
    assert new_account not in str(trail)

    assert_error(api.post(f"{REQUESTS}/{'0' * 32}/approve", token=checker, json={}), 404, "not_found")
    assert_error(api.get(f"{REQUESTS}?status=maybe"), 400, "validation_error")


def test_a_patch_with_half_of_the_bank_details_keeps_the_stored_half(api):
    maker = new_user(api, "caseworker")["token"]
    body, worker = create_worker(api, token=maker)
    path, new_account = f"/api/v1/workers/{worker['worker_id']}", fresh_account()

    pending = patched(api, worker["worker_id"], maker, bank={"account": new_account})
    [request] = api.get(f"{REQUESTS}?status=pending&worker_id={worker['worker_id']}").json()["items"]
    assert request["change_request_id"] == pending["change_request_id"]
    assert request["new_bank"] == {"name": body["bank"]["name"], "account": masked(new_account)}
    renamed = patched(api, worker["worker_id"], maker, bank={"name": "中国银行"})
    [request] = api.get(f"{REQUESTS}?status=pending&worker_id={worker['worker_id']}").json()["items"]
    assert request["change_request_id"] == renamed["change_request_id"]
    assert request["new_bank"] == {"name": "中国银行", "account": masked(body["bank"]["account"])}

    error = assert_error(api.patch(path, token=maker, json={"family": [{"name": "王芳"}]}), 400, "validation_error")
    assert "family" in error["fields"]
    assert api.get(path).json()["family"] == worker["family"]


def pending_total(api) -> int:
    """Pending change requests in the whole system (other tests' too: compared before and after)."""
    response = api.get(f"{REQUESTS}?status=pending")
    assert response.status_code == 200, response.text
    return response.json()["total"]


def test_an_import_row_with_new_bank_details_opens_a_request_and_applies_the_rest(api):
    before = pending_total(api)
    rows = generate_workers(6, seed=17)
    first = api.post("/api/v1/workers/import", data=to_csv_bytes(rows)).json()
    assert first["created"] == 6 and first["pending_changes"] == []
    old_account, new_account = rows[2]["bank_account"], fresh_account()
    rows[2] = {**rows[2], "bank_account": new_account}
    rows[4] = {**rows[4], "bank_account": fresh_account(), "phone": "13912345678"}

    again = api.post("/api/v1/workers/import", data=to_csv_bytes(rows)).json()

    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 1, 5, [])
    assert [change["row"] for change in again["pending_changes"]] == [4, 6]  # the header is row 1
    worker_id = again["pending_changes"][0]["worker_id"]
    shown = api.get(f"/api/v1/workers/{worker_id}").json()
    assert shown["bank"]["account"] == masked(old_account) != masked(new_account)
    other = api.get(f"/api/v1/workers/{again['pending_changes'][1]['worker_id']}").json()
    assert other["phone"] == "139****5678" and other["bank"]["account"] != masked(rows[4]["bank_account"])
    [request] = api.get(f"{REQUESTS}?worker_id={worker_id}").json()["items"]
    assert (request["source"], request["new_bank"]["account"]) == ("import", masked(new_account))

    third = api.post("/api/v1/workers/import", data=to_csv_bytes(rows)).json()
    assert third["pending_changes"] == again["pending_changes"]  # importing it again asks for nothing new
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 0, 6)
    assert pending_total(api) == before + 2  # the two rows' requests and no other


def test_the_console_queue_approves_and_the_review_pages_flag_the_new_payee(aid_api):
    api = aid_api
    maker, checker = new_user(api, "caseworker")["token"], new_user(api, "caseworker")["token"]
    campaign = create_campaign(api)
    _body, worker = create_worker(api, token=maker)
    new_account = fresh_account()
    change = patched(api, worker["worker_id"], maker, bank={"name": "中国银行", "account": new_account})
    application = submitted(api, maker, campaign["campaign_id"], worker["worker_id"])
    console = signed_in(api.base_url, checker)
    assert "payee-changed" not in console.get(f"/applications/{application['application_id']}").text

    # the queue (pending requests) holds other tests' too: this worker's part of it
    queue = console.get(f"/change-requests?worker_id={worker['worker_id']}")
    assert queue.status_code == 200 and f'id="change-{change["change_request_id"]}"' in queue.text
    assert masked(new_account) in queue.text and new_account not in queue.text
    auditor = signed_in(api.base_url, api.token_for("auditor"))
    audited = auditor.get(f"/change-requests?worker_id={worker['worker_id']}")
    assert f'id="change-{change["change_request_id"]}"' in audited.text and "/approve" not in audited.text
    own = signed_in(api.base_url, maker).submit(
        "/change-requests", f"/change-requests/{change['change_request_id']}/approve"
    )
    assert own.status_code == 409 and "不能审批自己的申请" in own.text
    approved = console.submit("/change-requests", f"/change-requests/{change['change_request_id']}/approve")
    assert approved.status_code == 303 and approved.headers["Location"] == "/change-requests"

    assert api.get(f"/api/v1/workers/{worker['worker_id']}").json()["bank"]["account"] == masked(new_account)
    assert 'id="payee-changed"' in console.get(f"/applications/{application['application_id']}").text
    assert "收款账户近30日内变更" in review_row(api, console, application["application_id"])
    approved_list = console.get(f"/change-requests?status=approved&worker_id={worker['worker_id']}").text
    assert approved_list.count(masked(new_account)) == 1
    assert "经审批变更" in console.get(f"/workers/{worker['worker_id']}").text
    history = auditor.get(f"/change-requests?status=&worker_id={worker['worker_id']}")
    assert history.status_code == 200 and f'id="change-{change["change_request_id"]}"' in history.text
