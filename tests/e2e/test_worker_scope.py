"""Worker files in the union tree (帮扶中心网络): each file belongs to a unit, and a user sees and acts on the files of
their own unit and the units below it only; a file out of scope answers as one that does not exist.

Each test builds its own district with two base unions under the root, names tagged so that nothing clashes with
another test's units, and a caseworker in each unit."""

import json

import pytest

from tests.e2e.builders import (
    add_unit,
    assert_error,
    masked_id,
    masked_phone,
    new_user,
    own_tag,
    root_unit,
    valid_worker,
)
from tests.e2e.conftest import ADMIN_TOKEN
from tests.e2e.console_client import signed_in
from tests.fakes.sheets import generate_workers, to_csv_bytes

UNKNOWN_UNION = "未知的工会组织"


def file(api, token: str, union: str, **overrides) -> tuple[dict, dict]:
    """A worker filed by that user in the union of that name: (body sent, 201 body)."""
    body = valid_worker(union=union, **overrides)
    response = api.post("/api/v1/workers", json=body, token=token)
    assert response.status_code == 201, response.text
    return body, response.json()


def listed(api, token: str = ADMIN_TOKEN, query: str = "") -> dict:
    response = api.get("/api/v1/workers" + query, token=token)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def branch(api):
    """A district with two base unions under the root; a caseworker in each unit (two in the mill, for the second
    person of a payee change) and a worker filed in each base union by its own caseworker."""
    tag = own_tag()
    district = add_unit(api, f"城南区总工会{tag}", root_unit(api), "district")
    mill = add_unit(api, f"纺织厂工会{tag}", district["org_unit_id"], "base")
    works = add_unit(api, f"机械厂工会{tag}", district["org_unit_id"], "base")
    tokens = {
        label: new_user(api, "caseworker", org_unit_id=unit["org_unit_id"])["token"]
        for label, unit in (("mill", mill), ("mill_checker", mill), ("works", works), ("district", district))
    }
    mill_body, mill_worker = file(api, tokens["mill"], mill["name"], name="欧阳丽娜")
    works_body, works_worker = file(api, tokens["works"], works["name"], name="王刚")
    return {
        "tag": tag,
        "district": district,
        "mill": mill,
        "works": works,
        "tokens": tokens,
        "mill_body": mill_body,
        "mill_worker": mill_worker,
        "works_body": works_body,
        "works_worker": works_worker,
    }


def test_a_file_belongs_to_the_union_it_names_and_answers_with_its_name(branch):
    assert (branch["mill_worker"]["union"], branch["mill_worker"]["org_unit_id"]) == (
        branch["mill"]["name"],
        branch["mill"]["org_unit_id"],
    )


def test_a_base_caseworker_cannot_reach_a_sibling_unions_worker(api, branch):
    own, other = branch["mill_worker"]["worker_id"], branch["works_worker"]["worker_id"]
    token = branch["tokens"]["mill"]

    assert api.get(f"/api/v1/workers/{own}", token=token).status_code == 200
    for answer in (
        api.get(f"/api/v1/workers/{other}", token=token),
        api.get(f"/api/v1/workers/{other}?reveal=1", token=token),
        api.patch(f"/api/v1/workers/{other}", json={"household_size": 4}, token=token),
        api.post(f"/api/v1/workers/{other}/status", json={"status": "suspended", "reason": "核查"}, token=token),
    ):
        assert_error(answer, 404, "not_found")
    assert api.get(f"/api/v1/workers/{other}", token=branch["tokens"]["works"]).json()["household_size"] == 3


def test_lists_and_totals_hold_the_scopes_workers_only_and_a_district_sees_both_unions(api, branch):
    mill, works, tokens = branch["mill_worker"], branch["works_worker"], branch["tokens"]

    def ids(token: str, query: str = "") -> tuple[int, set[str]]:
        answer = listed(api, token, query)
        return answer["total"], {item["worker_id"] for item in answer["items"]}

    assert ids(tokens["mill"]) == (1, {mill["worker_id"]})
    assert ids(tokens["works"]) == (1, {works["worker_id"]})
    assert ids(tokens["district"]) == (2, {mill["worker_id"], works["worker_id"]})
    assert ids(tokens["district"], f"?org_unit_id={branch['works']['org_unit_id']}") == (1, {works["worker_id"]})
    assert ids(tokens["mill"], f"?id_number={branch['works_body']['id_number']}") == (0, set())
    assert ids(tokens["mill"], f"?union={branch['works']['name']}") == (0, set())
    # the root's users see the district's subtree when they ask for it
    assert listed(api, query=f"?org_unit_id={branch['district']['org_unit_id']}")["total"] == 2
    # a unit out of scope answers as an unknown one
    assert_error(
        api.get(f"/api/v1/workers?org_unit_id={branch['works']['org_unit_id']}", token=tokens["mill"]),
        404,
        "not_found",
    )


