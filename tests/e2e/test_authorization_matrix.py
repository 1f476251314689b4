"""Every endpoint × every role, and no token: who may call what, as CONTRACT.md and the README say; then every
endpoint and console page × role × unit: who sees which unit's records (CONTRACT "Scope").

The table below is written from those documents, not read from the gateway's routes, so a route that
lets the wrong role in (or keeps the right one out) fails here. Ids that do not exist are enough (but the donor
account's own donor, which must exist for the account to be made): the role check must come before the lookup, so a
refused role gets 403, never 404.

The scope tables after it say how each operation and each console page meets a record of one unit (a district, the
`own` unit, scope_builders.World): named in its path, named in its body, in a list, or not at all (and why). Each is
tried by every role that may call it from the own unit, from the root above it (`parent`), from a base union below it
(`child`) and from another district (`sibling`): the own unit and the root reach the record; the sibling and the child
find nothing (404, absent from lists and counts), except that a campaign is seen from below its unit and that a donor's
account reads its own donor (the own unit's) from any unit. Every answer the sibling gets is scanned for the own unit's
worker's name and numbers, masked or not. The records of money and the reports are tried a step lower too
(scope_builders.BaseUnionWorld): owned by a base union, reached by its district's staff (a `parent` that is not the
root, tried with every role and every list), refused to another base union of the district and to the district beside
it.
"""

import re
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.gateway.console.pages import PAGES
from tests.e2e import aid_builders
from tests.e2e.aid_builders import campaign_body
from tests.e2e.builders import fresh_id_number, new_donor, new_user, valid_worker
from tests.e2e.conftest import ADMIN_TOKEN, LIVE_RECEIPT_TOKEN
from tests.e2e.console_client import signed_in
from tests.e2e.scope_builders import BaseUnionWorld, World

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
    ("GET", "/api/v1/reports/summary?org_unit_id={org_unit_id}"): STAFF,
    ("POST", "/api/v1/workers/{worker_id}/sms-opt-out"): CASEWORK,
    ("DELETE", "/api/v1/workers/{worker_id}/sms-opt-out"): CASEWORK,
    ("GET", f"/api/v1/sms/receipts/{{provider}}?token={RECEIPT_TOKEN}"): PUBLIC,
    ("POST", f"/api/v1/sms/receipts/{{provider}}?token={RECEIPT_TOKEN}"): PUBLIC,
    ("GET", "/api/v1/public/campaigns/{campaign_id}/publicity"): PUBLIC,
    ("GET", "/api/v1/public/campaigns/{campaign_id}/disclosure"): PUBLIC,
    ("GET", "/api/v1/public/applications/{application_id}/status"): PUBLIC,
    ("GET", "/api/v1/public/receipts/{receipt_no}"): PUBLIC,
}
PATH_VALUES = {"provider": "aliyun", "year": "2031"}  # and the donor account's own donor_id


# The session's system: its limits are out of reach (hundreds of calls here go without a valid token on purpose;
# the sign-in limit is tested in test_rate_limits.py) and it has RECEIPT_TOKEN for Alibaba's receipts.


def concrete(path: str, donor_id: str) -> str:
    values = {**PATH_VALUES, "donor_id": donor_id}
    return re.sub(r"{([a-z_]+)}", lambda match: values.get(match.group(1), MISSING), path)


def test_the_table_covers_every_documented_operation(api):
    document = api.get("/api/v1/openapi.json", token=None).json()
    documented = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    assert documented == {(method, path.split("?")[0]) for method, path in ALLOWED}


def status_of(api, method: str, path: str, token: str | None, donor_id: str) -> int:
    # An empty JSON object: every body is refused or ignored after the role check, so nothing is created.
    return api.call(method, concrete(path, donor_id), token=token, json=None if method == "GET" else {}).status_code


