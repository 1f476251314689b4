"""The application status machine over HTTP: transitions, history, maker-checker, money, 公示 and the registry."""

import pytest

from tests.e2e import aid_builders
from tests.e2e.aid_builders import (
    TODAY,
    Staff,
    act,
    acted,
    application,
    campaign,
    counts,
    create_campaign,
    is_timestamp_with_offset,
    money,
    refused,
    submitted,
    worker,
)
from tests.e2e.builders import assert_error, new_user
from tests.e2e.console_client import signed_in
from tests.integration.conftest import wait_until

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned

REASONS = {
    "approve": {},
    "reject": {"reason": "家庭收入超标"},
    "withdraw": {"reason": "职工本人放弃"},
    "objection": {"reason": "群众反映情况不实"},
}
ALLOWED = {
    ("submitted", "approve"): "publicizing",
    ("submitted", "reject"): "rejected",
    ("submitted", "withdraw"): "withdrawn",
    ("publicizing", "objection"): "submitted",
}
SETUP = {
    "submitted": [],
    "publicizing": ["approve"],
    "ready": ["approve"],
    "rejected": ["reject"],
    "withdrawn": ["withdraw"],
}
REGISTRY_NOTES = {"suspended": "职工档案状态变为暂停，退回重新审核", "exited": "职工档案状态变为已退出，退回重新审核"}


def entries(shown: dict) -> list[dict]:
    """History without timestamps (checked separately: ISO 8601 with an offset, never going back)."""
    stamps = [entry["at"] for entry in shown["history"]]
    assert all(is_timestamp_with_offset(stamp) for stamp in stamps), stamps
    assert stamps == sorted(stamps), stamps
    return [{key: value for key, value in entry.items() if key != "at"} for entry in shown["history"]]


def approved(api, staff, campaign_id: str, **worker_overrides) -> dict:
    _body, filed = worker(api, **worker_overrides)
    return acted(
        api, staff.checker, submitted(api, staff.maker, campaign_id, filed["worker_id"])["application_id"], "approve"
    )


def test_approval_starts_the_notice_records_history_and_commits_money(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, budget_fen=1_000_000)["campaign_id"]
    _body, filed = worker(aid_api)
    application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"], note="走访")["application_id"]

    shown = acted(aid_api, staff.checker, application_id, "approve", note="经审核符合条件")

    assert (shown["status"], shown["publicity_ends_on"]) == ("publicizing", "2026-08-17")
    assert entries(shown) == [
        {"from": None, "to": "submitted", "actor": staff.maker_actor, "reason": "走访"},
        {"from": "submitted", "to": "publicizing", "actor": staff.checker_actor, "reason": "经审核符合条件"},
    ]
    assert application(aid_api, application_id) == shown
    figures = campaign(aid_api, campaign_id)
    assert money(figures) == (1_000_000, 300_000, 0, 700_000)
    assert figures["counts"] == counts(publicizing=1)


def test_every_action_from_every_reachable_status(aid_api):
    staff = Staff(aid_api)
    with_notice = create_campaign(aid_api, budget_fen=100_000_000)["campaign_id"]
    without_notice = create_campaign(aid_api, name="免公示", budget_fen=100_000_000, publicity_days=0)["campaign_id"]
    for status, steps in SETUP.items():
        for action, body in REASONS.items():
            _body, filed = worker(aid_api)
            campaign_id = without_notice if status == "ready" else with_notice
            application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"]
            for step in steps:
                acted(aid_api, staff.checker, application_id, step, **REASONS[step])
            before = application(aid_api, application_id)
            assert before["status"] == status

            response = act(aid_api, staff.checker, application_id, action, **body)

            if (status, action) in ALLOWED:
                assert response.status_code == 200, (status, action, response.text)
                after = response.json()
                assert after["status"] == ALLOWED[status, action]
                assert entries(after)[-1] == {
                    "from": status,
                    "to": ALLOWED[status, action],
                    "actor": staff.checker_actor,
                    "reason": body.get("reason"),
                }
                assert len(after["history"]) == len(before["history"]) + 1
            else:
                refused(response, "invalid_transition")
                assert application(aid_api, application_id) == before, (status, action)
    assert campaign(aid_api, with_notice)["counts"] == counts(submitted=2, publicizing=4, rejected=5, withdrawn=5)
    assert campaign(aid_api, without_notice)["counts"] == counts(ready=4)


