"""Caseworkers' console pages over HTTP: search, worker files, imports, applications and their review."""

import re
import time

from services.registry.spreadsheet import HEADER_BY_FIELD
from tests.e2e.aid_builders import Staff, acted, aid_api, application, create_campaign, submitted, worker  # noqa: F401
from tests.e2e.builders import SAMPLE_CSV, masked_id, new_user, own_tag, sample_expected_errors
from tests.e2e.console_client import signed_in

SCRIPT = "<script>alert(1)</script>"
QUEUE_SIZE = 100  # applications a page of the review queue shows, oldest first


def queue_page(api, position_from_end: int = 1) -> str:
    """The review-queue page that shows the submitted application `position_from_end` from the newest: the
    shared system's queue holds every test's applications, this test's are the newest."""
    total = api.get("/api/v1/applications", params={"status": "submitted", "per_page": 1}).json()["total"]
    return f"/reviews?page={(total - position_from_end) // QUEUE_SIZE + 1}"


INJECTION = "' OR 1=1 --"


def test_stored_markup_and_sql_come_back_inert_on_the_search_and_file_pages(aid_api):
    # the union ends in the injection, after a mark of this test's own: spliced into SQL, the quote would still
    # close the string and OR 1=1 match every worker of the shared register
    union = f"工会{own_tag()}{INJECTION}"
    body, created = worker(aid_api, employer=SCRIPT, union=union)
    worker(aid_api)  # another worker, who must not match the injected filter
    console = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    found = console.submit("/workers", "/workers", {"union": union})
    assert found.status_code == 200 and "共 1 人" in found.text
    file_page = console.get(f"/workers/{created['worker_id']}").text
    for page in (found.text, file_page):
        assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&#39; OR 1=1 --" in page
        assert body["id_number"] not in page and masked_id(body["id_number"]) in page
    born = body["id_number"][6:14]  # the starred digits: not even the year is on the file page
    assert not re.search(rf"(?<![0-9a-f]){born[:4]}(?![0-9a-f])", file_page) and born not in file_page


def test_searching_by_id_number_posts_it_and_shows_it_masked(aid_api):
    body, created = worker(aid_api)
    console = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    found = console.submit("/workers", "/workers", {"id_number": body["id_number"]})
    assert f"/workers/{created['worker_id']}" in found.text and body["id_number"] not in found.text
    refused = console.submit("/workers", "/workers", {"id_number": "123"})
    assert refused.status_code == 400 and 'data-field="id_number"' in refused.text