def test_each_role_reaches_exactly_what_it_may(api):
    donor_id = new_donor(api)["donor_id"]
    tokens = {role: new_user(api, role, donor_id=donor_id if role == "donor" else None)["token"] for role in ROLES}
    tokens["admin"] = ADMIN_TOKEN
    wrong = []
    for (method, path), allowed in ALLOWED.items():
        answer = status_of(api, method, path, None, donor_id)
        if allowed == PUBLIC and answer in (401, 403) or allowed != PUBLIC and answer != 401:
            wrong.append(f"{method} {path} without a token: {answer}")
        for role in ROLES:
            answer = status_of(api, method, path, tokens[role], donor_id)
            may = allowed == PUBLIC or role in allowed
            if may and answer in (401, 403) or not may and answer != 403:
                wrong.append(f"{method} {path} as {role}: {answer}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", ["/api/v1/donors/{other}", "/api/v1/donors/{other}/trace"])
def test_a_donor_is_refused_another_donors_record(api, path):
    token = new_user(api, "donor")["token"]
    assert api.get(path.format(other=MISSING), token=token).status_code == 403


# How each operation meets the first unit's records. The path's {names} are the World's ids.
# An operation on a record named in its path: the body it sends (None: none; a str: CSV).
ON_RECORD = {
    ("GET", "/api/v1/org-units/{org_unit_id}"): None,
    ("PATCH", "/api/v1/org-units/{org_unit_id}"): {"name": "{renamed}"},
    ("GET", "/api/v1/workers/{worker_id}"): None,
    ("GET", "/api/v1/workers/{worker_id}?reveal=1"): None,
    ("GET", "/api/v1/workers/{worker_id}/audit"): None,
    ("GET", "/api/v1/reports/summary?org_unit_id={org_unit_id}"): None,
    ("PATCH", "/api/v1/workers/{worker_id}"): {"household_size": 4},
    ("POST", "/api/v1/workers/{worker_id}/status"): {"status": "active", "reason": "核查"},
    ("GET", "/api/v1/imports/{import_id}"): None,
    ("POST", "/api/v1/change-requests/{change_request_id}/approve"): {},
    ("POST", "/api/v1/change-requests/{change_request_id}/reject"): {},
    ("GET", "/api/v1/campaigns/{campaign_id}"): None,
    ("POST", "/api/v1/campaigns/{campaign_id}/allocations"): {"amount_fen": 1},
    ("POST", "/api/v1/campaigns/{campaign_id}/quotas"): {"org_unit_id": "{child_unit_id}", "amount_fen": 1},
    ("GET", "/api/v1/applications/{application_id}"): None,
    ("POST", "/api/v1/applications/{application_id}/approve"): {},
    ("POST", "/api/v1/applications/{application_id}/reject"): {"reason": "核查"},
    ("POST", "/api/v1/applications/{application_id}/withdraw"): {"reason": "核查"},
    ("POST", "/api/v1/applications/{application_id}/objection"): {"reason": "核查"},
    ("POST", "/api/v1/applications/{application_id}/disburse"): {"bank_ref": "X-1"},
    ("GET", "/api/v1/donors/{donor_id}"): None,
    ("GET", "/api/v1/donors/{donor_id}/trace"): None,
    ("GET", "/api/v1/disbursement-batches/{batch_id}"): None,
    ("GET", "/api/v1/disbursement-batches/{batch_id}/file"): None,
    ("POST", "/api/v1/disbursement-batches/{batch_id}/results"): "application_id,result,bank_ref,reason\n",
    ("POST", "/api/v1/notifications/{notification_id}/resend"): {},
    ("DELETE", "/api/v1/workers/{worker_id}/sms-opt-out"): None,  # before the opt-out again: the world keeps it
    ("POST", "/api/v1/workers/{worker_id}/sms-opt-out"): {"reason": "本人要求"},
    ("POST", "/api/v1/users/{user_id}/revoke"): {"reason": "核查"},
    ("POST", "/api/v1/users/{user_id}/token"): {},
}
# An operation whose body names a record of the first unit (a unit to make something in, a campaign, a worker, a
# donor): refused with 400 or 404 out of scope; made (or 409, a duplicate, nothing due) in it.
IN_BODY = {
    ("POST", "/api/v1/org-units"): lambda ids: {
        "name": f"新工会{uuid.uuid4().hex[:8]}",
        "parent_id": ids["org_unit_id"],
        "level": "base",
    },
    ("POST", "/api/v1/users"): lambda ids: {
        "name": "新经办人",
        "role": "caseworker",
        "org_unit_id": ids["org_unit_id"],
    },
    ("POST", "/api/v1/workers"): lambda ids: {
        **{key: value for key, value in valid_worker().items() if key != "union"},
        "org_unit_id": ids["org_unit_id"],
    },
    ("POST", "/api/v1/campaigns"): lambda ids: campaign_body(org_unit_id=ids["org_unit_id"]),
    ("POST", "/api/v1/applications"): lambda ids: {"campaign_id": ids["campaign_id"], "worker_id": ids["worker_id"]},
    ("POST", "/api/v1/donors"): lambda ids: {"name": "某人", "kind": "individual", "org_unit_id": ids["org_unit_id"]},
    ("POST", "/api/v1/donations"): lambda ids: {
        "donor_id": ids["donor_id"],
        "amount_fen": 100_000,
        "campaign_id": None,
        "received_on": "2026-08-01",
        "external_ref": ids["external_ref"],
    },
    ("POST", "/api/v1/disbursement-batches"): lambda ids: {"campaign_id": ids["campaign_id"]},
}
# A list: the field of its items that shows the first unit's record in it, and whether the root's answer is small enough to hold it
# on one page (the root sees every test's records; a filter that names the record is).
LISTS = {
    ("GET", "/api/v1/workers?id_number={id_number}"): ("worker_id", True),
    ("GET", "/api/v1/change-requests?worker_id={worker_id}"): ("change_request_id", True),
    ("GET", "/api/v1/applications?worker_id={worker_id}"): ("application_id", True),
    ("GET", "/api/v1/notifications?worker_id={worker_id}"): ("notification_id", True),
    ("GET", "/api/v1/org-units?per_page=500"): ("org_unit_id", False),
    ("GET", "/api/v1/campaigns?per_page=500"): ("campaign_id", False),
    ("GET", "/api/v1/sms/opt-outs?per_page=500"): ("worker_id", False),
    ("GET", "/api/v1/users?per_page=500"): ("user_id", False),
    ("GET", "/api/v1/reconciliation"): ("campaign_id", False),
}
# What a unit below the campaign's sees: the campaign itself (a district files for the city's campaign), and so may
# allocate to it; its quotas are set by the campaign's own unit or above (403).
CHILD_SEES = {
    ("GET", "/api/v1/campaigns/{campaign_id}"),
    ("POST", "/api/v1/campaigns/{campaign_id}/allocations"),
    ("GET", "/api/v1/campaigns?per_page=500"),
}
CHILD_FORBIDDEN = {("POST", "/api/v1/campaigns/{campaign_id}/quotas")}
# What a donor's account reads of its own donor from any unit (the campaigns it sees are its unit's, as staff's are).
DONOR_OWN = {("GET", "/api/v1/donors/{donor_id}"), ("GET", "/api/v1/donors/{donor_id}/trace")}
APPROVE_BATCH = ("POST", "/api/v1/applications/approve-batch")  # each id's outcome: not_found out of scope
# Counts by status: the first unit's application is counted for the units whose scope holds it, and the units below
# the root read only the figures of their subtree's records.
METRICS = ("GET", "/metrics")
SUBTREE_FIGURES = {"hardship_service_metrics_up", "hardship_applications", "hardship_sms_messages"}
NOT_SCOPED = {
    ("GET", "/health"): "public",
    ("GET", "/api/v1/openapi.json"): "public",
    ("GET", "/api/v1/docs"): "public",
    ("POST", "/api/v1/workers/import"): "a sheet's unions are resolved in the caller's scope (test_worker_scope.py)",
    ("GET", "/api/v1/calendar/{year}"): "one calendar for the whole system",
    ("PUT", "/api/v1/calendar/{year}"): "one calendar for the whole system",
    ("GET", f"/api/v1/sms/receipts/{{provider}}?token={RECEIPT_TOKEN}"): "the provider's",
    ("POST", f"/api/v1/sms/receipts/{{provider}}?token={RECEIPT_TOKEN}"): "the provider's",
    ("GET", "/api/v1/public/campaigns/{campaign_id}/publicity"): "public",
    ("GET", "/api/v1/public/campaigns/{campaign_id}/disclosure"): "public",
    ("GET", "/api/v1/public/applications/{application_id}/status"): "public",
    ("GET", "/api/v1/public/receipts/{receipt_no}"): "public",
}


