"""The console's worker page does what the API's worker routes do: the file's status with a reason and its history,
full numbers for the roles allowed (audited), the audit trail, the text-message opt-out, and links to edit and file."""

import re

from tests.e2e.builders import create_worker, masked_id, masked_phone, new_user
from tests.e2e.console_client import signed_in


def field_error(page: str, field: str) -> str:
    found = re.search(rf'data-field="{field}">([^<]+)</span>', page)
    assert found, page[-1500:]
    return found.group(1)


def file_of(api, worker_id: str) -> dict:
    answer = api.get(f"/api/v1/workers/{worker_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_caseworker_changes_the_status_with_a_reason_and_sees_it_in_the_history(api):
    _body, created = create_worker(api)
    page = f"/workers/{created['worker_id']}"
    caseworker = new_user(api, "caseworker")
    console = signed_in(api.base_url, caseworker["token"])
    assert re.search(r'id="worker-status">在档<', console.get(page).text)

    changed = console.submit(page, page + "/status", {"status": "suspended", "reason": "待复核收入"})

    assert changed.status_code == 303 and changed.headers["Location"] == page
    shown = console.get(page).text
    assert re.search(r'id="worker-status">暂停<', shown)
    history = shown[shown.index('id="status-history"') :]
    assert re.search(rf"<td>在档</td><td>暂停</td><td>经办人 {caseworker['user_id']}</td><td>待复核收入</td>", history)
    assert [step["to"] for step in file_of(api, created["worker_id"])["status_history"]] == ["active", "suspended"]


def test_a_refused_status_change_is_shown_on_its_form_in_chinese_and_changes_nothing(api):
    _body, created = create_worker(api)
    page = f"/workers/{created['worker_id']}"
    console = signed_in(api.base_url, new_user(api, "caseworker")["token"])

    no_reason = console.submit(page, page + "/status", {"status": "exited", "reason": ""})
    same = console.submit(page, page + "/status", {"status": "active", "reason": "核查"})
    unknown = console.submit(page, page + "/status", {"status": "gone", "reason": "核查"})

    assert no_reason.status_code == 400 and re.search(r"[\u4e00-\u9fff]", field_error(no_reason.text, "reason"))
    assert same.status_code == 409 and field_error(same.text, "status") == "档案已经是“在档”状态，无需变更"
    assert unknown.status_code == 400 and field_error(unknown.text, "status")
    after = file_of(api, created["worker_id"])
    assert after["status"] == "active" and [step["to"] for step in after["status_history"]] == ["active"]


def test_full_numbers_are_shown_to_a_caseworker_on_request_and_audited(api):
    body, created = create_worker(api)
    page = f"/workers/{created['worker_id']}"
    caseworker = new_user(api, "caseworker")
    console = signed_in(api.base_url, caseworker["token"])
    masked = console.get(page).text
    assert "显示完整号码" in masked and body["id_number"] not in masked and masked_id(body["id_number"]) in masked

    revealed = console.submit(page, page + "/reveal")

    assert revealed.status_code == 200 and revealed.headers["Cache-Control"] == "no-store"
    for number in (body["id_number"], body["phone"], body["bank"]["account"]):
        assert number in revealed.text
    trail = api.get(f"/api/v1/workers/{created['worker_id']}/audit").json()["items"]
    assert [(entry["action"], entry["actor"]) for entry in trail][-1] == (
        "reveal",
        f"caseworker:{caseworker['user_id']}",
    )
    again = console.get(page).text  # the page itself stays masked
    assert body["phone"] not in again and masked_phone(body["phone"]) in again


def test_an_auditor_may_not_reveal_but_reads_the_audit_trail_by_name(api):
    body, created = create_worker(api)
    page = f"/workers/{created['worker_id']}"
    caseworker = new_user(api, "caseworker")
    signed_in(api.base_url, caseworker["token"]).submit(page, page + "/reveal")
    auditor = signed_in(api.base_url, new_user(api, "auditor")["token"])
    shown = auditor.get(page).text
    assert "显示完整号码" not in shown and 'action="/workers/' not in shown and f'href="{page}/audit"' in shown

    refused = auditor.post(page + "/reveal", {"csrf_token": auditor.csrf_token(page)})
    trail = auditor.get(page + "/audit")

    assert refused.status_code == 403 and body["id_number"] not in refused.text
    assert trail.status_code == 200
    rows = trail.text[trail.text.index('id="audit-trail"') :]
    assert "<td>建档</td>" in rows
    assert re.search(rf"<td>经办人 {caseworker['user_id']}</td><td>查看完整号码</td>", rows)
    assert signed_in(api.base_url, caseworker["token"]).get(page + "/audit").status_code == 403


def test_a_status_change_is_named_in_the_audit_trail(api):
    _body, created = create_worker(api)
    page = f"/workers/{created['worker_id']}"
    console = signed_in(api.base_url, new_user(api, "caseworker")["token"])
    assert console.submit(page, page + "/status", {"status": "exited", "reason": "退休"}).status_code == 303

    admin = signed_in(api.base_url, new_user(api, "admin")["token"])
    trail = admin.get(page + "/audit").text

    assert "<td>变更档案状态</td><td>在档 → 已退出</td>" in trail


def test_a_caseworker_opts_a_worker_out_of_text_messages_and_back_in(api):
    _body, created = create_worker(api)
    worker_id = created["worker_id"]
    page = f"/workers/{worker_id}"
    caseworker = new_user(api, "caseworker")
    console = signed_in(api.base_url, caseworker["token"])
    assert re.search(r'id="sms-state">接收<', console.get(page).text)

    refused = console.submit(page, page + "/sms-opt-out", {"reason": ""})
    assert refused.status_code == 400 and field_error(refused.text, "reason")
    assert 'id="sms-opt-out"' in refused.text and re.search(r'id="sms-state">接收<', refused.text)

    opted_out = console.submit(page, page + "/sms-opt-out", {"reason": "本人要求不再接收"})
    assert opted_out.status_code == 303 and opted_out.headers["Location"] == page
    shown = console.get(page).text
    state = re.search(r'id="sms-state">([^<]+)<', shown).group(1)
    assert state.startswith("不接收") and "本人要求不再接收" in state and f"经办人 {caseworker['user_id']}" in state
    assert 'id="sms-opt-in"' in shown and 'id="sms-opt-out"' not in shown

    opted_in = console.submit(page, page + "/sms-opt-in")
    assert opted_in.status_code == 303
    assert re.search(r'id="sms-state">接收<', console.get(page).text)
    listed = api.get("/api/v1/sms/opt-outs", params={"per_page": 500}).json()
    assert worker_id not in {item["worker_id"] for item in listed["items"]}


def test_the_links_to_edit_and_to_file_are_shown_to_those_who_may(api):
    _body, created = create_worker(api)
    page = f"/workers/{created['worker_id']}"
    caseworker = signed_in(api.base_url, new_user(api, "caseworker")["token"])
    finance = signed_in(api.base_url, new_user(api, "finance")["token"])

    assert f'href="{page}/edit">修改档案' in caseworker.get(page).text
    assert 'href="/workers/new">新建档案' in caseworker.get("/workers").text
    assert "修改档案" not in finance.get(page).text and "新建档案" not in finance.get("/workers").text
