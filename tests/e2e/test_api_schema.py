"""The live gateway against the document it serves at /api/v1/openapi.json.

A day of ordinary work checks every successful answer's status and body against the document; then
schemathesis generates requests for every operation — valid and invalid, on made-up ids and on the
day's real ones — and checks that none gets a 500 and every answer has a documented status, content
type and body. Deterministic (derandomized) and small: well under a few minutes.
"""

import re
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.aid_builders import TODAY, campaign_body
from tests.e2e.builders import SAMPLE_CSV, fresh_account, new_user, valid_worker
from tests.e2e.conftest import ADMIN_TOKEN
from tests.e2e.notify_builders import notifications
from tests.integration.conftest import wait_until

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 25

# the HTTP layer is the same on PostgreSQL: the session's SQLite system only
pytestmark = pytest.mark.parametrize("live_backend", ["sqlite"], indirect=True)


@pytest.fixture
def gateway(live):
    """The session's system (its rate limits out of reach: schemathesis sends bad tokens a lot), date pinned."""
    live.set(HARDSHIP_TODAY=TODAY)
    return live.api


@pytest.fixture
def schema(gateway):
    return schemathesis.openapi.from_url(gateway.base_url + "/api/v1/openapi.json")


class Day:
    """Calls the API by its documented path templates; each answer must have the expected status and a
    body the document describes for it."""

    def __init__(self, api, schema):
        self.api, self.schema, self.ids, self.tokens = api, schema, {}, {"admin": ADMIN_TOKEN}
        self.tokens.update({role: new_user(api, role)["token"] for role in ("caseworker", "finance")})

    def call(self, method: str, template: str, status: int, role: str | None = "admin", **kwargs):
        path = re.sub(r"{([a-z_]+)}", lambda match: self.ids[match.group(1)], template)
        response = self.api.call(method, path, token=self.tokens[role] if role else None, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        self.schema[template][method].validate_response(response)
        return response.json() if response.headers["Content-Type"].startswith("application/json") else response

    def keep(self, answer: dict, *names: str) -> dict:
        self.ids.update({name: answer[name] for name in names})
        return answer


def submitted_and_approved(day: Day, campaign_id: str) -> str:
    worker = day.call("POST", "/api/v1/workers", 201, "caseworker", json=valid_worker())
    application = day.call(
        "POST",
        "/api/v1/applications",
        201,
        "caseworker",
        json={"campaign_id": campaign_id, "worker_id": worker["worker_id"]},
    )
    day.ids["application_id"] = application["application_id"]
    day.call("POST", "/api/v1/applications/{application_id}/approve", 200, json={"note": "入户核实无误"})
    return application["application_id"]


def a_day_of_work(day: Day) -> dict:
    """Every operation answering successfully at least once; returns the query values that fit the ids."""
    call = day.call
    call("GET", "/health", 200, role=None)
    call("GET", "/api/v1/openapi.json", 200, role=None)
    call("GET", "/api/v1/docs", 200, role=None)
    day.keep(call("POST", "/api/v1/users", 201, json={"name": "王审计", "role": "auditor"}), "user_id")
    call("GET", "/api/v1/users", 200)
    call("POST", "/api/v1/users/{user_id}/token", 200)
    call("POST", "/api/v1/users/{user_id}/revoke", 200, json={"reason": "已调离"})
    units = call("GET", "/api/v1/org-units", 200, "caseworker", params={"per_page": 500})["items"]
    (root,) = [unit for unit in units if unit["parent_id"] is None]
    tag = uuid.uuid4().hex[:8]  # sibling names are unique in the whole (shared) system
    unit = {"name": f"城东区总工会{tag}", "parent_id": root["org_unit_id"], "level": "district"}
    day.keep(call("POST", "/api/v1/org-units", 201, json=unit), "org_unit_id")
    call("GET", "/api/v1/org-units/{org_unit_id}", 200, "caseworker")
    call("PATCH", "/api/v1/org-units/{org_unit_id}", 200, json={"name": f"城东新区总工会{tag}"})

    sent = valid_worker()
    day.keep(call("POST", "/api/v1/workers", 201, "caseworker", json=sent), "worker_id")
    call("GET", "/api/v1/workers/{worker_id}", 200, params={"reveal": "1"})
    call("PATCH", "/api/v1/workers/{worker_id}", 200, "caseworker", json={"household_size": 4})
    for action in ("reject", "approve"):
        day.keep(
            call(
                "PATCH",
                "/api/v1/workers/{worker_id}",
                202,
                "caseworker",
                json={"bank": {"name": "中国银行", "account": fresh_account()}},
            ),
            "change_request_id",
        )
        call("POST", f"/api/v1/change-requests/{{change_request_id}}/{action}", 200, json={"reason": "核对无误"})
    call("GET", "/api/v1/change-requests", 200, params={"worker_id": day.ids["worker_id"]})
    call("GET", "/api/v1/workers", 200, params={"category": "deep"})
    call("GET", "/api/v1/workers/{worker_id}/audit", 200)
    sheet = "\n".join(SAMPLE_CSV.read_text(encoding="utf-8-sig").splitlines()[:3]).encode()
    call("POST", "/api/v1/workers/import", 200, "caseworker", params={"filename": "w.csv"}, data=sheet)
    day.keep(
        call(
            "POST",
            "/api/v1/workers/import",
            202,
            "caseworker",
            params={"filename": "w.csv", "async": "1"},
            files={"file": ("w.csv", sheet)},
        ),
        "import_id",
    )
    call("GET", "/api/v1/imports/{import_id}", 200)

    day.keep(call("POST", "/api/v1/campaigns", 201, json=campaign_body(publicity_days=0)), "campaign_id")
    campaign_id = day.ids["campaign_id"]
    call("GET", "/api/v1/campaigns", 200)
    application = call(
        "POST",
        "/api/v1/applications",
        201,
        "caseworker",
        json={"campaign_id": campaign_id, "worker_id": day.ids["worker_id"]},
    )
    day.keep(application, "application_id")
    call(
        "POST",
        "/api/v1/applications/approve-batch",
        200,
        json={"application_ids": [application["application_id"], "0" * 32]},
    )
    call("GET", "/api/v1/applications/{application_id}", 200)
    call("GET", "/api/v1/applications", 200, params={"campaign_id": campaign_id})
    call("GET", "/api/v1/public/campaigns/{campaign_id}/publicity", 200, role=None)
    call(
        "GET",
        "/api/v1/public/applications/{application_id}/status",
        200,
        role=None,
        params={"id_last4": sent["id_number"][-4:]},
    )

    day.keep(call("POST", "/api/v1/donors", 201, "finance", json={"name": "李捐", "kind": "individual"}), "donor_id")
    call("GET", "/api/v1/donors/{donor_id}", 200, "finance")
    gift = {
        "donor_id": day.ids["donor_id"],
        "amount_fen": 100_000,
        "campaign_id": None,
        "received_on": TODAY,
        "external_ref": f"SCHEMA-{uuid.uuid4().hex[:8]}",  # once per reference in the whole (shared) system
    }
    donation = day.keep(call("POST", "/api/v1/donations", 201, "finance", json=gift), "receipt_no")
    call("POST", "/api/v1/donations", 200, "finance", json=gift)
    call("POST", "/api/v1/campaigns/{campaign_id}/allocations", 201, "finance", json={"amount_fen": 100_000})
    call("GET", "/api/v1/public/receipts/{receipt_no}", 200, role=None, params={"code": donation["verification_code"]})

    day.keep(
        call("POST", "/api/v1/disbursement-batches", 201, "finance", json={"campaign_id": campaign_id}), "batch_id"
    )
    call("GET", "/api/v1/disbursement-batches/{batch_id}", 200, "finance")
    call("GET", "/api/v1/disbursement-batches/{batch_id}/file", 200, "finance")
    results = f"application_id,result,bank_ref,reason\r\n{application['application_id']},success,B-1,\r\n"
    call(
        "POST",
        "/api/v1/disbursement-batches/{batch_id}/results",
        200,
        "finance",
        data=results.encode(),
        headers={"Content-Type": "text/csv"},
    )
    call("GET", "/api/v1/donors/{donor_id}/trace", 200, "finance")
    call("GET", "/api/v1/reconciliation", 200, "finance")
    call("GET", "/api/v1/public/campaigns/{campaign_id}/disclosure", 200, role=None)
    day.ids["year"] = "2031"
    call("PUT", "/api/v1/calendar/{year}", 200, json={"holidays": ["2031-01-01"], "workdays": []})
    call("GET", "/api/v1/calendar/{year}", 200, "caseworker")

    submitted_and_approved(day, campaign_id)
    call("POST", "/api/v1/applications/{application_id}/disburse", 200, "finance", json={"bank_ref": "B-2"})
    for action in ("reject", "withdraw"):
        worker = call("POST", "/api/v1/workers", 201, "caseworker", json=valid_worker())
        day.keep(
            call(
                "POST",
                "/api/v1/applications",
                201,
                "caseworker",
                json={"campaign_id": campaign_id, "worker_id": worker["worker_id"]},
            ),
            "application_id",
        )
        call("POST", f"/api/v1/applications/{{application_id}}/{action}", 200, json={"reason": "家庭收入超过标准"})
    publicizing = call("POST", "/api/v1/campaigns", 201, json=campaign_body(publicity_days=5))
    submitted_and_approved(day, publicizing["campaign_id"])
    call("POST", "/api/v1/applications/{application_id}/objection", 200, "caseworker", json={"reason": "群众反映"})

    call(
        "POST", "/api/v1/workers/{worker_id}/status", 200, "caseworker", json={"status": "suspended", "reason": "复核"}
    )
    call("POST", "/api/v1/workers/{worker_id}/sms-opt-out", 200, "caseworker", json={"reason": "本人要求"})
    call("GET", "/api/v1/sms/opt-outs", 200)
    call("DELETE", "/api/v1/workers/{worker_id}/sms-opt-out", 200, "caseworker")
    sms = wait_until(lambda: notifications(day.api, application_id=day.ids["application_id"]), 30)
    day.ids.update(notification_id=sms[0]["notification_id"], provider="console")
    call("GET", "/api/v1/notifications", 200, params={"application_id": day.ids["application_id"]})
    call(
        "POST",
        "/api/v1/sms/receipts/{provider}",
        200,
        role=None,
        json=[{"provider_message_id": f"console-{sms[0]['notification_id']}", "delivered": True, "code": "DELIVRD"}],
    )
    return {"id_last4": sent["id_number"][-4:], "code": donation["verification_code"], "campaign_id": campaign_id}


def test_a_day_of_work_answers_as_documented(gateway, schema):
    a_day_of_work(Day(gateway, schema))


def strategies(operation, real_path: dict, real_query: dict):
    """Valid and invalid requests, on generated ids and (where the path has ids) on real ones."""
    parameters = operation.definition.raw.get("parameters", [])
    path = {p["name"]: real_path[p["name"]] for p in parameters if p["in"] == "path"}
    query = {p["name"]: real_query[p["name"]] for p in parameters if p["in"] == "query" and p["name"] in real_query}
    options = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        options.append(operation.as_strategy(generation_mode=mode))
        if path or query:
            options.append(operation.as_strategy(generation_mode=mode, path_parameters=path, query=query or None))
    return st.one_of(options)


def token_for(roles: list[str], tokens: dict) -> str | None:
    """The admin where the admin may; otherwise the first role allowed (finance for the bank file)."""
    if not roles:
        return None
    return tokens["admin" if "admin" in roles else roles[0]]


@pytest.mark.timeout(600)  # ~1,500 requests: over the suite's 120 s on a loaded 2-core machine (215 s seen)
def test_generated_requests_never_fail_the_document(gateway, schema):
    day = Day(gateway, schema)
    real_query = a_day_of_work(day)
    operations = [result.ok() for result in schema.get_all_operations()]
    document = gateway.get("/api/v1/openapi.json", token=None).json()
    documented = {f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods}
    # schemathesis leaves out the document it was loaded from (the day of work checked that one)
    assert {operation.label for operation in operations} == documented - {"GET /api/v1/openapi.json"}
    failures = []
    for operation in operations:
        token = token_for(operation.definition.raw["x-roles"], day.tokens)
        headers = {"Authorization": f"Bearer {token}"} if token else {}

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
        )
        @given(case=strategies(operation, day.ids, real_query))
        def answers_as_documented(case):
            case.call_and_validate(base_url=gateway.base_url, headers=headers, checks=CHECKS, timeout=30)  # noqa: B023 (called in this iteration)

        try:
            answers_as_documented()
        except (Exception, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
