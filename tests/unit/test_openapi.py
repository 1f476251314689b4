"""The OpenAPI document and the docs page: every CONTRACT.md endpoint is there, every route is described."""

import re
from html.parser import HTMLParser

import pytest
from openapi_spec_validator import validate

from services.gateway.api import ROUTES
from services.gateway.docs_page import render
from services.gateway.openapi import openapi_document
from tests.conftest import SHARED_DATA

CONTRACT = SHARED_DATA.parent / "CONTRACT.md"
METHODS = ("get", "post", "put", "patch", "delete")
# CONTRACT.md's endpoints, path parameters named as it names them.
CONTRACT_OPERATIONS = [
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users/{user_id}/revoke"),
    ("POST", "/api/v1/users/{user_id}/token"),
    ("POST", "/api/v1/workers"),
    ("GET", "/api/v1/workers"),
    ("GET", "/api/v1/workers/{worker_id}"),
    ("PATCH", "/api/v1/workers/{worker_id}"),
    ("POST", "/api/v1/workers/{worker_id}/status"),
    ("POST", "/api/v1/workers/import"),
    ("GET", "/api/v1/change-requests"),
    ("POST", "/api/v1/change-requests/{id}/approve"),
    ("POST", "/api/v1/change-requests/{id}/reject"),
    ("POST", "/api/v1/campaigns"),
    ("GET", "/api/v1/campaigns"),
    ("GET", "/api/v1/campaigns/{campaign_id}"),
    ("POST", "/api/v1/campaigns/{campaign_id}/allocations"),
    ("POST", "/api/v1/applications"),
    ("GET", "/api/v1/applications"),
    ("GET", "/api/v1/applications/{id}"),
    ("POST", "/api/v1/applications/{id}/approve"),
    ("POST", "/api/v1/applications/{id}/reject"),
    ("POST", "/api/v1/applications/{id}/withdraw"),
    ("POST", "/api/v1/applications/{id}/objection"),
    ("POST", "/api/v1/applications/approve-batch"),
    ("POST", "/api/v1/applications/{id}/disburse"),
    ("GET", "/api/v1/calendar/{year}"),
    ("PUT", "/api/v1/calendar/{year}"),
    ("POST", "/api/v1/donors"),
    ("POST", "/api/v1/donations"),
    ("GET", "/api/v1/donors/{donor_id}/trace"),
    ("POST", "/api/v1/disbursement-batches"),
    ("GET", "/api/v1/disbursement-batches/{batch_id}/file"),
    ("POST", "/api/v1/disbursement-batches/{batch_id}/results"),
    ("GET", "/api/v1/public/campaigns/{campaign_id}/publicity"),
    ("GET", "/api/v1/public/applications/{application_id}/status"),
    ("GET", "/api/v1/notifications"),
    ("POST", "/api/v1/sms/receipts/{provider}"),
    ("GET", "/health"),
    ("GET", "/metrics"),
    ("POST", "/api/v1/org-units"),
    ("GET", "/api/v1/org-units"),
    ("GET", "/api/v1/org-units/{id}"),
    ("PATCH", "/api/v1/org-units/{id}"),
    ("POST", "/api/v1/campaigns/{id}/quotas"),
    ("GET", "/api/v1/reports/summary"),
]
# The endpoints CONTRACT.md names ahead of the code, none at the moment.
PLANNED_OPERATIONS: list[tuple[str, str]] = []


def shape(path: str) -> str:
    """A path with its parameter names blanked, so `{id}` and `{application_id}` compare equal."""
    return re.sub(r"{[^}]*}", "{}", path)


def documented() -> set[tuple[str, str]]:
    return {
        (method.upper(), shape(path))
        for path, operations in openapi_document()["paths"].items()
        for method in operations
        if method in METHODS
    }


def test_the_document_is_valid_openapi_3():
    validate(openapi_document())


@pytest.mark.parametrize("operation", CONTRACT_OPERATIONS, ids=" ".join)
def test_every_contract_endpoint_is_documented(operation):
    method, path = operation
    assert (method, shape(path)) in documented()


@pytest.mark.skipif(not CONTRACT.exists(), reason="CONTRACT.md is not beside this checkout")
def test_the_list_above_mirrors_contract_md():
    """Every `METHOD /path` CONTRACT.md names is in CONTRACT_OPERATIONS, so the list cannot fall behind."""
    named = {
        (method, shape(path))
        for method, path in re.findall(
            r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s?]*)", CONTRACT.read_text(encoding="utf-8")
        )
    }
    assert named, "CONTRACT.md names no endpoint: has its format changed?"
    assert named - {(method, shape(path)) for method, path in CONTRACT_OPERATIONS + PLANNED_OPERATIONS} == set()


def test_a_planned_endpoint_is_not_built_yet():
    """Once one is built, it moves up into CONTRACT_OPERATIONS, where it must stay documented."""
    assert {(method, shape(path)) for method, path in PLANNED_OPERATIONS} & documented() == set()


def test_every_route_but_the_catch_alls_is_described():
    undescribed = [route.url for route in ROUTES if not route.hidden and not (route.summary and route.responses)]
    assert undescribed == []
    assert sorted(route.url for route in ROUTES if route.hidden) == ["/api/<path:path>"]  # the console owns the rest


def test_operations_carry_their_roles_and_security():
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            roles = operation["x-roles"]
            if roles:
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
                assert all(role in operation["description"] for role in roles), (method, path)
            else:
                assert operation["security"] == [] and "公开接口" in operation["description"], (method, path)
                assert "403" not in operation["responses"], (method, path)


def test_public_operations_are_exactly_those_contract_md_leaves_open():
    public = {
        path
        for path, operations in openapi_document()["paths"].items()
        for operation in operations.values()
        if not operation["x-roles"]
    }
    allowed = re.compile(r"^(/health|/api/v1/(public|sms/receipts)/.*|/api/v1/(openapi\.json|docs))$")
    assert sorted(path for path in public if not allowed.match(path)) == []


def test_request_bodies_reuse_the_services_schemas_and_refuse_unknown_fields():
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["WorkerCreate"]["additionalProperties"] is False
    assert "id_number" in schemas["WorkerCreate"]["required"]
    assert "id_number" not in schemas["WorkerChange"]["properties"]
    assert "reason" in schemas["WorkerChange"]["properties"] and "reason" not in schemas["WorkerCreate"]["properties"]
    assert schemas["Campaign"]["properties"]["program"]["enum"] == ["warmth", "education"]
    assert schemas["Error"]["required"] == ["error"]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.outside = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("script", "link", "img", "iframe") or re.match(r"https?:", attrs.get("src") or ""):
            self.outside.append(tag)


def test_the_docs_page_shows_every_operation_and_loads_nothing_from_outside():
    document = openapi_document()
    page = _Page()
    page.feed(render(document))
    operation_ids = {
        operation["operationId"] for operations in document["paths"].values() for operation in operations.values()
    }
    assert operation_ids <= page.ids
    assert {f"schema-{name}" for name in document["components"]["schemas"]} <= page.ids
    assert page.outside == []


def test_the_docs_page_escapes_what_it_shows():
    document = {
        "info": {"title": "<b>t</b>", "version": "1"},
        "components": {"schemas": {}},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "x",
                    "summary": "<script>alert(1)</script>",
                    "description": "",
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    assert "<script>" not in render(document) and "&lt;script&gt;" in render(document)
