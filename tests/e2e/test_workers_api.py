"""POST/GET/PATCH /api/v1/workers and /status over HTTP, with masking and roles."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.e2e.builders import (
    assert_error,
    create_worker,
    fresh_id_number,
    id_number_ending_in_x,
    listed,
    masked_id,
    masked_phone,
    new_user,
    own_tag,
    valid_worker,
)

VOLATILE = ("worker_id", "created_at", "updated_at")


def recent(timestamp: str) -> bool:
    moment = datetime.fromisoformat(timestamp)
    return moment.tzinfo is not None and abs(datetime.now(UTC) - moment) < timedelta(minutes=2)


def test_register_returns_the_whole_file_masked(api):
    id_number = fresh_id_number(birth=date(1985, 7, 9), male=True)
    body = valid_worker(
        name="张小明",
        id_number=id_number,
        phone="13800138000",
        bank={"name": "中国建设银行", "account": "6222 0786 5123 7160 091"},
        household_size=3,
        household_monthly_income_fen=450_002,
        filed_on="2024-02-29",
        family=[{"name": "李秀英", "relation": "配偶", "id_number": fresh_id_number(birth=date(1987, 1, 2))}],
    )
    response = api.post("/api/v1/workers", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert len(created["worker_id"]) >= 8 and recent(created["created_at"])
    units = api.get("/api/v1/org-units?per_page=500").json()["items"]
    (textile,) = [unit["org_unit_id"] for unit in units if (unit["name"], unit["depth"]) == ("纺织工会", 1)]
    assert {key: value for key, value in created.items() if key not in VOLATILE} == {
        "name": "张*明",
        "id_number": masked_id(id_number),
        "gender": "male",
        "phone": "138****8000",
        "employer": "市第一纺织厂",
        "union": "纺织工会",
        "org_unit_id": textile,
        "category": "deep",
        "reasons": ["illness", "education"],
        "household_size": 3,
        "household_monthly_income_fen": 450_002,
        "per_capita_income_fen": 150_000,
        "bank": {"name": "中国建设银行", "account": "****0091"},
        "family": [
            {
                "name": "李*英",
                "relation": "配偶",
                "school": None,
                "id_number": masked_id(body["family"][0]["id_number"]),
            }
        ],
        "filed_on": "2024-02-29",
        "review_due_on": "2025-02-28",
        "status": "active",
        "version": 1,
        "bank_changed_at": None,
    }
    assert masked_id(id_number) == id_number[:6] + "********" + id_number[-4:]


def test_two_character_name_female_and_plus86_phone(api):
    id_number = fresh_id_number(birth=date(1990, 3, 7), male=False)
    _, created = create_worker(
        api,
        name="王芳",
        id_number=id_number,
        phone="+86 139-0013-7001",
        household_size=4,
        household_monthly_income_fen=100_003,
        filed_on="2025-06-30",
    )
    assert (created["name"], created["gender"]) == ("王*", "female")
    assert "birth_date" not in created and "birth_year" not in created  # the starred digits of the ID number
    assert created["phone"] == "139****7001"
    assert created["per_capita_income_fen"] == 25_000
    assert created["review_due_on"] == "2026-06-30"
    revealed = api.get(f"/api/v1/workers/{created['worker_id']}?reveal=1").json()
    assert (revealed["phone"], revealed["birth_date"], revealed["birth_year"]) == ("13900137001", "1990-03-07", 1990)


def test_same_id_number_again_is_a_duplicate_of_the_existing_file(api):
    id_number = id_number_ending_in_x()
    _, first = create_worker(api, id_number=id_number.lower())
    assert first["id_number"] == masked_id(id_number)
    again = api.post("/api/v1/workers", json=valid_worker(id_number=id_number, name="李四"))
    error = assert_error(again, 409, "duplicate_worker")
    assert error["worker_id"] == first["worker_id"]
    for number in (id_number, id_number.lower()):  # one file under that number, the first
        assert [item["worker_id"] for item in listed(api, f"?id_number={number}")["items"]] == [first["worker_id"]]


def test_get_one_is_masked_with_its_status_history(api):
    body, created = create_worker(api, name="欧阳丽娜")
    response = api.get(f"/api/v1/workers/{created['worker_id']}")
    assert response.status_code == 200
    shown = response.json()
    assert shown["name"] == "欧**娜"
    assert shown["id_number"] == masked_id(body["id_number"])
    assert shown["phone"] == masked_phone(body["phone"])
    assert shown["bank"]["account"] == "****" + body["bank"]["account"][-4:]
    assert "birth_date" not in shown and "birth_year" not in shown
    assert shown["status_history"] == [
        {"from": None, "to": "active", "at": created["created_at"], "actor": None, "reason": "建档"},
    ]
    assert {key: shown[key] for key in created} == created


@pytest.mark.parametrize("role", ["admin", "caseworker"])
def test_reveal_shows_full_values_to_casework_roles(api, role):
    body, created = create_worker(api, name="张小明", phone="+8613700137000")
    token = api.token_for(role)
    shown = api.get(f"/api/v1/workers/{created['worker_id']}?reveal=1", token=token).json()
    assert (shown["name"], shown["id_number"], shown["phone"], shown["bank"]["account"]) == (
        "张小明",
        body["id_number"],
        "13700137000",
        body["bank"]["account"],
    )
    born = body["id_number"][6:14]
    assert (shown["birth_date"], shown["birth_year"]) == (f"{born[:4]}-{born[4:6]}-{born[6:]}", int(born[:4]))


@pytest.mark.parametrize("role", ["auditor", "finance"])
def test_reveal_is_forbidden_to_other_staff(api, role):
    body, created = create_worker(api)
    token = api.token_for(role)
    assert_error(api.get(f"/api/v1/workers/{created['worker_id']}?reveal=1", token=token), 403, "forbidden")
    masked = api.get(f"/api/v1/workers/{created['worker_id']}", token=token)
    assert masked.status_code == 200
    assert masked.json()["id_number"] == masked_id(body["id_number"])


def test_get_unknown_worker_is_404(api):
    assert_error(api.get("/api/v1/workers/0123456789abcdef0123456789abcdef"), 404, "not_found")


def test_list_filters(api):
    # The shared system holds every test's workers: this test's are in unions of their own, so each filter is
    # proved against the whole register (the other workers must not come back) and combined with `union`.
    tag = own_tag()
    union, other_union = f"建设工会{tag}", f"交通工会{tag}"
    _, a = create_worker(api, name="赵大勇", employer="市环卫处", union=union, category="deep")
    b_body, b = create_worker(api, name="钱小红", employer="华联商厦", union=union, category="relative")
    _, c = create_worker(api, name="孙勇", employer="市公交集团", union=union, category="accident")
    _, d = create_worker(api, name="周勇", employer="华联商厦", union=other_union, category="deep")
    assert api.post(f"/api/v1/workers/{c['worker_id']}/status", json={"status": "suspended", "reason": "核查中"}).ok

    def ids(query):
        page = listed(api, query)
        assert page["total"] == len(page["items"])
        return [item["worker_id"] for item in page["items"]]

    everyone = listed(api, "?per_page=1")
    assert everyone["total"] >= 4 and len(everyone["items"]) == 1  # no filter: the whole register
    assert ids(f"?union={union}") == [a["worker_id"], b["worker_id"], c["worker_id"]]
    assert ids(f"?union={other_union}") == [d["worker_id"]]
    assert ids(f"?id_number={b_body['id_number']}") == [b["worker_id"]]
    assert ids(f"?id_number={fresh_id_number()}") == []
    assert ids(f"?union={union}&category=relative") == [b["worker_id"]]
    assert ids(f"?union={union}&status=suspended") == [c["worker_id"]]
    assert ids(f"?union={union}&status=active") == [a["worker_id"], b["worker_id"]]
    assert ids(f"?union={union}&q=勇") == [a["worker_id"], c["worker_id"]]
    assert ids(f"?union={union}&q=华联") == [b["worker_id"]]
    assert ids(f"?union={union}&q=%25") == []  # a literal %, not a wildcard
    assert ids(f"?q={tag}") == []  # q looks at names and employers, not unions
    assert ids(f"?category=deep&union={union}") == [a["worker_id"]]
    assert ids(f"?category=relative&union={other_union}") == []
    item = listed(api, f"?union={union}&category=relative")["items"][0]
    assert (item["name"], item["id_number"], item["phone"]) == (
        "钱*红",
        masked_id(b_body["id_number"]),
        masked_phone(b_body["phone"]),
    )
    assert "birth_date" not in item and "birth_year" not in item


def test_list_pagination(api):
    union = f"纺织工会{own_tag()}"
    made = [create_worker(api, union=union)[1]["worker_id"] for _ in range(5)]
    first = listed(api, f"?union={union}")
    assert (first["total"], first["page"], first["per_page"]) == (5, 1, 50)
    assert [item["worker_id"] for item in first["items"]] == made
    second = listed(api, f"?union={union}&page=2&per_page=2")
    assert (second["total"], second["page"], second["per_page"]) == (5, 2, 2)
    assert [item["worker_id"] for item in second["items"]] == made[2:4]
    assert [item["worker_id"] for item in listed(api, f"?union={union}&page=3&per_page=2")["items"]] == made[4:]
    past_the_last = listed(api, f"?union={union}&page=4&per_page=2")
    assert (past_the_last["items"], past_the_last["total"]) == ([], 5)
    nothing = listed(api, f"?union={union}&q=无此姓名")
    assert (nothing["items"], nothing["total"]) == ([], 0)
    assert listed(api, "?per_page=500")["per_page"] == 500
    error = assert_error(api.get("/api/v1/workers?per_page=501"), 400, "validation_error")
    assert list(error["fields"]) == ["per_page"]


def test_patch_changes_fields_and_bumps_version(api):
    body, created = create_worker(api, household_size=3, household_monthly_income_fen=450_000)
    worker = f"/api/v1/workers/{created['worker_id']}"
    response = api.patch(worker, json={"phone": "+86 150 0015 0000", "household_size": 4, "filed_on": "2025-05-20"})
    assert response.status_code == 200, response.text
    patched = response.json()
    assert (patched["version"], patched["phone"], patched["household_size"]) == (2, "150****0000", 4)
    assert (patched["per_capita_income_fen"], patched["review_due_on"]) == (112_500, "2026-05-20")
    assert patched["id_number"] == masked_id(body["id_number"])
    revealed = api.get(worker + "?reveal=1").json()
    assert (revealed["phone"], revealed["version"], revealed["name"]) == ("15000150000", 2, body["name"])
    same = api.patch(worker, json={"household_size": 4})
    assert same.status_code == 200 and same.json()["version"] == 2


def test_patch_refuses_id_number_and_unknown_workers(api):
    _, created = create_worker(api)
    worker = f"/api/v1/workers/{created['worker_id']}"
    error = assert_error(api.patch(worker, json={"id_number": fresh_id_number()}), 400, "validation_error")
    assert list(error["fields"]) == ["id_number"]
    assert api.get(worker).json()["version"] == 1
    assert_error(api.patch("/api/v1/workers/nobody", json={"household_size": 2}), 404, "not_found")


def test_status_change_is_recorded_with_actor_and_reason(api):
    _, created = create_worker(api)
    caseworker = new_user(api, "caseworker")
    status_url = f"/api/v1/workers/{created['worker_id']}/status"
    response = api.post(status_url, json={"status": "suspended", "reason": "收入核查中"}, token=caseworker["token"])
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["status"], changed["version"]) == ("suspended", 2)
    entry = changed["status_history"][-1]
    assert recent(entry.pop("at"))
    assert entry == {
        "from": "active",
        "to": "suspended",
        "actor": f"caseworker:{caseworker['user_id']}",
        "reason": "收入核查中",
    }
    assert len(changed["status_history"]) == 2

    error = assert_error(
        api.post(status_url, json={"status": "suspended", "reason": "再次"}), 409, "invalid_transition"
    )
    assert "fields" not in error
    error = assert_error(api.post(status_url, json={"status": "deleted", "reason": "x"}), 400, "validation_error")
    assert list(error["fields"]) == ["status"]
    shown = api.get(f"/api/v1/workers/{created['worker_id']}").json()
    assert (shown["status"], shown["version"], len(shown["status_history"])) == ("suspended", 2, 2)

    exited = api.post(status_url, json={"status": "exited", "reason": "退休"}).json()
    assert [(e["from"], e["to"], e["reason"]) for e in exited["status_history"]] == [
        (None, "active", "建档"),
        ("active", "suspended", "收入核查中"),
        ("suspended", "exited", "退休"),
    ]
    assert exited["status_history"][-1]["actor"] == "admin:bootstrap-admin"


def test_status_of_unknown_worker_is_404(api):
    assert_error(api.post("/api/v1/workers/nobody/status", json={"status": "exited", "reason": "x"}), 404, "not_found")


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/nothing"),
        ("GET", "/api/v1/workers/abc/history"),
        ("POST", "/api/v2/workers"),
        ("DELETE", "/api/v1/workers"),
        ("GET", "/api/v1/workers/"),
        ("PUT", "/api/v1/workers/abc/status"),
    ],
)
def test_unknown_route_is_a_json_404(api, method, path):
    assert_error(api.call(method, path, token=None), 404, "not_found")


def test_filing_date_cannot_be_in_the_future_or_before_2000(api):
    tomorrow = (datetime.now(timezone(timedelta(hours=8))).date() + timedelta(days=1)).isoformat()
    for filed_on in (tomorrow, "1999-12-31"):
        refused = valid_worker(filed_on=filed_on)
        error = assert_error(api.post("/api/v1/workers", json=refused), 400, "validation_error")
        assert list(error["fields"]) == ["filed_on"]
        assert listed(api, f"?id_number={refused['id_number']}")["total"] == 0  # nothing filed
    _, created = create_worker(api, filed_on=None)
    today = datetime.now(timezone(timedelta(hours=8))).date()
    assert created["filed_on"] == today.isoformat()
    error = assert_error(
        api.patch(f"/api/v1/workers/{created['worker_id']}", json={"filed_on": tomorrow}), 400, "validation_error"
    )
    assert list(error["fields"]) == ["filed_on"]
    assert api.get(f"/api/v1/workers/{created['worker_id']}").json()["version"] == 1


@pytest.mark.parametrize("db_backend", ["sqlite"])  # the gateway's answer without a registry, whatever the database
def test_without_the_registry_the_gateway_answers_503(config, runner_factory):
    from services.gateway.service import GatewayService
    from tests.e2e.conftest import Api

    runner_factory(config, GatewayService).start()
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    health = api.get("/health", token=None)
    assert (health.status_code, health.json()) == (
        503,
        {
            "status": "unavailable",
            "checks": {"gateway": "ok", "registry": "no answer", "aid": "no answer", "notify": "no answer"},
        },
    )
    assert_error(api.post("/api/v1/workers", json=valid_worker()), 503, "service_unavailable")
    assert_error(api.get("/api/v1/workers"), 503, "service_unavailable")
