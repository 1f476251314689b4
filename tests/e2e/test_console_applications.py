"""The console's general application list (申请查询): the API's list with its filters and pages, in the caller's
scope."""

from tests.e2e.aid_builders import Staff, acted, aid_api, application, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import new_user
from tests.e2e.console_client import signed_in


def test_the_application_list_filters_as_the_api_does_and_refuses_a_bad_filter_on_its_field(aid_api):
    campaign = create_campaign(aid_api)
    staff = Staff(aid_api)
    first, second = (
        submitted(aid_api, staff.maker, campaign["campaign_id"], worker(aid_api)[1]["worker_id"]) for _ in range(2)
    )
    acted(aid_api, staff.checker, second["application_id"], "reject", reason="收入超过标准")
    console = signed_in(aid_api.base_url, new_user(aid_api, "auditor")["token"])
    home = console.get("/").text
    assert 'href="/applications"' in home[home.index("<nav>") : home.index("</nav>")]

    both = console.get(f"/applications?campaign_id={campaign['campaign_id']}")
    assert both.status_code == 200 and "共 2 件" in both.text
    assert f'href="/applications/{first["application_id"]}"' in both.text and campaign["name"] in both.text
    rejected = console.get(f"/applications?campaign_id={campaign['campaign_id']}&status=rejected").text
    assert "共 1 件" in rejected and second["application_id"] in rejected and first["application_id"] not in rejected
    assert "未通过" in rejected
    by_worker = console.get(f"/applications?worker_id={first['worker_id']}").text
    assert first["application_id"] in by_worker and second["application_id"] not in by_worker

    wrong_status = console.get("/applications?status=approved")
    assert wrong_status.status_code == 400 and 'data-field="status">未知的状态' in wrong_status.text
    wrong_page = console.get("/applications?page=0")
    assert wrong_page.status_code == 400 and 'data-field="page">页码应为1至10000000' in wrong_page.text
    # the routes beside the list still answer: the form of a new application and an application's page
    assert signed_in(aid_api.base_url, staff.maker).get("/applications/new").status_code == 200
    assert console.get(f"/applications/{first['application_id']}").status_code == 200


def test_a_batch_approval_carries_its_note_into_each_history_and_a_long_one_is_refused_on_its_field(aid_api):
    campaign = create_campaign(aid_api)
    staff = Staff(aid_api)
    first, second = (
        submitted(aid_api, staff.maker, campaign["campaign_id"], worker(aid_api)[1]["worker_id"]) for _ in range(2)
    )
    chosen = [first["application_id"], second["application_id"]]
    checker = signed_in(aid_api.base_url, staff.checker)
    token = checker.csrf_token("/reviews")
    too_long = checker.post(
        "/reviews/approve-batch", {"csrf_token": token, "application_ids": chosen, "note": "核" * 501}
    )
    assert too_long.status_code == 400 and 'data-field="note">长度不能超过 500' in too_long.text
    assert "核" * 501 in too_long.text  # the note typed in, shown again to be shortened
    assert all(application(aid_api, each)["status"] == "submitted" for each in chosen)  # nothing approved

    done = checker.post(
        "/reviews/approve-batch", {"csrf_token": token, "application_ids": chosen, "note": "经入户核实，情况属实"}
    )
    assert done.status_code == 200 and "本级审核通过 2 件" in done.text
    for each in chosen:
        history = application(aid_api, each)["history"]
        assert history[-1]["to"] == "publicizing" and history[-1]["reason"] == "经入户核实，情况属实"
