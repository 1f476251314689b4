"""The console's change-request forms send the API's optional reason with an approval as with a rejection."""

from tests.e2e.aid_builders import aid_api  # noqa: F401
from tests.e2e.builders import create_worker, fresh_account, new_user
from tests.e2e.console_client import signed_in


def test_a_change_request_is_approved_with_a_reason_and_a_too_long_one_is_refused_on_its_field(aid_api):
    maker, checker = new_user(aid_api, "caseworker")["token"], new_user(aid_api, "caseworker")["token"]
    _, worker = create_worker(aid_api, token=maker)
    asked = aid_api.patch(
        f"/api/v1/workers/{worker['worker_id']}",
        token=maker,
        json={"bank": {"name": "中国银行", "account": fresh_account()}},
    )
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["change_request_id"]
    page = f"/change-requests?worker_id={worker['worker_id']}"
    console = signed_in(aid_api.base_url, checker)
    shown = console.get(page).text
    approve = f"/change-requests/{request_id}/approve?status=pending&worker_id={worker['worker_id']}"
    assert f'action="{approve}"' in shown.replace("&amp;", "&") and "批准意见（可选）" in shown

    too_long = console.submit(page, approve, {"reason": "核" * 501})
    assert too_long.status_code == 400 and 'data-field="reason">原因不能超过500个字' in too_long.text
    assert too_long.text.count('data-field="reason"') == 1 and "核" * 501 in too_long.text  # the approve form's
    (pending,) = aid_api.get("/api/v1/change-requests", params={"worker_id": worker["worker_id"]}).json()["items"]
    assert pending["status"] == "pending"

    approved = console.submit(page, approve, {"reason": "已核对银行卡复印件"})
    assert approved.status_code == 303
    params = {"worker_id": worker["worker_id"], "status": "approved"}
    (decided,) = aid_api.get("/api/v1/change-requests", params=params).json()["items"]
    assert (decided["status"], decided["reason"]) == ("approved", "已核对银行卡复印件")
    assert "已核对银行卡复印件" in console.get(f"/change-requests?status=&worker_id={worker['worker_id']}").text