def test_a_union_is_named_among_the_units_in_scope(api, branch):
    mill, works, tokens = branch["mill"], branch["works"], branch["tokens"]

    for union in (works["name"], f"不存在的工会{branch['tag']}"):  # a sibling is as unknown as a made-up name
        error = assert_error(
            api.post("/api/v1/workers", json=valid_worker(union=union), token=tokens["mill"]), 400, "validation_error"
        )
        assert error["fields"] == {"union": [UNKNOWN_UNION]}
    # by its id instead; the district files in either of its unions, or at the district itself
    _, by_id = file(api, tokens["mill"], mill["name"], org_unit_id=mill["org_unit_id"])
    assert by_id["org_unit_id"] == mill["org_unit_id"]
    body = {key: value for key, value in valid_worker().items() if key != "union"}
    filed = api.post("/api/v1/workers", json={**body, "org_unit_id": works["org_unit_id"]}, token=tokens["district"])
    assert (filed.status_code, filed.json()["union"]) == (201, works["name"]), filed.text
    assert (
        file(api, tokens["district"], branch["district"]["name"])[1]["org_unit_id"] == branch["district"]["org_unit_id"]
    )
    refused = api.post("/api/v1/workers", json={**body, "org_unit_id": works["org_unit_id"]}, token=tokens["mill"])
    assert "org_unit_id" in assert_error(refused, 400, "validation_error")["fields"]


def test_an_import_rejects_rows_of_unknown_unions_and_lists_them(api, branch):
    tag, tokens = branch["tag"], branch["tokens"]
    unknown = f"不存在的工会{tag}"
    rows = [
        {**row, "union": union}
        for row, union in zip(
            generate_workers(4, seed=31), [branch["mill"]["name"], branch["works"]["name"], unknown, unknown]
        )
    ]
    for row in rows:
        row["id_number"] = valid_worker()["id_number"]

    answer = api.post("/api/v1/workers/import?filename=w.csv", data=to_csv_bytes(rows), token=tokens["mill"])

    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["created"] == 1
    assert [(item["row"], item["field"]) for item in result["rejected"]] == [(3, "union"), (4, "union"), (5, "union")]
    assert result["unknown_unions"] == sorted([branch["works"]["name"], unknown])
    # the import is the mill's: the sibling union's caseworker cannot follow it, the district can
    assert_error(api.get(f"/api/v1/imports/{result['import_id']}", token=tokens["works"]), 404, "not_found")
    assert api.get(f"/api/v1/imports/{result['import_id']}", token=tokens["district"]).status_code == 200


def test_another_units_change_requests_are_invisible(api, branch):
    tokens, worker_id = branch["tokens"], branch["mill_worker"]["worker_id"]
    asked = api.patch(
        f"/api/v1/workers/{worker_id}",
        json={"bank": {"name": "中国银行", "account": "6217000011112222333"}},
        token=tokens["mill"],
    )
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["change_request_id"]

    def seen(token: str) -> set[str]:
        answer = api.get(f"/api/v1/change-requests?status=pending&worker_id={worker_id}", token=token).json()
        return {item["change_request_id"] for item in answer["items"]}

    assert seen(tokens["works"]) == set()
    assert seen(tokens["district"]) == {request_id}
    for action in ("approve", "reject"):
        assert_error(
            api.post(f"/api/v1/change-requests/{request_id}/{action}", json={}, token=tokens["works"]), 404, "not_found"
        )
    approved = api.post(f"/api/v1/change-requests/{request_id}/approve", json={}, token=tokens["mill_checker"])
    assert (approved.status_code, approved.json()["status"]) == (200, "approved"), approved.text


def test_moving_a_worker_to_another_union_needs_a_reason_and_is_in_its_audit_trail(api, branch):
    tokens, works = branch["tokens"], branch["works"]
    worker_id = branch["mill_worker"]["worker_id"]

    refused = api.patch(f"/api/v1/workers/{worker_id}", json={"union": works["name"]}, token=tokens["district"])
    assert "reason" in assert_error(refused, 400, "validation_error")["fields"]
    # the mill's caseworker does not see the sibling union at all
    refused = api.patch(
        f"/api/v1/workers/{worker_id}", json={"union": works["name"], "reason": "调动"}, token=tokens["mill"]
    )
    assert assert_error(refused, 400, "validation_error")["fields"] == {"union": [UNKNOWN_UNION]}

    moved = api.patch(
        f"/api/v1/workers/{worker_id}",
        json={"union": works["name"], "reason": "职工调到机械厂工作"},
        token=tokens["district"],
    )

    assert moved.status_code == 200, moved.text
    assert (moved.json()["union"], moved.json()["org_unit_id"]) == (works["name"], works["org_unit_id"])
    assert_error(api.get(f"/api/v1/workers/{worker_id}", token=tokens["mill"]), 404, "not_found")
    assert api.get(f"/api/v1/workers/{worker_id}", token=tokens["works"]).status_code == 200
    trail = api.get(f"/api/v1/workers/{worker_id}/audit").json()["items"]
    (move,) = [entry for entry in trail if entry["action"] == "move"]
    assert move["details"] == {
        "from_org_unit_id": branch["mill"]["org_unit_id"],
        "from_union": branch["mill"]["name"],
        "to_org_unit_id": works["org_unit_id"],
        "to_union": works["name"],
        "reason": "职工调到机械厂工作",
    }