def test_an_import_shows_its_progress_then_every_rejected_row(aid_api):
    console = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    started = console.submit("/imports", "/imports", files={"file": ("workers_sample.csv", SAMPLE_CSV.read_bytes())})
    assert started.status_code == 303 and started.headers["Location"].startswith("/imports/")
    deadline = time.monotonic() + 60
    while "已完成" not in (progress := console.get(started.headers["Location"]).text):
        assert time.monotonic() < deadline and "失败" not in progress
        assert 'http-equiv="refresh"' in progress
        time.sleep(0.2)
    assert 'value="100"' in progress and 'http-equiv="refresh"' not in progress
    errors = progress[progress.index('id="import-errors"') :]
    shown = set(re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", errors))
    assert {(int(row), column) for row, column in shown} == {
        (row, HEADER_BY_FIELD[field]) for row, field in sample_expected_errors()
    }  # the sheet's own column names


def test_an_empty_upload_is_refused_next_to_the_file_field(aid_api):
    console = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    response = console.submit("/imports", "/imports", files={"file": ("empty.csv", b"")})
    assert response.status_code == 400 and "上传的文件是空的" in response.text


def test_the_application_form_shows_the_services_messages_by_field(aid_api):
    campaign = create_campaign(aid_api)
    console = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    missing = console.submit("/applications/new", "/applications/new", {"campaign_id": campaign["campaign_id"]})
    assert missing.status_code == 400
    assert re.search(r'data-field="worker_id">[^<]+</span>', missing.text)
    unknown = console.submit(
        "/applications/new", "/applications/new", {"campaign_id": campaign["campaign_id"], "worker_id": "f" * 32}
    )
    assert unknown.status_code == 404 and "不存在" in unknown.text
    education = create_campaign(aid_api, "education")
    _body, file = worker(aid_api)
    bad_year = console.submit(
        "/applications/new",
        "/applications/new",
        {
            "campaign_id": education["campaign_id"],
            "worker_id": file["worker_id"],
            "student.name": "李小红",
            "student.admission_year": "去年",
        },
    )
    assert bad_year.status_code == 400 and 'data-field="student.admission_year"' in bad_year.text
    assert 'data-field="student.school"' in bad_year.text


def test_submitted_by_one_caseworker_approved_by_another_with_history_and_sms(aid_api):
    campaign = create_campaign(aid_api)
    body, file = worker(aid_api)
    maker = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    checker = signed_in(aid_api.base_url, new_user(aid_api, "caseworker")["token"])
    made = maker.submit(
        f"/applications/new?worker_id={file['worker_id']}",
        "/applications/new",
        {"campaign_id": campaign["campaign_id"], "worker_id": file["worker_id"]},
    )
    assert made.status_code == 303
    application_path = made.headers["Location"]
    application_id = application_path.rsplit("/", 1)[1]

    own = maker.submit(application_path, f"{application_path}/approve")
    assert own.status_code == 409 and "不能" in own.text
    assert application_id in checker.get(queue_page(aid_api)).text
    no_reason = checker.submit(application_path, f"{application_path}/reject", {"reason": ""})
    assert no_reason.status_code == 400 and 'data-field="reason"' in no_reason.text
    approved = checker.submit("/reviews", f"{application_path}/approve", {"next": "/reviews"})
    assert approved.status_code == 303 and approved.headers["Location"] == "/reviews"

    deadline = time.monotonic() + 30
    while "【" not in (page := checker.get(application_path).text)[page.index('id="sms"') :]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    history = page[page.index('id="history"') : page.index('id="sms"')]
    assert "待审核" in history and "公示中" in history
    assert body["phone"] not in page and body["id_number"] not in page


def test_approving_a_batch_reports_each_failure(aid_api):
    campaign = create_campaign(aid_api)
    staff = Staff(aid_api)
    first, second, third = (
        submitted(aid_api, staff.maker, campaign["campaign_id"], worker(aid_api)[1]["worker_id"]) for _ in range(3)
    )
    checker = signed_in(aid_api.base_url, staff.checker)
    nothing = checker.submit("/reviews", "/reviews/approve-batch")
    assert nothing.status_code == 400 and "请先勾选" in nothing.text
    # the queue page the answer shows: where `first` is now, and where it would stay if it did not leave the
    # queue; once first and second leave, `third` moves up to that place
    page = queue_page(aid_api, 3)
    assert first["application_id"] in checker.get(page).text
    token = checker.csrf_token("/reviews")
    response = checker.post(
        "/reviews/approve-batch" + page.removeprefix("/reviews"),
        {"csrf_token": token, "application_ids": [first["application_id"], second["application_id"], "f" * 32]},
    )
    assert response.status_code == 200
    assert (
        "本级审核通过 2 件（最后一级通过的进入公示），1 件未能通过本级审核" in response.text
        and "f" * 32 in response.text
    )
    queue = response.text.split('id="batch-outcome"')[1]
    assert first["application_id"] not in queue and third["application_id"] in queue  # left the queue


def test_an_application_is_withdrawn_and_objected_to_from_its_page_as_the_api_does(aid_api):
    campaign = create_campaign(aid_api)
    staff = Staff(aid_api)
    first, second = (
        submitted(aid_api, staff.maker, campaign["campaign_id"], worker(aid_api)[1]["worker_id"]) for _ in range(2)
    )
    console = signed_in(aid_api.base_url, staff.maker)  # the submitter may withdraw, as over the API
    path = f"/applications/{first['application_id']}"
    page = console.get(path).text
    assert f'action="{path}/withdraw"' in page and f'action="{path}/objection"' not in page
    no_reason = console.submit(path, f"{path}/withdraw", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.text.count('data-field="reason"') == 1  # the withdraw form's
    withdrawn = console.submit(path, f"{path}/withdraw", {"reason": "职工已另获救助"})
    assert withdrawn.status_code == 303 and withdrawn.headers["Location"] == path
    assert application(aid_api, first["application_id"])["status"] == "withdrawn"
    page = console.get(path).text
    assert "已撤回" in page and "职工已另获救助" in page and f'action="{path}/withdraw"' not in page

    acted(aid_api, staff.checker, second["application_id"], "approve")
    path = f"/applications/{second['application_id']}"
    assert f'action="{path}/objection"' in console.get(path).text
    objected = console.submit(path, f"{path}/objection", {"reason": "群众反映家庭收入不实"})
    assert objected.status_code == 303
    assert application(aid_api, second["application_id"])["status"] == "submitted"
    again = console.submit(path, f"{path}/objection", {"reason": "再次异议"})
    assert again.status_code == 409 and "申请当前为「待审核」，不能执行此操作" in again.text
