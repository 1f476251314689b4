"""Who may apply, for how much, and how often: every rule and every refusal code of POST /api/v1/applications."""

from shared.errors import looks_like_id
from tests.conftest import ADMIN_TOKEN
from tests.e2e import aid_builders
from tests.e2e.aid_builders import (
    EDUCATION_AMOUNTS,
    TODAY,
    WARMTH_AMOUNTS,
    Staff,
    acted,
    create_campaign,
    is_timestamp_with_offset,
    refused,
    student,
    submit,
    submitted,
    worker,
)
from tests.e2e.builders import assert_error, new_user

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned


def bad_check_char(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def applications_total(api) -> int:
    """How many applications the system holds (other tests' too: a test that must make none compares)."""
    response = api.get("/api/v1/applications")
    assert response.status_code == 200, response.text
    return response.json()["total"]


def set_status(api, worker_id: str, status: str) -> None:
    response = api.post(f"/api/v1/workers/{worker_id}/status", json={"status": status, "reason": "年度复核"})
    assert response.status_code == 200, response.text


# ---- amounts from the campaign's table ---------------------------------------------------------------


def test_warmth_pays_by_the_household_category(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    for category in ("deep", "relative", "accident"):
        body, filed = worker(aid_api, category=category, name="欧阳丽娜", union="机械工会")

        shown = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"], note="入户核实")

        application_id = shown.pop("application_id")
        assert looks_like_id(application_id)
        assert is_timestamp_with_offset(shown.pop("created_at")) and is_timestamp_with_offset(shown.pop("updated_at"))
        [entry] = shown.pop("history")
        assert is_timestamp_with_offset(entry.pop("at"))
        assert entry == {"from": None, "to": "submitted", "actor": staff.maker_actor, "reason": "入户核实"}
        assert shown == {
            "campaign_id": campaign_id,
            "program": "warmth",
            "worker_id": filed["worker_id"],
            "status": "submitted",
            "amount_fen": WARMTH_AMOUNTS[category],
            "name": "欧**娜",
            "id_number": filed["id_number"],
            "union": "机械工会",
            "category": category,
            "level": None,
            "student": None,
            "note": "入户核实",
            "submitted_by": staff.maker_actor,
            "publicity_ends_on": None,
            "batch_id": None,
            "bank_ref": None,
            "review": {"done": [], "next_level": None},
        }
        assert body["id_number"] not in str(shown)


def test_a_category_missing_from_the_table_is_not_eligible(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, amounts={"deep": 300_000})["campaign_id"]
    _body, filed = worker(aid_api, category="accident")
    refused(submit(aid_api, staff.maker, campaign_id, filed["worker_id"]), "not_eligible")


def test_education_pays_by_the_school_level(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, "education")["campaign_id"]
    for level, amount in EDUCATION_AMOUNTS.items():
        _body, filed = worker(aid_api)
        child = student(level=level, name="王小明")

        shown = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"], student=child)

        assert (shown["program"], shown["level"], shown["amount_fen"], shown["status"]) == (
            "education",
            level,
            amount,
            "submitted",
        )
        assert shown["student"] == {
            **child,
            "name": "王*明",
            "id_number": child["id_number"][:6] + "********" + child["id_number"][-4:],
        }
        assert child["id_number"] not in str(shown)


def test_education_refusals(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, "education", amounts={"undergraduate": 500_000})["campaign_id"]
    _body, filed = worker(aid_api)

    refused(
        submit(aid_api, staff.maker, campaign_id, filed["worker_id"], student=student(admission_year=2025)),
        "not_eligible",
    )
    refused(
        submit(aid_api, staff.maker, campaign_id, filed["worker_id"], student=student(level="senior_high")),
        "not_eligible",
    )
    for bad, field in (
        (None, "student"),
        (student(level="primary"), "student"),
        (student(id_number=bad_check_char(student()["id_number"])), "student"),
        ({**student(), "grade": 1}, "student"),
    ):
        error = assert_error(
            submit(aid_api, staff.maker, campaign_id, filed["worker_id"], student=bad), 400, "validation_error"
        )
        assert list(error["fields"]) == [field], error
    assert aid_api.get(f"/api/v1/applications?campaign_id={campaign_id}").json()["total"] == 0


def test_a_warmth_application_takes_no_student(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    _body, filed = worker(aid_api)
    error = assert_error(
        submit(aid_api, staff.maker, campaign_id, filed["worker_id"], student=student()), 400, "validation_error"
    )
    assert list(error["fields"]) == ["student"]


# ---- one warmth application per household per campaign ----------------------------------------------


def test_the_same_worker_twice_in_a_campaign_is_a_duplicate(aid_api):
    staff = Staff(aid_api)
    first, second = create_campaign(aid_api)["campaign_id"], create_campaign(aid_api, name="第二批")["campaign_id"]
    _body, filed = worker(aid_api)
    submitted(aid_api, staff.maker, first, filed["worker_id"])

    refused(submit(aid_api, staff.checker, first, filed["worker_id"]), "duplicate_application")
    assert submitted(aid_api, staff.maker, second, filed["worker_id"])["status"] == "submitted"


def test_a_family_member_on_file_as_a_worker_is_the_same_household(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    b_body, b = worker(aid_api, name="李四")
    _a_body, a = worker(
        aid_api, name="张三", family=[{"name": "李四", "relation": "配偶", "id_number": b_body["id_number"]}]
    )
    a_application = submitted(aid_api, staff.maker, campaign_id, a["worker_id"])

    refused(submit(aid_api, staff.maker, campaign_id, b["worker_id"]), "duplicate_application")

    acted(aid_api, staff.maker, a_application["application_id"], "withdraw", reason="改由配偶申请")
    assert submitted(aid_api, staff.maker, campaign_id, b["worker_id"])["status"] == "submitted"
    refused(submit(aid_api, staff.maker, campaign_id, a["worker_id"]), "duplicate_application")


def test_two_files_listing_the_same_family_member_are_one_household(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    child = {"name": "赵小小", "relation": "子女", "id_number": student()["id_number"]}
    _body, mother = worker(aid_api, family=[child])
    _body, father = worker(aid_api, family=[{**child, "relation": "女儿"}])
    mothers = submitted(aid_api, staff.maker, campaign_id, mother["worker_id"])

    refused(submit(aid_api, staff.maker, campaign_id, father["worker_id"]), "duplicate_application")

    acted(aid_api, staff.checker, mothers["application_id"], "reject", reason="材料不全")
    assert submitted(aid_api, staff.maker, campaign_id, father["worker_id"])["status"] == "submitted"


def test_a_family_member_listed_twice_does_not_block_the_household(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    child = {"name": "赵小小", "relation": "子女", "id_number": student()["id_number"]}
    _body, filed = worker(aid_api, family=[child, {**child, "name": "赵晓晓"}])

    assert submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["status"] == "submitted"
    refused(submit(aid_api, staff.maker, campaign_id, filed["worker_id"]), "duplicate_application")


# ---- one education grant per student per year -------------------------------------------------------


def test_one_grant_per_student_per_year(aid_api):
    staff = Staff(aid_api)
    august = create_campaign(aid_api, "education")["campaign_id"]
    top_up = create_campaign(aid_api, "education", name="补充批次")["campaign_id"]
    next_year = create_campaign(aid_api, "education", name="2027年金秋助学", year=2027)["campaign_id"]
    _body, mother = worker(aid_api)
    _body, father = worker(aid_api)
    child = student()
    first = submitted(aid_api, staff.maker, august, mother["worker_id"], student=child)

    refused(submit(aid_api, staff.maker, august, father["worker_id"], student=child), "duplicate_application")
    refused(
        submit(aid_api, staff.maker, top_up, father["worker_id"], student={**child, "school": "市职业技术学院"}),
        "duplicate_application",
    )
    assert submitted(aid_api, staff.maker, august, mother["worker_id"], student=student())["status"] == "submitted"
    assert (
        submitted(aid_api, staff.maker, next_year, mother["worker_id"], student={**child, "admission_year": 2027})[
            "status"
        ]
        == "submitted"
    )

    acted(aid_api, staff.maker, first["application_id"], "withdraw", reason="录取信息有误")
    assert submitted(aid_api, staff.maker, top_up, father["worker_id"], student=child)["status"] == "submitted"


# ---- relative hardship: one aid item a year ---------------------------------------------------------


def test_a_relative_hardship_household_gets_one_aid_a_year(aid_api):
    staff = Staff(aid_api)
    winter = create_campaign(aid_api)["campaign_id"]
    spring = create_campaign(aid_api, name="2026年春季送温暖")["campaign_id"]
    school = create_campaign(aid_api, "education")["campaign_id"]
    next_year = create_campaign(aid_api, name="2027年送温暖", year=2027)["campaign_id"]
    _body, relative = worker(aid_api, category="relative")
    _body, deep = worker(aid_api, category="deep")
    first = submitted(aid_api, staff.maker, winter, relative["worker_id"])

    refused(submit(aid_api, staff.maker, spring, relative["worker_id"]), "not_eligible")
    refused(submit(aid_api, staff.maker, school, relative["worker_id"], student=student()), "not_eligible")
    assert submitted(aid_api, staff.maker, next_year, relative["worker_id"])["amount_fen"] == 200_000
    submitted(aid_api, staff.maker, winter, deep["worker_id"])
    assert submitted(aid_api, staff.maker, spring, deep["worker_id"])["amount_fen"] == 300_000

    acted(aid_api, staff.checker, first["application_id"], "reject", reason="不符合条件")
    assert submitted(aid_api, staff.maker, spring, relative["worker_id"])["status"] == "submitted"


def test_the_relative_rule_covers_the_whole_household(aid_api):
    staff = Staff(aid_api)
    winter = create_campaign(aid_api)["campaign_id"]
    spring = create_campaign(aid_api, name="2026年春季送温暖")["campaign_id"]
    spouse_body, spouse = worker(aid_api, category="relative")
    _body, filed = worker(
        aid_api,
        category="relative",
        family=[{"name": "配偶", "relation": "配偶", "id_number": spouse_body["id_number"]}],
    )
    submitted(aid_api, staff.maker, winter, filed["worker_id"])

    refused(submit(aid_api, staff.maker, spring, spouse["worker_id"]), "not_eligible")


def test_the_relative_rule_can_be_switched_off(live):
    live.set(HARDSHIP_TODAY=TODAY, RELATIVE_ONE_AID_PER_YEAR="0")  # aid reads both per call
    api = live.api
    staff = Staff(api)
    winter = create_campaign(api)["campaign_id"]
    spring = create_campaign(api, name="2026年春季送温暖")["campaign_id"]
    _body, relative = worker(api, category="relative")

    submitted(api, staff.maker, winter, relative["worker_id"])
    assert submitted(api, staff.maker, spring, relative["worker_id"])["amount_fen"] == 200_000
    refused(submit(api, staff.maker, spring, relative["worker_id"]), "duplicate_application")


# ---- the window, the worker's file, unknown ids, roles ----------------------------------------------


def test_applications_are_taken_only_inside_the_window(aid_api):
    staff = Staff(aid_api)
    _body, filed = worker(aid_api)
    not_yet = create_campaign(aid_api, opens_on="2026-08-11", closes_on="2026-08-31")["campaign_id"]
    over = create_campaign(aid_api, opens_on="2026-08-01", closes_on="2026-08-09")["campaign_id"]
    opens_today = create_campaign(aid_api, opens_on=TODAY, closes_on="2026-08-31")["campaign_id"]
    closes_today = create_campaign(aid_api, opens_on="2026-08-01", closes_on=TODAY)["campaign_id"]

    refused(submit(aid_api, staff.maker, not_yet, filed["worker_id"]), "campaign_closed")
    refused(submit(aid_api, staff.maker, over, filed["worker_id"]), "campaign_closed")
    assert submitted(aid_api, staff.maker, opens_today, filed["worker_id"])["status"] == "submitted"
    assert submitted(aid_api, staff.maker, closes_today, filed["worker_id"])["status"] == "submitted"


def test_the_window_follows_the_pinned_business_date(live):
    live.set(HARDSHIP_TODAY="2026-09-01")  # aid reads the business date per call
    api = live.api
    staff = Staff(api)
    _body, filed = worker(api)
    campaign_id = create_campaign(api)["campaign_id"]  # 2026-08-01 .. 2026-08-31
    refused(submit(api, staff.maker, campaign_id, filed["worker_id"]), "campaign_closed")

    live.set(HARDSHIP_TODAY="2026-07-31")
    refused(submit(api, staff.maker, campaign_id, filed["worker_id"]), "campaign_closed")
    live.set(HARDSHIP_TODAY=TODAY)  # the same campaign and worker, inside the window: the date was the reason
    assert submitted(api, staff.maker, campaign_id, filed["worker_id"])["status"] == "submitted"


def test_a_worker_who_is_not_active_is_not_eligible(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    _body, exited = worker(aid_api)
    _body, suspended = worker(aid_api)
    set_status(aid_api, exited["worker_id"], "exited")
    set_status(aid_api, suspended["worker_id"], "suspended")

    refused(submit(aid_api, staff.maker, campaign_id, exited["worker_id"]), "not_eligible")
    refused(submit(aid_api, staff.maker, campaign_id, suspended["worker_id"]), "not_eligible")

    set_status(aid_api, exited["worker_id"], "active")
    assert submitted(aid_api, staff.maker, campaign_id, exited["worker_id"])["status"] == "submitted"


def test_unknown_workers_and_campaigns_are_not_found(aid_api):
    staff = Staff(aid_api)
    before = applications_total(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    _body, filed = worker(aid_api)

    assert_error(submit(aid_api, staff.maker, campaign_id, "f" * 32), 404, "not_found")
    assert_error(submit(aid_api, staff.maker, campaign_id, "no-such-worker"), 404, "not_found")
    assert_error(submit(aid_api, staff.maker, "f" * 32, filed["worker_id"]), 404, "not_found")
    assert applications_total(aid_api) == before  # none made


def test_who_may_submit_and_what_the_body_may_hold(aid_api):
    before = applications_total(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    _body, filed = worker(aid_api)
    for role in ("finance", "auditor"):
        assert_error(
            submit(aid_api, new_user(aid_api, role)["token"], campaign_id, filed["worker_id"]), 403, "forbidden"
        )
    assert_error(submit(aid_api, None, campaign_id, filed["worker_id"]), 401, "unauthenticated")
    error = assert_error(
        submit(aid_api, new_user(aid_api, "caseworker")["token"], campaign_id, filed["worker_id"], amount_fen=1),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["amount_fen"]
    error = assert_error(
        aid_api.post("/api/v1/applications", json={"campaign_id": campaign_id}), 400, "validation_error"
    )
    assert list(error["fields"]) == ["worker_id"]
    assert applications_total(aid_api) == before  # none made

    shown = submitted(aid_api, ADMIN_TOKEN, campaign_id, filed["worker_id"])
    assert shown["submitted_by"] == "admin:bootstrap-admin"
