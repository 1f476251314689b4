"""Every endpoint × every role, and no token: who may call what, as CONTRACT.md and the README say.

The table below is written from those documents, not read from the gateway's routes, so a route that
lets the wrong role in (or keeps the right one out) fails here. Ids that do not exist are enough: the
role check must come before the lookup, so a refused role gets 403, never 404.
"""

import re

import pytest

from tests.e2e import aid_builders
from tests.e2e.aid_builders import create_campaign, submitted
from tests.e2e.builders import accounts_by_id, add_unit, new_user, own_tag, root_unit, valid_worker
from tests.e2e.conftest import ADMIN_TOKEN, LIVE_RECEIPT_TOKEN
from tests.fakes.sheets import generate_workers, to_csv_bytes

ROLES = ("admin", "caseworker", "finance", "auditor", "donor")
PUBLIC = "public"
ADMIN = ("admin",)
CASEWORK = ("admin", "caseworker")
FINANCE = ("admin", "finance")
STAFF = ("admin", "caseworker", "finance", "auditor")
EVERYONE = ROLES
READERS = ("admin", "finance", "auditor")
DONOR_READERS = ("admin", "finance", "auditor", "donor")  # the donor: its own record only

MISSING = "0" * 32  # a well-formed id no object has
DONOR_ID = "d" * 32  # the donor account's own donor id
RECEIPT_TOKEN = LIVE_RECEIPT_TOKEN  # SMS receipts authenticate the provider by this, not by a bearer token
aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned (a campaign takes applications)

ALLOWED = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/metrics"): ("admin", "auditor"),  # and METRICS_TOKEN (tests/e2e/test_metrics.py)
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/docs"): PUBLIC,
    ("POST", "/api/v1/users"): ADMIN,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users/{user_id}/revoke"): ADMIN,
    ("POST", "/api/v1/users/{user_id}/token"): ADMIN,
    ("POST", "/api/v1/org-units"): ADMIN,
    ("GET", "/api/v1/org-units"): STAFF,
    ("GET", "/api/v1/org-units/{org_unit_id}"): STAFF,
    ("PATCH", "/api/v1/org-units/{org_unit_id}"): ADMIN,
    ("POST", "/api/v1/workers"): CASEWORK,
    ("GET", "/api/v1/workers"): STAFF,
    ("GET", "/api/v1/workers/{worker_id}"): STAFF,
    ("GET", "/api/v1/workers/{worker_id}?reveal=1"): CASEWORK,
    ("GET", "/api/v1/workers/{worker_id}/audit"): ("admin", "auditor"),
    ("PATCH", "/api/v1/workers/{worker_id}"): CASEWORK,
    ("POST", "/api/v1/workers/{worker_id}/status"): CASEWORK,
    ("POST", "/api/v1/workers/import"): CASEWORK,
    ("GET", "/api/v1/imports/{import_id}"): STAFF,
    ("GET", "/api/v1/change-requests"): STAFF,
    ("POST", "/api/v1/change-requests/{change_request_id}/approve"): CASEWORK,
    ("POST", "/api/v1/change-requests/{change_request_id}/reject"): CASEWORK,
    ("POST", "/api/v1/campaigns"): ADMIN,
    ("GET", "/api/v1/campaigns"): EVERYONE,
    ("GET", "/api/v1/campaigns/{campaign_id}"): EVERYONE,
    ("POST", "/api/v1/campaigns/{campaign_id}/allocations"): FINANCE,
    ("POST", "/api/v1/campaigns/{campaign_id}/quotas"): ADMIN,
    ("POST", "/api/v1/applications"): CASEWORK,
    ("GET", "/api/v1/applications"): STAFF,
    ("GET", "/api/v1/applications/{application_id}"): STAFF,
    ("POST", "/api/v1/applications/approve-batch"): CASEWORK,
    ("POST", "/api/v1/applications/{application_id}/approve"): CASEWORK,
    ("POST", "/api/v1/applications/{application_id}/reject"): CASEWORK,
    ("POST", "/api/v1/applications/{application_id}/withdraw"): CASEWORK,
    ("POST", "/api/v1/applications/{application_id}/objection"): CASEWORK,
    ("POST", "/api/v1/applications/{application_id}/disburse"): FINANCE,
    ("GET", "/api/v1/calendar/{year}"): STAFF,
    ("PUT", "/api/v1/calendar/{year}"): ADMIN,
    ("POST", "/api/v1/donors"): FINANCE,
    ("GET", "/api/v1/donors/{donor_id}"): DONOR_READERS,
    ("GET", "/api/v1/donors/{donor_id}/trace"): DONOR_READERS,
    ("POST", "/api/v1/donations"): FINANCE,
    ("GET", "/api/v1/reconciliation"): READERS,
    ("POST", "/api/v1/disbursement-batches"): FINANCE,
    ("GET", "/api/v1/disbursement-batches/{batch_id}"): READERS,
    ("GET", "/api/v1/disbursement-batches/{batch_id}/file"): ("finance",),
    ("POST", "/api/v1/disbursement-batches/{batch_id}/results"): FINANCE,
    ("GET", "/api/v1/notifications"): STAFF,
    ("POST", "/api/v1/notifications/{notification_id}/resend"): CASEWORK,
    ("GET", "/api/v1/sms/opt-outs"): STAFF,
    ("GET", "/api/v1/reports/summary"): STAFF,
    ("POST", "/api/v1/workers/{worker_id}/sms-opt-out"): CASEWORK,
    ("DELETE", "/api/v1/workers/{worker_id}/sms-opt-out"): CASEWORK,
    ("GET", f"/api/v1/sms/receipts/{{provider}}?token={RECEIPT_TOKEN}"): PUBLIC,
    ("POST", f"/api/v1/sms/receipts/{{provider}}?token={RECEIPT_TOKEN}"): PUBLIC,
    ("GET", "/api/v1/public/campaigns/{campaign_id}/publicity"): PUBLIC,
    ("GET", "/api/v1/public/campaigns/{campaign_id}/disclosure"): PUBLIC,
    ("GET", "/api/v1/public/applications/{application_id}/status"): PUBLIC,
    ("GET", "/api/v1/public/receipts/{receipt_no}"): PUBLIC,
}
PATH_VALUES = {"donor_id": DONOR_ID, "provider": "aliyun", "year": "2031"}