def allowed_roles(method: str, path: str) -> tuple[str, ...]:
    return ALLOWED[method, path] if (method, path) in ALLOWED else ALLOWED[method, path.split("?")[0]]


def test_the_scope_tables_cover_every_operation_once():
    lists = [(method, path.split("?")[0]) for method, path in LISTS]
    classified = [*ON_RECORD, *IN_BODY, *lists, APPROVE_BATCH, METRICS, *NOT_SCOPED]
    assert len(classified) == len(set(classified)) and set(classified) == set(ALLOWED)


def listed(answer: dict, key: str) -> set[str]:
    """The values of that field in a list's items (the reconciliation report's: its campaigns)."""
    return {item[key] for item in answer.get("items", answer.get("campaigns"))}


def filled(template, ids: dict):
    """The template (a path, or a body) with the World's ids in its {names}."""
    if isinstance(template, str):
        return re.sub(r"{([a-z_]+)}", lambda match: ids[match.group(1)], template)
    if isinstance(template, dict):
        return {key: filled(value, ids) for key, value in template.items()}
    return template


class Matrix:
    """The tries of one World (of the operations whose path names one of `about`, or all), what went wrong, and every
    body the users of a unit that must not reach the record (a sibling, a cousin) were answered."""

    def __init__(self, world: World, about: tuple[str, ...] | None = None):
        self.world, self.about = world, about
        self.ids = {**world.ids, "renamed": f"甲区新总工会{world.tag}"}
        self.wrong: list[str] = []
        self.outsiders_saw: list[str] = []

    def tried(self, viewpoint: str, path: str, roles: tuple[str, ...]) -> tuple[str, ...]:
        """The roles tried from a unit on an operation of the matrix: every one, but from the root only the first (its
        users see everything; the role matrix above tries them all)."""
        if self.about and not any(word in path for word in self.about):
            return ()
        return roles[:1] if viewpoint == "parent" and self.world.parent_is_root else roles

    def call(self, viewpoint: str, role: str, method: str, path: str, body=None):
        kwargs = {"data": body.encode()} if isinstance(body, str) else {"json": body}
        answer = self.world.api.call(method, path, token=self.world.token(viewpoint, role), **kwargs)
        if viewpoint not in ("own", "parent", "child"):
            self.outsiders_saw.append(answer.text)
        return answer

    def expect(self, ok: bool, viewpoint: str, role: str, method: str, path: str, answer) -> None:
        if not ok:
            # a page's own message is at its end, after the navigation
            shown = answer.text[:200] if answer.text.startswith("{") else re.sub(r"\s+", " ", answer.text)[-300:]
            self.wrong.append(f"{method} {path} as {role} of the {viewpoint} unit: {answer.status_code} {shown}")

    def reaches(self, viewpoint: str, operation, role: str | None = None) -> bool:
        """Whether that unit's users (of that role) reach the first unit's record through the operation. A donor's
        account reads its own donor, which every World's donor account names, from any unit."""
        own_donor = role == "donor" and operation in DONOR_OWN
        return viewpoint in ("own", "parent") or (viewpoint == "child" and operation in CHILD_SEES) or own_donor

    def on_records(self, viewpoint: str) -> None:
        for (method, path), body in ON_RECORD.items():
            for role in self.tried(viewpoint, path, allowed_roles(method, path)):
                answer = self.call(viewpoint, role, method, filled(path, self.ids), filled(body, self.ids))
                if self.reaches(viewpoint, (method, path), role):
                    ok = answer.status_code not in (401, 403, 404) and answer.status_code < 500
                elif viewpoint == "child" and (method, path) in CHILD_FORBIDDEN:
                    ok = answer.status_code == 403
                else:
                    ok = answer.status_code == 404
                self.expect(ok, viewpoint, role, method, path, answer)

    def in_bodies(self, viewpoint: str) -> None:
        for (method, path), body in IN_BODY.items():
            for role in self.tried(viewpoint, path, allowed_roles(method, path)):
                answer = self.call(viewpoint, role, method, path, body(self.ids))
                if self.reaches(viewpoint, (method, path)):
                    ok = answer.status_code in (200, 201, 409)
                else:
                    ok = answer.status_code in (400, 404)
                self.expect(ok, viewpoint, role, method, path, answer)
        for role in self.tried(viewpoint, APPROVE_BATCH[1], allowed_roles(*APPROVE_BATCH)):
            answer = self.call(viewpoint, role, *APPROVE_BATCH, {"application_ids": [self.ids["application_id"]]})
            codes = [item["code"] for item in answer.json()["failed"]]
            self.expect(
                (codes == ["not_found"]) != self.reaches(viewpoint, APPROVE_BATCH),
                viewpoint,
                role,
                *APPROVE_BATCH,
                answer,
            )

    def lists(self, viewpoint: str) -> None:
        for (method, path), (key, one_page) in LISTS.items():
            if viewpoint == "parent" and self.world.parent_is_root and not one_page:
                continue
            for role in self.tried(viewpoint, path, allowed_roles(method, path)):
                answer = self.call(viewpoint, role, method, filled(path, self.ids))
                shown = answer.status_code == 200 and self.ids[key] in listed(answer.json(), key)
                self.expect(
                    answer.status_code == 200 and shown == self.reaches(viewpoint, (method, path)),
                    viewpoint,
                    role,
                    method,
                    path,
                    answer,
                )

    def counts(self, viewpoint: str) -> None:
        """A campaign's counts are of the applications the caller sees: the child sees the campaign, not the own
        unit's application in it."""
        campaign = "/api/v1/campaigns/{campaign_id}"
        path = filled(campaign, self.ids)
        for role in self.tried(viewpoint, campaign, allowed_roles("GET", campaign)):
            answer = self.call(viewpoint, role, "GET", path)
            if answer.status_code == 200:
                counted = sum(answer.json()["counts"].values())
                self.expect(counted == (viewpoint != "child"), viewpoint, role, "GET", path + " (counts)", answer)

    def metrics(self, viewpoint: str) -> None:
        """The applications on /metrics: the own unit counts its one, the root it among every test's; the child and
        the sibling none (their subtrees hold no other record); below the root, nothing but the subtree's figures."""
        for role in self.tried(viewpoint, METRICS[1], allowed_roles(*METRICS)):
            answer = self.call(viewpoint, role, *METRICS)
            families = list(text_string_to_metric_families(answer.text)) if answer.status_code == 200 else []
            counted = sum(s.value for f in families if f.name == "hardship_applications" for s in f.samples)
            names = {family.name for family in families if family.samples}
            ok = counted >= 1 if viewpoint == "parent" else counted == (1 if viewpoint == "own" else 0)
            ok = ok and (viewpoint == "parent" or names <= SUBTREE_FIGURES and "hardship_applications" in names)
            self.expect(ok, viewpoint, role, *METRICS, answer)