def test_a_sibling_unions_worker_never_shows_in_any_answer_to_another_unions_caseworker(api, branch):
    body, worker = branch["mill_body"], branch["mill_worker"]
    token = branch["tokens"]["works"]
    traces = {
        body["name"],
        worker["name"],  # masked
        body["id_number"],
        masked_id(body["id_number"]),
        body["phone"],
        masked_phone(body["phone"]),
        worker["worker_id"],
    }
    answers = [
        api.get("/api/v1/workers?per_page=500", token=token),
        api.get(f"/api/v1/workers?q={body['name']}", token=token),
        api.get(f"/api/v1/workers?id_number={body['id_number']}", token=token),
        api.get(f"/api/v1/workers/{worker['worker_id']}", token=token),
        api.get(f"/api/v1/workers/{worker['worker_id']}?reveal=1", token=token),
        api.get("/api/v1/change-requests?per_page=500", token=token),
        api.get("/api/v1/org-units?per_page=500", token=token),
    ]
    shown = "\n".join(json.dumps(answer.json(), ensure_ascii=False) for answer in answers)
    assert sorted(trace for trace in traces if trace in shown) == []


def test_a_renamed_union_shows_its_new_name_and_one_with_files_stays_where_it_is(api, branch):
    mill, worker_id = branch["mill"], branch["mill_worker"]["worker_id"]
    renamed = api.patch(f"/api/v1/org-units/{mill['org_unit_id']}", json={"name": f"{mill['name']}新"})
    assert renamed.status_code == 200, renamed.text

    shown = api.get(f"/api/v1/workers/{worker_id}", token=branch["tokens"]["mill"]).json()

    assert (shown["union"], shown["org_unit_id"]) == (f"{mill['name']}新", mill["org_unit_id"])
    assert listed(api, query=f"?union={mill['name']}新")["total"] == 1
    moved = api.patch(f"/api/v1/org-units/{mill['org_unit_id']}", json={"parent_id": root_unit(api)})
    assert_error(moved, 409, "conflict")  # its files keep the path they were filed under


def test_the_console_shows_a_caseworker_the_files_of_their_scope_only(api, branch):
    mill_worker = branch["mill_worker"]
    asked = api.patch(
        f"/api/v1/workers/{mill_worker['worker_id']}",
        json={"bank": {"name": "中国银行", "account": "6217000011112222334"}},
        token=branch["tokens"]["mill"],
    )
    request_id = asked.json()["change_request_id"]
    works = signed_in(api.base_url, branch["tokens"]["works"])
    district = signed_in(api.base_url, branch["tokens"]["district"])

    assert works.get(f"/workers/{mill_worker['worker_id']}").status_code == 404
    assert district.get(f"/workers/{mill_worker['worker_id']}").status_code == 200
    for page in (works.get("/workers"), works.get("/change-requests?status=")):
        assert page.status_code == 200 and mill_worker["name"] not in page.text and request_id not in page.text
    assert mill_worker["name"] in district.get("/workers").text
    refused = works.submit("/change-requests", f"/change-requests/{request_id}/approve", {})
    assert refused.status_code == 404
    assert branch["works_worker"]["name"] in works.get("/workers").text


def test_the_console_searches_a_unit_with_the_units_below_it_and_by_review_date_as_the_api_does(api, branch):
    district = signed_in(api.base_url, branch["tokens"]["district"])
    mill, mill_worker, works_worker = branch["mill"], branch["mill_worker"], branch["works_worker"]
    form = district.get("/workers").text
    assert f'<option value="{mill["org_unit_id"]}">' in form  # the units of the visitor's subtree to choose from
    assert f'<option value="{root_unit(api)}">' not in form

    for unit, shown, hidden in ((mill, mill_worker, works_worker), (branch["district"], mill_worker, None)):
        found = district.submit("/workers", "/workers", {"org_unit_id": unit["org_unit_id"]})
        assert found.status_code == 200 and f"/workers/{shown['worker_id']}" in found.text
        assert hidden is None or f"/workers/{hidden['worker_id']}" not in found.text
    assert f'<option value="{branch["district"]["org_unit_id"]}" selected>' in found.text  # kept for the next page

    due = district.submit(
        "/workers", "/workers", {"org_unit_id": mill["org_unit_id"], "review_due_by": mill_worker["review_due_on"]}
    )
    assert f"/workers/{mill_worker['worker_id']}" in due.text
    early = district.submit("/workers", "/workers", {"org_unit_id": mill["org_unit_id"], "review_due_by": "2000-01-01"})
    assert early.status_code == 200 and "没有符合条件的档案" in early.text
    bad = district.submit("/workers", "/workers", {"review_due_by": "下个月"})
    assert bad.status_code == 400 and 'data-field="review_due_by">应为 YYYY-MM-DD 格式的日期' in bad.text