# The session's system: its limits are out of reach (hundreds of calls here go without a valid token on purpose;
# the sign-in limit is tested in test_rate_limits.py) and it has RECEIPT_TOKEN for Alibaba's receipts.


def concrete(path: str) -> str:
    return re.sub(r"{([a-z_]+)}", lambda match: PATH_VALUES.get(match.group(1), MISSING), path)


def test_the_table_covers_every_documented_operation(api):
    document = api.get("/api/v1/openapi.json", token=None).json()
    documented = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    assert documented == {(method, path.split("?")[0]) for method, path in ALLOWED}


def status_of(api, method: str, path: str, token: str | None) -> int:
    # An empty JSON object: every body is refused or ignored after the role check, so nothing is created.
    return api.call(method, concrete(path), token=token, json=None if method == "GET" else {}).status_code


def test_each_role_reaches_exactly_what_it_may(api):
    tokens = {role: new_user(api, role, donor_id=DONOR_ID if role == "donor" else None)["token"] for role in ROLES}
    tokens["admin"] = ADMIN_TOKEN
    wrong = []
    for (method, path), allowed in ALLOWED.items():
        answer = status_of(api, method, path, None)
        if allowed == PUBLIC and answer in (401, 403) or allowed != PUBLIC and answer != 401:
            wrong.append(f"{method} {path} without a token: {answer}")
        for role in ROLES:
            answer = status_of(api, method, path, tokens[role])
            may = allowed == PUBLIC or role in allowed
            if may and answer in (401, 403) or not may and answer != 403:
                wrong.append(f"{method} {path} as {role}: {answer}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", ["/api/v1/donors/{other}", "/api/v1/donors/{other}/trace"])
def test_a_donor_is_refused_another_donors_record(api, path):
    token = new_user(api, "donor", donor_id=DONOR_ID)["token"]
    assert api.get(path.format(other=MISSING), token=token).status_code == 403


