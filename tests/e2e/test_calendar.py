"""The official working calendar over HTTP: 公示 across 春节, a year with no calendar, entering it, the console."""

import pytest
from sqlalchemy import text

from shared.db import make_engine
from tests.conftest import ADMIN_TOKEN
from tests.e2e.aid_builders import (
    Staff,
    act,
    acted,
    application,
    campaign,
    create_campaign,
    money,
    refused,
    submitted,
    worker,
)
from tests.e2e.builders import assert_error, new_user
from tests.e2e.console_client import signed_in

NEXT_YEAR = {"holidays": ["2027-01-01"], "workdays": ["2027-01-02"]}  # synthetic: a Friday off, the Saturday worked


def filed(api, staff, campaign_id: str) -> str:
    _body, registered = worker(api)
    return submitted(api, staff.maker, campaign_id, registered["worker_id"])["application_id"]


@pytest.fixture
def year_2027_not_entered(live):
    """2027, the first year after the built-in official calendar, with no calendar entered: the session's system
    is shared, and entering 2027 is what these tests (and others) do; the entry is removed before and after."""

    def remove():
        engine = make_engine(live.settings["AID_DB_URL"])
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM calendar_years WHERE year = 2027"))
        engine.dispose()

    remove()
    yield live
    remove()


def put_calendar(api, year: int, body: dict, token: str = ADMIN_TOKEN):
    return api.call("PUT", f"/api/v1/calendar/{year}", token=token, json=body)


def test_every_approval_counts_the_notice_over_the_spring_festival(live):
    live.set(HARDSHIP_TODAY="2026-02-11")  # aid reads the business date per call
    api = live.api
    staff = Staff(api)
    campaign_id = create_campaign(api, opens_on="2026-02-01", closes_on="2026-02-28")["campaign_id"]
    single, *batch = (filed(api, staff, campaign_id) for _ in range(3))

    assert acted(api, staff.checker, single, "approve")["publicity_ends_on"] == "2026-02-25"  # not 02-18, in 春节
    acted(api, staff.checker, single, "objection", reason="群众反映情况不实")
    assert acted(api, staff.checker, single, "approve")["publicity_ends_on"] == "2026-02-25"
    answer = api.post("/api/v1/applications/approve-batch", token=staff.checker, json={"application_ids": batch})
    assert answer.json() == {"approved": batch, "failed": []}
    assert {application(api, each)["publicity_ends_on"] for each in batch} == {"2026-02-25"}

    shown = api.get("/api/v1/calendar/2026", token=new_user(api, "auditor")["token"])
    assert shown.status_code == 200, shown.text
    assert shown.json()["source"] == "official"
    assert "2026-02-14" in shown.json()["workdays"] and "2026-02-16" in shown.json()["holidays"]