def assert_nothing_personal(world: World, bodies: list[str]) -> None:
    """None of the bodies holds the first unit's worker's name or numbers, in full or masked."""
    leaked = {value for value in world.personal_values() for body in bodies if value in body}
    assert not leaked, leaked


# The console's pages, as the scope tables above list the API's operations (the roles are each page's own).
ACTION = "approve"  # the <action> of the pages that take one
CONSOLE_ON_RECORD = {
    ("GET", "/workers/<worker_id>"): None,
    ("POST", "/workers/<worker_id>/reveal"): {},
    ("GET", "/workers/<worker_id>/audit"): None,
    ("POST", "/workers/<worker_id>/status"): {"status": "active", "reason": "核查"},
    ("POST", "/workers/<worker_id>/sms-opt-in"): {},  # before the opt-out again: the world keeps it
    ("POST", "/workers/<worker_id>/sms-opt-out"): {"reason": "本人要求"},
    ("GET", "/workers/<worker_id>/edit"): None,
    ("POST", "/workers/<worker_id>/edit"): {},  # nothing changed: the file as it is
    ("GET", "/imports/<import_id>"): None,
    ("POST", "/change-requests/<change_request_id>/<action>"): {},
    ("GET", "/campaigns/<campaign_id>"): None,
    ("POST", "/campaigns/<campaign_id>/quotas"): {"org_unit_id": "{child_unit_id}", "amount_fen": "0.01"},
    ("POST", "/campaigns/<campaign_id>/allocations"): {"amount_fen": "0.01", "external_ref": "{allocation_ref}"},
    ("GET", "/applications/<application_id>"): None,
    ("POST", "/applications/<application_id>/<action>"): {},
    ("POST", "/applications/<application_id>/disburse"): {"bank_ref": "X-1"},  # in a batch: 409 where it is seen
    ("POST", "/notifications/<notification_id>/resend"): {},  # sent, not failed: 409 where it is seen
    ("GET", "/donors/<donor_id>"): None,
    ("GET", "/batches/<batch_id>"): None,
    ("GET", "/batches/<batch_id>/file"): None,
    ("POST", "/batches/<batch_id>/results"): "application_id,result,bank_ref,reason\n",
    ("GET", "/trace"): None,  # the donor account's own donor, the first unit's, read from any unit
    ("GET", "/reports?org_unit_id=<org_unit_id>"): None,
    ("POST", "/users/<user_id>/revoke"): {"reason": "核查"},
    ("POST", "/users/<user_id>/token"): {},
    ("POST", "/org-units/<org_unit_id>/rename"): {"name": "{renamed}"},
    ("POST", "/org-units/<org_unit_id>/move"): {"parent_id": "{org_unit_id}"},  # under itself: 409 where it is seen
}
CONSOLE_IN_BODY = {
    ("POST", "/workers/new"): {  # filed once in the unit, then a duplicate (409); out of scope the unit is unknown
        "name": "某职工",
        "id_number": "{new_id_number}",
        "phone": "13900000000",
        "employer": "某厂",
        "org_unit_id": "{org_unit_id}",
        "category": "deep",
        "reasons.0": "illness",
        "household_size": "2",
        "household_monthly_income_fen": "1000",
        "bank.name": "中国银行",
        "bank.account": "6217000000000000001",
    },
    ("POST", "/applications/new"): {"campaign_id": "{campaign_id}", "worker_id": "{worker_id}"},
    ("POST", "/donations"): {
        "donor_id": "{donor_id}",
        "amount_fen": "1,000",
        "received_on": "2026-08-01",
        "external_ref": "{external_ref}",
    },
    ("POST", "/batches"): {"campaign_id": "{campaign_id}"},
    ("POST", "/donors"): {"name": "某人", "kind": "individual", "org_unit_id": "{org_unit_id}"},
    ("POST", "/campaigns"): {
        "program": "warmth",
        "name": "新项目{tag}",
        "year": "2026",
        "opens_on": "2026-08-01",
        "closes_on": "2026-08-31",
        "budget_fen": "100",
        "publicity_days": "5",
        "amounts.deep": "10",
        "org_unit_id": "{org_unit_id}",
    },
    ("POST", "/users"): {"name": "新经办人", "role": "caseworker", "org_unit_id": "{org_unit_id}"},
    ("POST", "/org-units"): {"name": "新工会{tag}", "parent_id": "{org_unit_id}", "level": "base"},
}
# A list page (a search, the form of a new application with its campaigns) and the id that shows the record in it.
CONSOLE_LISTS = {
    ("GET", "/workers"): "worker_id",
    ("POST", "/workers"): "worker_id",  # searched by the worker's ID number
    ("GET", "/change-requests"): "change_request_id",
    ("GET", "/notifications?worker_id=<worker_id>"): "notification_id",
    ("GET", "/sms/opt-outs"): "worker_id",
    ("GET", "/campaigns"): "campaign_id",
    ("GET", "/applications/new"): "campaign_id",
    ("GET", "/applications?worker_id=<worker_id>"): "application_id",
    ("GET", "/workers/new"): "org_unit_id",  # the unions of the caller's scope to file a worker in
    ("GET", "/donations"): "external_ref",
    ("GET", "/donors"): "donor_id",
    ("GET", "/batches"): "batch_id",
    ("GET", "/reconciliation"): "campaign_id",
    ("GET", "/users"): "user_id",
    ("GET", "/org-units"): "org_unit_id",
}
CONSOLE_CHILD_SEES = {
    ("GET", "/campaigns/<campaign_id>"),
    ("POST", "/campaigns/<campaign_id>/allocations"),
    ("GET", "/campaigns"),
    ("GET", "/applications/new"),
}
CONSOLE_CHILD_FORBIDDEN = {("POST", "/campaigns/<campaign_id>/quotas")}
CONSOLE_NOT_SCOPED = {
    **{("GET", path): "the session's" for path in ("/", "/sign-in", "/static/<name>")},
    **{("POST", path): "the session's" for path in ("/sign-in", "/sign-out")},
    **{(method, "/<path:path>"): "no page" for method in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    **{
        (method, path): "public"
        for method, path in [
            ("GET", "/public/campaigns/<campaign_id>/publicity"),
            ("GET", "/public/campaigns/<campaign_id>/disclosure"),
            ("GET", "/public/status"),
            ("POST", "/public/status"),
            ("GET", "/public/receipts"),
            ("POST", "/public/receipts"),
        ]
    },
    ("GET", "/calendar"): "one calendar for the whole system",
    ("POST", "/calendar"): "one calendar for the whole system",
    ("GET", "/imports"): "the upload form",
    ("POST", "/imports"): "a sheet's unions are resolved in the caller's scope (test_worker_scope.py)",
    ("GET", "/reviews"): "applications under review: the API's list above, in the caller's scope",
    ("POST", "/reviews/approve-batch"): "the API's approve-batch, tried above",
}


def test_the_console_tables_cover_every_page_once():
    pages = {(method, page.url) for page in PAGES for method in page.methods}
    classified = [(method, route(url)) for method, url in [*CONSOLE_ON_RECORD, *CONSOLE_IN_BODY, *CONSOLE_LISTS]]
    classified += CONSOLE_NOT_SCOPED
    assert len(classified) == len(set(classified)) and set(classified) == pages


def route(url: str) -> str:
    """A page's route, without the query that names the record (the report of a unit)."""
    return url.split("?")[0]


def page_roles(method: str, url: str) -> tuple[str, ...]:
    (page,) = [page for page in PAGES if page.url == route(url) and method in page.methods]
    return page.roles


def page_path(url: str, ids: dict) -> str:
    return re.sub(r"<([a-z_]+)>", lambda match: ACTION if match.group(1) == "action" else ids[match.group(1)], url)


class ConsoleMatrix(Matrix):
    """The same tries through the console's pages, each user signed in once."""

    def __init__(self, world: World, about: tuple[str, ...] | None = None):
        super().__init__(world, about)
        self.ids.update(allocation_ref=f"ALLOC-{world.tag}", tag=world.tag, new_id_number=fresh_id_number())
        self.consoles: dict = {}

    def console(self, viewpoint: str, role: str):
        if (viewpoint, role) not in self.consoles:
            console = signed_in(self.world.api.base_url, self.world.token(viewpoint, role))
            self.consoles[viewpoint, role] = (console, console.csrf_token("/"))
        return self.consoles[viewpoint, role]

    def visit(self, viewpoint: str, role: str, method: str, url: str, form=None):
        console, csrf = self.console(viewpoint, role)
        path = page_path(url, self.ids)
        if method == "GET":
            answer = console.get(path)
        elif isinstance(form, str):
            answer = console.post(path, {"csrf_token": csrf}, files={"file": ("results.csv", form.encode())})
        else:
            answer = console.post(path, {"csrf_token": csrf, **filled(form or {}, self.ids)})
        if viewpoint not in ("own", "parent", "child"):
            self.outsiders_saw.append(answer.text)
        return answer

    def pages_on_records(self, viewpoint: str) -> None:
        for (method, url), form in CONSOLE_ON_RECORD.items():
            for role in self.tried(viewpoint, url, page_roles(method, url)):
                answer = self.visit(viewpoint, role, method, url, form)
                reaches = viewpoint in ("own", "parent") or viewpoint == "child" and (method, url) in CONSOLE_CHILD_SEES
                if reaches or role == "donor":  # its own donor's trace, from any unit
                    ok = answer.status_code not in (401, 403, 404) and answer.status_code < 500
                elif viewpoint == "child" and (method, url) in CONSOLE_CHILD_FORBIDDEN:
                    ok = answer.status_code == 403
                else:
                    ok = answer.status_code == 404
                self.expect(ok, viewpoint, role, method, url, answer)

    def pages_in_bodies(self, viewpoint: str) -> None:
        for (method, url), form in CONSOLE_IN_BODY.items():
            for role in self.tried(viewpoint, url, page_roles(method, url)):
                answer = self.visit(viewpoint, role, method, url, form)
                if viewpoint in ("own", "parent"):
                    ok = answer.status_code in (200, 303, 409)
                else:
                    ok = answer.status_code in (400, 404)
                self.expect(ok, viewpoint, role, method, url, answer)

    def list_pages(self, viewpoint: str) -> None:
        if viewpoint == "parent" and self.world.parent_is_root:  # the newest of every test's records, not always these
            return
        for (method, url), key in CONSOLE_LISTS.items():
            for role in self.tried(viewpoint, url, page_roles(method, url)):
                answer = self.visit(viewpoint, role, method, url, {"id_number": "{id_number}"})
                shown = answer.status_code == 200 and self.ids[key] in answer.text
                reaches = viewpoint in ("own", "parent") or viewpoint == "child" and (method, url) in CONSOLE_CHILD_SEES
                self.expect(answer.status_code == 200 and shown == reaches, viewpoint, role, method, url, answer)


def tried_from_every_viewpoint(matrix: Matrix, before_own=lambda: None) -> None:
    for viewpoint in matrix.world.viewpoints:
        if viewpoint == "own":
            before_own()
        matrix.lists(viewpoint)
        matrix.counts(viewpoint)
        matrix.metrics(viewpoint)
        matrix.list_pages(viewpoint)
        matrix.on_records(viewpoint)
        matrix.in_bodies(viewpoint)
        matrix.pages_on_records(viewpoint)
        matrix.pages_in_bodies(viewpoint)
    assert not matrix.wrong, "\n".join(matrix.wrong)
    assert_nothing_personal(matrix.world, matrix.outsiders_saw)


def test_every_unit_reaches_exactly_the_records_of_its_scope_over_the_api_and_the_console(aid_api):
    matrix = ConsoleMatrix(World(aid_api))

    def rename_own():  # the own unit renamed first: its users keep working, in every service
        renamed = aid_api.patch(f"/api/v1/org-units/{matrix.ids['org_unit_id']}", json={"name": matrix.ids["renamed"]})
        assert renamed.status_code == 200, renamed.text

    tried_from_every_viewpoint(matrix, rename_own)


# The records of money and the reports, the only ones whose scope is not the worker's unit (donors and donations: the
# unit that took them; batches and reconciliation: the campaign's; a report: the unit it names)
MONEY = ("donor", "donation", "batches", "reconciliation", "report", "/trace")


def test_a_districts_staff_reach_their_base_unions_money_and_reports_and_no_one_elses(aid_api):
    """The same tries a step below the root, for the records of money and the reports: from the base union that owns
    them, its district (every role, every list), another base union of the district and the district beside it."""
    tried_from_every_viewpoint(ConsoleMatrix(BaseUnionWorld(aid_api), about=MONEY))