def test_actions_need_their_reason_and_nothing_else(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    _body, filed = worker(aid_api)
    application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"]
    for action in ("reject", "withdraw", "objection"):
        for body in ({}, {"reason": ""}, {"reason": None}, {"reason": 7}):
            error = assert_error(act(aid_api, staff.checker, application_id, action, **body), 400, "validation_error")
            assert list(error["fields"]) == ["reason"], (action, body, error)
    error = assert_error(act(aid_api, staff.checker, application_id, "approve", reason="同意"), 400, "validation_error")
    assert list(error["fields"]) == ["reason"]
    assert len(application(aid_api, application_id)["history"]) == 1
    assert_error(act(aid_api, staff.checker, application_id, "pay"), 404, "not_found")
    assert_error(act(aid_api, staff.checker, "0" * 32, "approve"), 404, "not_found")
    assert_error(act(aid_api, new_user(aid_api, "finance")["token"], application_id, "approve"), 403, "forbidden")
    assert_error(
        act(aid_api, new_user(aid_api, "auditor")["token"], application_id, "reject", reason="x"), 403, "forbidden"
    )
    assert application(aid_api, application_id)["status"] == "submitted"


def test_whoever_submitted_cannot_approve_or_reject(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api)["campaign_id"]
    _body, filed = worker(aid_api)
    _body, by_admin = worker(aid_api)
    application_id = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"]
    admins = submitted(aid_api, "test-admin-token", campaign_id, by_admin["worker_id"])["application_id"]

    refused(act(aid_api, staff.maker, application_id, "approve"), "same_user")
    refused(act(aid_api, staff.maker, application_id, "reject", reason="自审"), "same_user")
    refused(act(aid_api, "test-admin-token", admins, "approve"), "same_user")
    assert [application(aid_api, i)["status"] for i in (application_id, admins)] == ["submitted", "submitted"]
    assert money(campaign(aid_api, campaign_id))[1] == 0

    assert acted(aid_api, staff.checker, admins, "approve")["status"] == "publicizing"
    assert acted(aid_api, "test-admin-token", application_id, "reject", reason="材料不全")["status"] == "rejected"
    _body, again = worker(aid_api)
    mine = submitted(aid_api, staff.maker, campaign_id, again["worker_id"])["application_id"]
    assert acted(aid_api, staff.maker, mine, "withdraw", reason="录入错误")["status"] == "withdrawn"


def test_approval_stops_when_the_money_runs_out_and_an_objection_releases_it(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, budget_fen=450_000)["campaign_id"]
    first = approved(aid_api, staff, campaign_id)  # deep: 300,000, leaves 150,000
    _body, filed = worker(aid_api, category="relative")
    second = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"]  # 200,000
    _body, filed = worker(aid_api, category="accident")
    third = submitted(aid_api, staff.maker, campaign_id, filed["worker_id"])["application_id"]  # 150,000

    refused(act(aid_api, staff.checker, second, "approve"), "budget_exhausted")
    assert application(aid_api, second)["status"] == "submitted"
    assert len(application(aid_api, second)["history"]) == 1
    assert acted(aid_api, staff.checker, third, "approve")["status"] == "publicizing"  # exactly what is left
    assert money(campaign(aid_api, campaign_id)) == (450_000, 450_000, 0, 0)

    objected = acted(aid_api, staff.maker, first["application_id"], "objection", reason="群众举报有车辆")
    assert entries(objected)[-1] == {
        "from": "publicizing",
        "to": "submitted",
        "actor": staff.maker_actor,
        "reason": "群众举报有车辆",
    }
    assert money(campaign(aid_api, campaign_id)) == (450_000, 150_000, 0, 300_000)
    assert acted(aid_api, staff.checker, second, "approve")["status"] == "publicizing"
    refused(act(aid_api, staff.checker, first["application_id"], "approve"), "budget_exhausted")
    figures = campaign(aid_api, campaign_id)
    assert money(figures) == (450_000, 350_000, 0, 100_000)
    assert figures["counts"] == counts(submitted=1, publicizing=2)


def test_an_objection_sends_it_back_and_a_new_approval_starts_a_new_notice(live):
    live.set(HARDSHIP_TODAY=TODAY)  # aid reads the business date per call
    api = live.api
    staff = Staff(api)
    campaign_id = create_campaign(api, budget_fen=300_000)["campaign_id"]
    shown = approved(api, staff, campaign_id)
    assert shown["publicity_ends_on"] == "2026-08-17"
    acted(api, staff.checker, shown["application_id"], "objection", reason="需重新入户核实")
    assert money(campaign(api, campaign_id)) == (300_000, 0, 0, 300_000)

    live.set(HARDSHIP_TODAY="2026-08-13")
    again = acted(api, staff.checker, shown["application_id"], "approve", note="复核无误")
    assert (again["status"], again["publicity_ends_on"]) == ("publicizing", "2026-08-20")
    assert [(entry["from"], entry["to"]) for entry in entries(again)] == [
        (None, "submitted"),
        ("submitted", "publicizing"),
        ("publicizing", "submitted"),
        ("submitted", "publicizing"),
    ]
    assert money(campaign(api, campaign_id)) == (300_000, 300_000, 0, 0)


def test_no_notice_means_ready_at_once(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, publicity_days=0, budget_fen=300_000)["campaign_id"]

    shown = approved(aid_api, staff, campaign_id)

    assert (shown["status"], shown["publicity_ends_on"]) == ("ready", None)
    assert entries(shown)[-1] == {"from": "submitted", "to": "ready", "actor": staff.checker_actor, "reason": None}
    figures = campaign(aid_api, campaign_id)
    assert money(figures) == (300_000, 300_000, 0, 0)
    assert figures["counts"] == counts(ready=1)
    refused(act(aid_api, staff.checker, shown["application_id"], "objection", reason="x"), "invalid_transition")


def test_batch_approval_reports_each_application(aid_api):
    staff = Staff(aid_api)
    campaign_id = create_campaign(aid_api, budget_fen=600_000)["campaign_id"]
    ids = [
        submitted(aid_api, staff.maker, campaign_id, worker(aid_api)[1]["worker_id"])["application_id"]
        for _ in range(4)
    ]
    own = submitted(aid_api, staff.checker, campaign_id, worker(aid_api)[1]["worker_id"])["application_id"]
    acted(aid_api, staff.maker, ids[3], "withdraw", reason="职工放弃")
    unknown = "0" * 32

    response = aid_api.post(
        "/api/v1/applications/approve-batch",
        token=staff.checker,
        json={"application_ids": [ids[0], own, ids[0], ids[1], ids[2], ids[3], unknown]},
    )

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["approved"] == [ids[0], ids[1]]
    assert [{"application_id": item["application_id"], "code": item["code"]} for item in result["failed"]] == [
        {"application_id": own, "code": "same_user"},
        {"application_id": ids[2], "code": "budget_exhausted"},
        {"application_id": ids[3], "code": "invalid_transition"},
        {"application_id": unknown, "code": "not_found"},
    ]
    assert all(isinstance(item["message"], str) and item["message"] for item in result["failed"])
    figures = campaign(aid_api, campaign_id)
    assert money(figures) == (600_000, 600_000, 0, 0)
    assert figures["counts"] == counts(submitted=2, publicizing=2, withdrawn=1)
    assert entries(application(aid_api, ids[0]))[-1]["actor"] == staff.checker_actor


def test_a_batch_the_money_covers_is_approved_together_across_campaigns(aid_api):
    staff = Staff(aid_api)
    warmth = create_campaign(aid_api, budget_fen=900_000)["campaign_id"]
    other = create_campaign(aid_api, budget_fen=300_000, publicity_days=0)["campaign_id"]
    ids = [submitted(aid_api, staff.maker, warmth, worker(aid_api)[1]["worker_id"])["application_id"] for _ in range(3)]
    ids.append(submitted(aid_api, staff.maker, other, worker(aid_api)[1]["worker_id"])["application_id"])

    response = aid_api.post(
        "/api/v1/applications/approve-batch", token=staff.checker, json={"application_ids": ids, "note": "集体研究通过"}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"approved": ids, "failed": []}
    shown = [application(aid_api, application_id) for application_id in ids]
    assert [(item["status"], item["publicity_ends_on"]) for item in shown] == [("publicizing", "2026-08-17")] * 3 + [
        ("ready", None)
    ]
    last = {"from": "submitted", "actor": staff.checker_actor, "reason": "集体研究通过"}
    assert [entries(item)[-1] for item in shown] == [{**last, "to": "publicizing"}] * 3 + [{**last, "to": "ready"}]
    assert money(campaign(aid_api, warmth)) == (900_000, 900_000, 0, 0)
    assert money(campaign(aid_api, other)) == (300_000, 300_000, 0, 0)
    assert campaign(aid_api, warmth)["counts"] == counts(publicizing=3)


def test_batch_approval_validates_its_body(aid_api):
    staff = Staff(aid_api)
    for body in (
        {},
        {"application_ids": []},
        {"application_ids": "abc"},
        {"application_ids": [1]},
        {"application_ids": ["a"], "extra": 1},
    ):
        response = aid_api.post("/api/v1/applications/approve-batch", token=staff.checker, json=body)
        assert_error(response, 400, "validation_error")
    assert_error(
        aid_api.post(
            "/api/v1/applications/approve-batch",
            token=new_user(aid_api, "finance")["token"],
            json={"application_ids": ["a"]},
        ),
        403,
        "forbidden",
    )


def test_the_notice_ends_by_itself_after_its_last_working_day(live):
    """The timer reads the business date per tick; other tests' notices end with these (each is checked alone)."""
    live.set(HARDSHIP_TODAY="2026-08-10")
    api = live.api
    staff = Staff(api)
    five_days = create_campaign(api, budget_fen=300_000)["campaign_id"]
    one_day = create_campaign(api, name="短公示", budget_fen=300_000, publicity_days=1)["campaign_id"]
    main = approved(api, staff, five_days)
    witness = approved(api, staff, one_day)
    assert (main["publicity_ends_on"], witness["publicity_ends_on"]) == ("2026-08-17", "2026-08-11")

    live.set(HARDSHIP_TODAY="2026-08-17")
    # the witness ends in a tick of 08-17 (no other date is set), the tick that left main alone
    wait_until(lambda: application(api, witness["application_id"])["status"] == "ready", timeout=60)
    assert application(api, main["application_id"])["status"] == "publicizing"  # its last day of notice

    live.set(HARDSHIP_TODAY="2026-08-18")
    wait_until(lambda: application(api, main["application_id"])["status"] == "ready", timeout=60)

    shown = application(api, main["application_id"])
    assert entries(shown)[1:] == [
        {"from": "submitted", "to": "publicizing", "actor": staff.checker_actor, "reason": None},
        {"from": "publicizing", "to": "ready", "actor": "system:publicity-timer", "reason": "公示期满无异议"},
    ]
    figures = campaign(api, five_days)
    assert money(figures) == (300_000, 300_000, 0, 0)
    assert figures["counts"] == counts(ready=1)
    lookup = api.get(
        f"/api/v1/public/applications/{main['application_id']}/status?id_last4={main['id_number'][-4:]}", token=None
    )
    assert lookup.json()["status"] == "ready"
    refused(act(api, staff.checker, main["application_id"], "objection", reason="公示期后"), "invalid_transition")


@pytest.mark.parametrize("new_status", ["suspended", "exited"])
def test_a_worker_leaving_the_registry_sends_open_applications_back(aid_api, new_status):
    staff = Staff(aid_api)
    with_notice = create_campaign(aid_api, budget_fen=1_000_000)["campaign_id"]
    without_notice = create_campaign(aid_api, name="免公示", budget_fen=1_000_000, publicity_days=0)["campaign_id"]
    later = create_campaign(aid_api, name="第二批", budget_fen=1_000_000)["campaign_id"]
    _body, leaving = worker(aid_api)
    rejected = submitted(aid_api, staff.maker, with_notice, leaving["worker_id"])["application_id"]
    acted(aid_api, staff.checker, rejected, "reject", reason="材料不全")
    publicizing = acted(
        aid_api,
        staff.checker,
        submitted(aid_api, staff.maker, with_notice, leaving["worker_id"])["application_id"],
        "approve",
    )["application_id"]
    ready = acted(
        aid_api,
        staff.checker,
        submitted(aid_api, staff.maker, without_notice, leaving["worker_id"])["application_id"],
        "approve",
    )["application_id"]
    waiting = submitted(aid_api, staff.maker, later, leaving["worker_id"])["application_id"]
    other = approved(aid_api, staff, with_notice)
    assert money(campaign(aid_api, with_notice))[1] == 600_000

    response = aid_api.post(
        f"/api/v1/workers/{leaving['worker_id']}/status", json={"status": new_status, "reason": "复核"}
    )
    assert response.status_code == 200, response.text
    wait_until(
        lambda: [application(aid_api, i)["status"] for i in (publicizing, ready)] == ["submitted", "submitted"],
        timeout=60,
    )

    note = REGISTRY_NOTES[new_status]
    assert entries(application(aid_api, publicizing))[-1] == {
        "from": "publicizing",
        "to": "submitted",
        "actor": "system:registry",
        "reason": note,
    }
    assert entries(application(aid_api, ready))[-1] == {
        "from": "ready",
        "to": "submitted",
        "actor": "system:registry",
        "reason": note,
    }
    waiting_now = application(aid_api, waiting)
    assert waiting_now["status"] == "submitted"
    assert entries(waiting_now)[1:] == [
        {"from": "submitted", "to": "submitted", "actor": "system:registry", "reason": note}
    ]
    page = signed_in(aid_api.base_url, staff.checker).get(f"/applications/{ready}")
    shown = page.text[page.text.index('id="history"') :]
    assert note in shown and "系统（职工档案状态变更）" in shown and new_status not in shown and "system:" not in shown
    assert money(campaign(aid_api, with_notice)) == (1_000_000, 300_000, 0, 700_000)
    assert campaign(aid_api, with_notice)["counts"] == counts(submitted=1, publicizing=1, rejected=1)
    assert money(campaign(aid_api, without_notice)) == (1_000_000, 0, 0, 1_000_000)
    assert application(aid_api, other["application_id"])["status"] == "publicizing"
    assert len(application(aid_api, rejected)["history"]) == 2
    notice = aid_api.get(f"/api/v1/public/campaigns/{with_notice}/publicity", token=None).json()
    assert [item["id_number"] for item in notice["items"]] == [other["id_number"]]

    # approval re-checks the worker: none of theirs can be approved again, alone or in a batch
    refused(act(aid_api, staff.checker, waiting, "approve"), "not_eligible")
    fine = submitted(aid_api, staff.maker, later, worker(aid_api)[1]["worker_id"])["application_id"]
    response = aid_api.post(
        "/api/v1/applications/approve-batch", token=staff.checker, json={"application_ids": [publicizing, fine, ready]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["approved"] == [fine]
    assert [(item["application_id"], item["code"]) for item in response.json()["failed"]] == [
        (publicizing, "not_eligible"),
        (ready, "not_eligible"),
    ]
    assert [application(aid_api, i)["status"] for i in (waiting, publicizing, ready)] == ["submitted"] * 3
    assert money(campaign(aid_api, with_notice)) == (1_000_000, 300_000, 0, 700_000)
    assert money(campaign(aid_api, without_notice)) == (1_000_000, 0, 0, 1_000_000)


def test_applications_are_listed_by_campaign_status_and_worker(aid_api):
    staff = Staff(aid_api)
    first, second = create_campaign(aid_api)["campaign_id"], create_campaign(aid_api, name="第二批")["campaign_id"]
    _body, one = worker(aid_api)
    _body, two = worker(aid_api)
    a = submitted(aid_api, staff.maker, first, one["worker_id"])["application_id"]
    b = acted(
        aid_api, staff.checker, submitted(aid_api, staff.maker, first, two["worker_id"])["application_id"], "approve"
    )["application_id"]
    c = submitted(aid_api, staff.maker, second, one["worker_id"])["application_id"]
    auditor = new_user(aid_api, "auditor")["token"]

    def listed(query: str) -> tuple[int, set]:
        response = aid_api.get(f"/api/v1/applications?{query}", token=auditor)
        assert response.status_code == 200, response.text
        body = response.json()
        assert all("history" not in item for item in body["items"]), body
        return body["total"], {item["application_id"] for item in body["items"]}

    def listed_items(query: str) -> list[dict]:
        response = aid_api.get(f"/api/v1/applications?{query}", token=auditor)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    assert listed(f"campaign_id={first}") == (2, {a, b})
    assert listed(f"campaign_id={first}&status=submitted") == (1, {a})
    assert listed(f"worker_id={one['worker_id']}") == (2, {a, c})
    # other tests' applications are listed too: the status filter is checked on these workers' and campaigns'
    assert listed(f"worker_id={two['worker_id']}&status=publicizing") == (1, {b})
    assert listed(f"worker_id={one['worker_id']}&status=publicizing") == (0, set())
    assert listed(f"campaign_id={second}&status=submitted") == (1, {c})
    assert listed(f"campaign_id={first}&status=rejected") == (0, set())
    assert all(item["status"] == "publicizing" for item in listed_items("status=publicizing&per_page=500"))
    assert listed(f"worker_id={one['worker_id']}&per_page=1&page=1") == (2, {a})  # the oldest first
    assert listed(f"worker_id={one['worker_id']}&per_page=1&page=2") == (2, {c})
    assert_error(aid_api.get("/api/v1/applications?status=approved"), 400, "validation_error")
    assert_error(aid_api.get("/api/v1/applications?colour=red"), 400, "validation_error")
    assert_error(aid_api.get("/api/v1/applications", token=None), 401, "unauthenticated")