# A record of another unit answers as one that does not exist, to every role that may call the endpoint, (role, body)
SCOPED = {
    ("GET", "/api/v1/workers/{worker_id}"): (STAFF, None),
    ("GET", "/api/v1/workers/{worker_id}?reveal=1"): (CASEWORK, None),
    ("GET", "/api/v1/workers/{worker_id}/audit"): (("admin", "auditor"), None),
    ("PATCH", "/api/v1/workers/{worker_id}"): (CASEWORK, {"household_size": 4}),
    ("POST", "/api/v1/workers/{worker_id}/status"): (CASEWORK, {"status": "suspended", "reason": "核查"}),
    ("GET", "/api/v1/imports/{import_id}"): (STAFF, None),
    ("POST", "/api/v1/change-requests/{change_request_id}/approve"): (CASEWORK, {}),
    ("POST", "/api/v1/change-requests/{change_request_id}/reject"): (CASEWORK, {}),
    ("GET", "/api/v1/campaigns/{campaign_id}"): (STAFF, None),
    ("POST", "/api/v1/campaigns/{campaign_id}/quotas"): (ADMIN, {"org_unit_id": MISSING, "amount_fen": 1}),
    ("GET", "/api/v1/applications/{application_id}"): (STAFF, None),
    ("POST", "/api/v1/applications/{application_id}/approve"): (CASEWORK, {}),
    ("POST", "/api/v1/applications/{application_id}/reject"): (CASEWORK, {"reason": "核查"}),
    ("POST", "/api/v1/applications/{application_id}/withdraw"): (CASEWORK, {"reason": "核查"}),
    ("POST", "/api/v1/applications/{application_id}/objection"): (CASEWORK, {"reason": "核查"}),
    ("POST", "/api/v1/applications/{application_id}/disburse"): (FINANCE, {"bank_ref": "X-1"}),
    ("POST", "/api/v1/users/{user_id}/revoke"): (ADMIN, {"reason": "核查"}),
    ("POST", "/api/v1/users/{user_id}/token"): (ADMIN, {}),
    ("GET", "/api/v1/reports/summary?org_unit_id={org_unit_id}"): (STAFF, None),
}
SCOPED_LISTS = (
    "/api/v1/workers?id_number={id_number}",
    "/api/v1/change-requests?worker_id={worker_id}",
    "/api/v1/applications?worker_id={worker_id}",
)


def test_the_same_role_in_another_unit_finds_nothing_of_the_first(aid_api):
    api = aid_api
    tag, root = own_tag(), root_unit(api)
    first, second = (add_unit(api, f"{name}工会{tag}", root, "base") for name in ("甲", "乙"))
    maker_account = new_user(api, "caseworker", org_unit_id=first["org_unit_id"])
    maker = maker_account["token"]
    body = valid_worker(union=first["name"])
    worker_id = api.post("/api/v1/workers", json=body, token=maker).json()["worker_id"]
    bank = {"bank": {"name": "中国银行", "account": "6217000011112222333"}}
    change_request_id = api.patch(f"/api/v1/workers/{worker_id}", json=bank, token=maker).json()["change_request_id"]
    sheet = to_csv_bytes([{**generate_workers(1, seed=3)[0], "union": first["name"], "id_number": body["id_number"]}])
    import_id = api.post("/api/v1/workers/import?filename=w.csv", data=sheet, token=maker).json()["import_id"]
    campaign_id = create_campaign(api, org_unit_id=first["org_unit_id"])["campaign_id"]
    application_id = submitted(api, maker, campaign_id, worker_id)["application_id"]
    ids = {
        "application_id": application_id,
        "worker_id": worker_id,
        "import_id": import_id,
        "change_request_id": change_request_id,
        "campaign_id": campaign_id,
        "user_id": maker_account["user_id"],
        "org_unit_id": first["org_unit_id"],
        **body,
    }
    staff = ("admin", "caseworker", "finance", "auditor")
    tokens = {role: new_user(api, role, org_unit_id=second["org_unit_id"])["token"] for role in staff}
    auditor = new_user(api, "auditor", org_unit_id=first["org_unit_id"])["token"]
    assert api.get(f"/api/v1/workers/{worker_id}/audit", token=auditor).status_code == 200  # the first unit's own

    wrong = []
    for (method, path), (allowed, payload) in SCOPED.items():
        for role in allowed:
            answer = api.call(method, path.format(**ids), token=tokens[role], json=payload)
            if answer.status_code != 404:
                wrong.append(f"{method} {path} as {role} of another unit: {answer.status_code}")
    for path in SCOPED_LISTS:
        for role, token in tokens.items():
            if api.get(path.format(**ids), token=token).json()["total"]:
                wrong.append(f"GET {path} as {role} of another unit lists the first unit's")
    for role in CASEWORK:
        batch = api.post(
            "/api/v1/applications/approve-batch", json={"application_ids": [application_id]}, token=tokens[role]
        )
        if [item["code"] for item in batch.json()["failed"]] != ["not_found"]:
            wrong.append(f"POST /api/v1/applications/approve-batch as {role} of another unit: {batch.text}")
    if maker_account["user_id"] in accounts_by_id(api, token=tokens["admin"]):
        wrong.append("GET /api/v1/users as admin of another unit lists the first unit's")
    assert not wrong, "\n".join(wrong)