def test_a_notice_into_a_year_with_no_calendar_is_refused_until_an_admin_enters_it(year_2027_not_entered):
    live = year_2027_not_entered
    live.set(HARDSHIP_TODAY="2026-12-28")
    api = live.api
    staff = Staff(api)
    campaign_id = create_campaign(api, opens_on="2026-12-01", closes_on="2027-01-31")["campaign_id"]
    application_id = filed(api, staff, campaign_id)
    assert_error(api.get("/api/v1/calendar/2027", token=staff.maker), 404, "not_found")

    error = refused(act(api, staff.checker, application_id, "approve"), "calendar_missing")
    assert error["year"] == 2027 and "2027" in error["message"]
    batch = api.post(
        "/api/v1/applications/approve-batch", token=staff.checker, json={"application_ids": [application_id]}
    )
    assert [(each["application_id"], each["code"]) for each in batch.json()["failed"]] == [
        (application_id, "calendar_missing")
    ]
    left = application(api, application_id)
    assert (left["status"], left["publicity_ends_on"], len(left["history"])) == ("submitted", None, 1)
    assert money(campaign(api, campaign_id))[1] == 0  # nothing committed

    mistyped = assert_error(
        put_calendar(api, 2027, {"holidays": ["2026-12-31", "2027-02-30"], "workdays": ["2027-01-04"]}),
        400,
        "validation_error",
    )
    assert mistyped["fields"] == {
        "holidays": ["2026-12-31 不在2027年内", "“2027-02-30”不是有效日期，应为 YYYY-MM-DD"],
        "workdays": ["2027-01-04 是星期一，本来就上班；调休上班日应为周六或周日"],
    }
    assert_error(put_calendar(api, 2027, {"holidays": ["2027-01-01"]}), 400, "validation_error")
    assert_error(api.get("/api/v1/calendar/2027"), 404, "not_found")  # nothing half-written
    assert_error(put_calendar(api, 2026, {"holidays": ["2026-01-01"], "workdays": []}), 409, "calendar_official")

    entered = put_calendar(api, 2027, NEXT_YEAR)
    assert entered.status_code == 200, entered.text
    assert {key: entered.json()[key] for key in ("year", "holidays", "workdays", "source")} == {
        "year": 2027,
        **NEXT_YEAR,
        "source": "entered",
    }
    assert api.get("/api/v1/calendar/2027", token=staff.maker).json() == entered.json()
    # 12-29, 12-30, 12-31, then 01-01 off, the make-up Saturday 01-02 worked, Sunday off, Monday 01-04
    assert acted(api, staff.checker, application_id, "approve")["publicity_ends_on"] == "2027-01-04"


def test_the_console_warns_staff_from_november_and_the_admin_enters_next_year(year_2027_not_entered):
    live = year_2027_not_entered
    live.set(HARDSHIP_TODAY="2026-11-02")  # aid and the gateway's console read the business date per call
    api = live.api
    admin = signed_in(api.base_url, ADMIN_TOKEN)
    caseworker = signed_in(api.base_url, new_user(api, "caseworker")["token"])
    donor = signed_in(api.base_url, new_user(api, "donor")["token"])
    assert 'id="calendar-warning"' in admin.get("/").text and 'href="/calendar?year=2027"' in admin.get("/").text
    for page in ("/", "/reviews"):
        shown = caseworker.get(page).text
        assert 'id="calendar-warning"' in shown and "尚无2027年的节假日安排" in shown, page
    assert 'id="calendar-warning"' not in donor.get("/").text
    read_only = caseworker.get("/calendar")  # any staff read it, as the API lets them; only the admin enters a year
    assert read_only.status_code == 200 and 'id="calendar-missing"' in read_only.text
    assert 'action="/calendar"' not in read_only.text and 'id="calendar-admin-only"' in read_only.text
    assert donor.get("/calendar").status_code == 403
    assert caseworker.submit("/calendar?year=2027", "/calendar", {"year": "2027", "holidays": ""}).status_code == 403

    form = admin.get("/calendar")
    assert form.status_code == 200 and "2027年工作日历" in form.text and 'id="calendar-missing"' in form.text
    refused_form = admin.submit(
        "/calendar", "/calendar", {"year": "2027", "holidays": "2027-01-01", "workdays": "2027-01-01"}
    )
    assert refused_form.status_code == 400 and 'data-field="workdays"' in refused_form.text
    saved = admin.submit(
        "/calendar",
        "/calendar",
        {"year": "2027", "holidays": "2027-01-01\n2027-02-05，2027-02-06", "workdays": "2027-01-02"},
    )
    assert (saved.status_code, saved.headers["Location"]) == (303, "/calendar?year=2027&done=1")
    page = admin.get(saved.headers["Location"]).text
    assert 'id="calendar-saved"' in page and "2027-01-01、2027-02-05、2027-02-06" in page
    assert (
        'id="calendar-warning"' not in admin.get("/").text and 'id="calendar-warning"' not in caseworker.get("/").text
    )
    official = admin.get("/calendar?year=2026").text
    assert "内置官方日历" in official and 'action="/calendar"' not in official
