"""Text messages and opt-outs in the union tree (帮扶中心网络): they belong to their worker's unit, and a user sees and
acts on those of their own unit and the units below it only; one out of scope answers as one that does not exist and
is in no list or total, and moves with its worker's file."""

import re

from tests.e2e import aid_builders
from tests.e2e.aid_builders import create_campaign
from tests.e2e.builders import assert_error
from tests.e2e.conftest import ADMIN_TOKEN
from tests.e2e.console_client import signed_in
from tests.e2e.notify_builders import movable_clock  # noqa: F401  (a fixture)
from tests.e2e.scope_builders import branch, filed, moved_to  # noqa: F401  (branch: a fixture)
from tests.integration.conftest import wait_until

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned
NOTIFICATIONS = "/api/v1/notifications"
OPT_OUTS = "/api/v1/sms/opt-outs?per_page=500"


def listed(api, token: str, query: str) -> tuple[list[dict], int]:
    response = api.get(f"{NOTIFICATIONS}?{query}", token=token)
    assert response.status_code == 200, response.text
    return response.json()["items"], response.json()["total"]


def first_message(api, application_id: str) -> dict:
    """The application's submitted SMS, once notify has recorded it (as the root's admin sees it)."""
    return wait_until(lambda: next(iter(listed(api, ADMIN_TOKEN, f"application_id={application_id}")[0]), None), 30)


def test_a_message_is_seen_in_its_workers_unit_and_above_only(aid_api, branch):
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills = filed(aid_api, branch, campaign_id, "mill")
    message = first_message(aid_api, mills)
    worker_id = branch["workers"]["mill"]["worker_id"]
    tokens = branch["tokens"]

    for query in (f"application_id={mills}", f"worker_id={worker_id}"):
        assert listed(aid_api, tokens["works"], query) == ([], 0)
        assert [item["notification_id"] for item in listed(aid_api, tokens["mill"], query)[0]] == [
            message["notification_id"]
        ]
        assert listed(aid_api, tokens["district"], query)[1] == 1
    resend = f"{NOTIFICATIONS}/{message['notification_id']}/resend"
    assert_error(aid_api.post(resend, json={}, token=tokens["works"]), 404, "not_found")
    assert_error(aid_api.post(resend, json={}, token=tokens["mill"]), 409, "invalid_transition")  # not failed: found
    # the console's application page lists it to the worker's unit
    mill_console = signed_in(aid_api.base_url, tokens["mill"])
    assert message["text"] in mill_console.get(f"/applications/{mills}").text


def test_an_opt_out_is_made_and_seen_in_its_workers_scope_only(aid_api, branch):
    worker_id = branch["workers"]["mill"]["worker_id"]
    opt_out = f"/api/v1/workers/{worker_id}/sms-opt-out"
    tokens = branch["tokens"]

    assert_error(aid_api.post(opt_out, json={"reason": "本人要求"}, token=tokens["works"]), 404, "not_found")
    assert aid_api.post(opt_out, json={"reason": "本人要求"}, token=tokens["district"]).status_code == 200

    def opted_out(token):
        return {item["worker_id"] for item in aid_api.get(OPT_OUTS, token=token).json()["items"]}

    assert worker_id in opted_out(tokens["mill"]) and worker_id in opted_out(tokens["district"])
    assert worker_id not in opted_out(tokens["works"])
    one_worker = f"{OPT_OUTS}&worker_id={worker_id}"
    [mine] = aid_api.get(one_worker, token=tokens["mill"]).json()["items"]
    assert (mine["worker_id"], mine["reason"]) == (worker_id, "本人要求")
    sibling = aid_api.get(one_worker, token=tokens["works"]).json()
    assert (sibling["items"], sibling["total"]) == ([], 0)
    assert_error(aid_api.call("DELETE", opt_out, token=tokens["works"]), 404, "not_found")
    assert worker_id in opted_out(ADMIN_TOKEN)  # the sibling's attempt changed nothing


def test_messages_and_opt_outs_follow_their_worker_to_another_union(aid_api, branch):
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills = filed(aid_api, branch, campaign_id, "mill")
    first_message(aid_api, mills)
    worker_id = branch["workers"]["mill"]["worker_id"]
    opt_out = f"/api/v1/workers/{worker_id}/sms-opt-out"
    assert aid_api.post(opt_out, json={"reason": "本人要求"}, token=branch["tokens"]["mill"]).status_code == 200

    moved_to(aid_api, branch, "mill", "works")

    wait_until(lambda: listed(aid_api, branch["tokens"]["works"], f"application_id={mills}")[1] == 1, 30)
    assert listed(aid_api, branch["tokens"]["mill"], f"application_id={mills}") == ([], 0)
    works_opt_outs = aid_api.get(OPT_OUTS, token=branch["tokens"]["works"]).json()["items"]
    assert worker_id in {item["worker_id"] for item in works_opt_outs}


def test_the_consoles_message_and_opt_out_pages_list_the_visitors_scope_only(aid_api, branch, movable_clock):
    """短信记录 and 短信退订: the API's filters and lists, in the visitor's scope, phones masked by the one rule (the
    clock in the daytime: the message is sent, out of quiet hours, and carries its number)."""
    campaign_id = create_campaign(aid_api, org_unit_id=branch["units"]["district"]["org_unit_id"])["campaign_id"]
    mills = filed(aid_api, branch, campaign_id, "mill")
    worker = branch["workers"]["mill"]
    sent = wait_until(
        lambda: next((m for m in listed(aid_api, ADMIN_TOKEN, f"application_id={mills}")[0] if m["phone"]), None), 30
    )
    assert sent["phone"] == worker["phone"]  # notify masks the number as the registry does
    consoles = {label: signed_in(aid_api.base_url, branch["tokens"][label]) for label in ("mill", "district", "works")}
    row = f'id="notification-{sent["notification_id"]}"'

    def page(label: str, path: str):
        answer = consoles[label].get(path)
        assert answer.status_code == 200, answer.text[-500:]
        return answer.text

    district = page("district", "/notifications")  # the district's fresh subtree: its one message on the first page
    assert row in district and worker["phone"] in district and "申请已受理" in district and "已发送" in district
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", district)  # no phone number in full
    mine = f"/notifications?worker_id={worker['worker_id']}"
    assert row in page("mill", mine + "&template=submitted&status=sent")
    assert row not in page("mill", mine + "&template=rejected") and "没有符合条件的短信" in page(
        "mill", mine + "&status=failed"
    )
    assert row not in page("works", mine) and row not in page("works", "/notifications")
    refused = consoles["mill"].get("/notifications?status=lost")
    assert refused.status_code == 400 and "未知的短信状态" in refused.text

    opt_out = f"/api/v1/workers/{worker['worker_id']}/sms-opt-out"
    assert aid_api.post(opt_out, json={"reason": "本人电话要求"}, token=branch["tokens"]["mill"]).status_code == 200
    listed_opt_out = f'id="opt-out-{worker["worker_id"]}"'
    for label in ("mill", "district"):
        shown = page(label, "/sms/opt-outs")
        assert listed_opt_out in shown and "本人电话要求" in shown and "工作人员登记" in shown
    assert listed_opt_out not in page("works", "/sms/opt-outs")
