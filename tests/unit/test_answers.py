"""Every JSON answer the API documents is produced by the schema that documents it.

For each route's documented answer, the function its service answers with is called on sample data: what it
answers holds every field the document marks required and nothing the document leaves out. A field added to the
schema appears both in the document and in the answer, which proves the document and the answer are one class.
A new route's answer must be added to PRODUCED: one built by hand, with no schema producing it, has no place there.
"""

import ast
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields
from sqlalchemy import true

from services.aid import (
    applications,
    approvals,
    campaigns,
    disbursement,
    disclosure,
    funds,
    ledger,
    public,
    reconciliation,
    trace,
)
from services.aid import reports as application_reports
from services.aid.calendars import year_view
from services.aid.official_calendar import official_years
from services.gateway import accounts, health, reports
from services.gateway.accounts import Accounts, account_view
from services.gateway.api import ROUTES
from services.gateway.api import workers as workers_api
from services.gateway.auth import BOOTSTRAP_ADMIN as ADMIN
from services.gateway.openapi import openapi_document
from services.notify import messages, opt_outs
from services.notify.answers import AliyunAckSchema, ConsoleAckSchema, TencentAckSchema
from services.notify.providers import make_provider
from services.registry import reports as file_reports
from services.registry import units, views
from services.registry.importer import ImportResult
from shared import clock, org_paths
from shared.answers import Answer, PageSchema
from shared.domain_errors import Refused
from tests.unit.test_payee_rules import stored_request
from tests.unit.test_worker_view import VAULT, stored_worker

NOW = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
HISTORY = [{"from": None, "to": "submitted", "at": NOW.isoformat(), "actor": "caseworker:u1", "reason": None}]


class Result(list):
    def all(self):
        return list(self)

    def scalar_one(self):
        return len(self)

    def scalars(self):
        return self

    def one(self):
        return self[0]

    def first(self):
        return self[0] if self else None

    scalar = first


class Rows:
    """A database session that answers each statement with the next of the given results."""

    def __init__(self, *results):
        self.results = list(results)

    def execute(self, _statement):
        return Result(self.results.pop(0) if self.results else [])

    def commit(self):
        pass

    rollback = commit


def application():
    return SimpleNamespace(
        application_id="a1",
        campaign_id="c1",
        program="warmth",
        worker_id="w1",
        status="submitted",
        amount_fen=300_000,
        name_masked="王*",
        id_number_masked="110105********1234",
        union="市总工会",
        category="deep",
        level=None,
        student=None,
        note=None,
        submitted_by="caseworker:u1",
        review_done=[{"level": "base", "actor": "caseworker:u2", "at": NOW.isoformat()}],
        review_next="district",
        publicity_ends_on=date(2026, 12, 2),
        batch_id=None,
        bank_ref=None,
        created_at=NOW,
        updated_at=NOW,
    )


def campaign_with_unit():
    return SimpleNamespace(
        campaign_id="c1",
        program="warmth",
        name="送温暖",
        year=2026,
        opens_on=date(2026, 11, 1),
        closes_on=date(2026, 12, 31),
        budget_fen=1_000_000,
        amounts={"deep": 300_000},
        publicity_days=5,
        allocated_fen=0,
        org_unit_id="u1",
        review_levels=["base", "district"],
        created_at=NOW,
    )


CAMPAIGN_FIGURES = {"money": {"remaining": 700_000, "committed": 300_000, "disbursed": 0}, "counts": {"submitted": 1}}


def campaign():
    return campaigns.view(campaign_with_unit(), CAMPAIGN_FIGURES)


def quota_row():
    return SimpleNamespace(org_unit_id="u2", amount_fen=500_000, committed_fen=100_000, disbursed_fen=50_000)


def campaign_detail():
    return campaigns.detail_view(campaign_with_unit(), CAMPAIGN_FIGURES, [quota_row()])


def donor_row():
    return SimpleNamespace(
        donor_id="d1",
        name="某公司",
        kind="organization",
        anonymous=False,
        phone_masked=None,
        org_unit_id="u1",
        created_at=NOW,
    )


def donor():
    return funds.donor_view(donor_row())


def gift():
    return SimpleNamespace(
        donation_id="g1",
        donor_id="d1",
        amount_fen=100_000,
        campaign_id=None,
        received_on=date(2026, 11, 20),
        external_ref="bank-1",
        receipt_no="R1",
        verification_code="123456",
        placed_fen=0,
        org_unit_id="u1",
        created_at=NOW,
    )


def donation():
    return funds.donation_view(gift())


def allocation():
    return funds.allocation_view(
        SimpleNamespace(
            allocation_id="l1",
            campaign_id="c1",
            amount_fen=100,
            external_ref=None,
            from_donations=[{"donation_id": "g1", "amount_fen": 100}],
            created_by="finance:u1",
            created_at=NOW,
        )
    )


def batch(monkeypatch):
    row = SimpleNamespace(
        batch_id="b1", campaign_id="c1", count=1, total_fen=100, created_by="finance:u1", created_at=NOW
    )
    monkeypatch.setattr(disbursement, "load", lambda _session, _batch_id, _seen: row)
    download = SimpleNamespace(actor="finance:u1", at=NOW, lines=1)
    return disbursement.view(Rows([(None, 1)], [download]), "b1", true())


def notification():
    return messages.view(notification_row())


def notification_row():
    return SimpleNamespace(
        notification_id="n1",
        application_id="a1",
        worker_id="w1",
        template="submitted",
        phone_masked="138****8000",
        text="您的申请已受理",
        segments=1,
        status="sending",
        provider="fake",
        attempts=1,
        last_error=None,
        created_at=NOW,
        sent_at=None,
        delivered_at=None,
    )


def opt_out_page():
    row = SimpleNamespace(worker_id="w1", source="staff", reason="本人要求", created_by="caseworker:u1", created_at=NOW)
    return opt_outs.listing(Rows([row], [row]), true(), None, 1, 50)


def org_unit():
    return units.view(org_unit_row())


def org_unit_row():
    unit_id = "d" * 32
    return SimpleNamespace(
        org_unit_id=unit_id,
        name="城东区总工会",
        parent_id="r" * 32,
        level="district",
        path=org_paths.stored_path(["r" * 32], unit_id),
        depth=1,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )


def user(**shown):
    return account_view(user_row(), 365, NOW, **shown)


def user_row():
    return SimpleNamespace(
        user_id="u1",
        name="张三",
        role="caseworker",
        donor_id=None,
        org_unit_id="r" * 32,
        created_at=NOW,
        token_issued_at=NOW,
        revoked_at=None,
        revoked_by=None,
        revoke_reason=None,
    )


def healthy():
    ping = SimpleNamespace(call=lambda method, timeout: "ok")
    return health.check(Rows(), {"registry": ping})


def change_request():
    return views.change_request(stored_request(), "欧阳丽娜")


def import_result():
    result = ImportResult(
        total_rows=3,
        created=1,
        rejected=[{"row": 2, "field": "phone", "column": "手机号", "message": "手机号：应为11位"}],
        pending_changes=[{"row": 3, "worker_id": "w1", "change_request_id": "r1"}],
        skipped=[{"row": 9, "reason": "合计行"}],
    )
    return views.import_result("i1", result)


def import_progress():
    row = SimpleNamespace(
        import_id="i1",
        status="done",
        filename="workers.csv",
        processed_rows=3,
        progress=100,
        result=import_result(),
        started_at=NOW,
        finished_at=NOW,
    )
    return views.import_progress(row)


def audit_trail():
    entry = SimpleNamespace(at=NOW, actor="admin:u1", action="reveal", details={"fields": ["id_number"]})
    return views.audit_trail([entry])


def batch_approval(monkeypatch):
    refused = Refused("budget_exhausted", "本项目资金不足，不能再批准")
    monkeypatch.setattr(approvals, "approve", lambda _session, _ids, *_rest: {"a2": refused})
    reviewer = approvals.Reviewer("caseworker:u1", "", "base")
    return approvals.approve_many(Rows(), ["a1", "a2"], reviewer, approvals.Approval(None, None, {}, dict, dict))


def campaign_row():
    return SimpleNamespace(campaign_id="c1", name="送温暖", program="warmth", year=2026)


def publicity(monkeypatch):
    monkeypatch.setattr(campaigns, "load", lambda _session, _campaign_id: campaign_row())
    item = SimpleNamespace(
        name_masked="王*",
        id_number_masked="110105********1234",
        union="市总工会",
        category="deep",
        amount_fen=300_000,
        status="publicizing",
        publicity_ends_on=date(2026, 12, 2),
    )
    return public.publicity(Rows([item]), "c1")


def public_status(monkeypatch):
    monkeypatch.setattr(applications, "load", lambda _session, _application_id: application_row())
    return public.status(Rows(), "a1", "1234")


def application_row():
    return SimpleNamespace(**vars(application()), id_last4="1234")


def reconciliation_report(monkeypatch):
    monkeypatch.setattr(reconciliation, "campaign_checks", lambda _session, _campaign: [check(ok=False)])
    monkeypatch.setattr(reconciliation, "batch_checks", lambda _session, _batch: [check(ok=True)])
    monkeypatch.setattr(ledger, "total", lambda _session: 0)
    return reconciliation.report(Rows([campaign_row()], [SimpleNamespace(batch_id="b1")]), true())


def check(ok: bool) -> dict:
    return {"check": "批次笔数", "expected": 1, "actual": 1 if ok else 2, "ok": ok}


def public_disclosure(monkeypatch):
    monkeypatch.setattr(campaigns, "load", lambda _session, _campaign_id: campaign_row())
    monkeypatch.setattr(
        ledger, "campaign_money", lambda _session, _id: {"disbursed": 1, "committed": 2, "remaining": 3}
    )
    source = SimpleNamespace(rank=funds.RESTRICTED, amount_fen=100, name="某公司", kind="organization", anonymous=False)
    return disclosure.disclosure(Rows([source], [(1, 300_000)]), "c1")


def donor_trace(monkeypatch):
    monkeypatch.setattr(trace, "load_donor", lambda _session, _donor_id, *_seen: donor_row())
    paid = SimpleNamespace(
        donation_id="g1", amount_fen=100, at=NOW, application_id="a1", program="warmth", name_masked="王*"
    )
    return trace.donor_trace(Rows([gift()], [paid]), "d1")


def receipt(monkeypatch):
    monkeypatch.setattr(trace, "load_donor", lambda _session, _donor_id, *_seen: donor_row())
    return trace.receipt(Rows([gift()]), "R1", "123456")


def batch_results(monkeypatch):
    monkeypatch.setattr(disbursement, "load", lambda _session, _batch_id, _seen: SimpleNamespace(campaign_id="c1"))
    monkeypatch.setattr(campaigns, "load", lambda _session, _campaign_id: campaign_row())
    lines = b"application_id,result,bank_ref,reason\na9,success,B1,\n"
    return disbursement.apply_results(Rows([]), "b1", lines, "finance:u1", true())


def report_summary():
    root, east = "r" * 32, "e" * 32
    root_path, east_path = org_paths.stored_path([], root), org_paths.stored_path([root], east)
    root_row = SimpleNamespace(org_unit_id=root, name="市总工会", parent_id=None, path=root_path)
    east_row = SimpleNamespace(org_unit_id=east, name="城东区", parent_id=root, path=east_path)
    files = file_reports.report(Rows([root_row], [(east, "deep", 2)], [root_row, east_row]), None, None)
    figures = application_reports.figures(Rows([(east, "disbursed", 1, 300_000)]), org_paths.EVERYWHERE, 2026)
    answers = {"aid": figures, "registry": files}
    backend = {name: SimpleNamespace(call=lambda _method, *_args, name=name: answers[name]) for name in answers}
    return reports.summary(backend["aid"], backend["registry"], None, 2026, None)


def receipt_ack(provider: str):
    return lambda _: make_provider(provider, {"HARDSHIP_VAR_DIR": tempfile.gettempdir()}).receipt_ack()[1]


def page(answer: dict) -> dict:
    """A page of one answer, framed by hand as the list answers were before their page schemas dumped them whole."""
    return {"items": [answer], "total": 1, "page": 1, "per_page": 50}


# Each list answer as its service makes it: a page of one item, dumped whole by the page schema that documents it.
def worker_page(_monkeypatch):
    return views.worker_page(VAULT, [stored_worker()], 1, 1, 50)


def change_request_page(_monkeypatch):
    return views.change_request_page([SimpleNamespace(**vars(stored_request()), name="欧阳丽娜")], 1, 1, 50)


def campaign_page(monkeypatch):
    monkeypatch.setattr(campaigns, "figures", lambda _session, ids, _path: dict.fromkeys(ids, CAMPAIGN_FIGURES))
    return campaigns.listing(Rows([1], [campaign_with_unit()]), org_paths.EVERYWHERE, 1, 50)


def application_page(_monkeypatch):
    return applications.search(Rows([1], [application()]), {"page": 1, "per_page": 50}, org_paths.EVERYWHERE)


def notification_page(_monkeypatch):
    return messages.search(Rows([1], [notification_row()]), {"page": 1, "per_page": 50}, true())


def org_unit_page(_monkeypatch):
    return units.subtree(Rows([1], [org_unit_row()]), None, 1, 50)


def user_page(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return accounts.list_accounts(Rows([1], [user_row()]), 1, 50, ADMIN, 365)


def donor_page(_monkeypatch):
    return funds.donor_listing(Rows([1], [donor_row()]), true(), 1, 50)


def donation_page(_monkeypatch):
    return funds.donation_listing(Rows([1], [gift()]), true(), 1, 50)


def batch_page(monkeypatch):
    batch(monkeypatch)  # its row, as the batch's own answer loads it
    download = SimpleNamespace(actor="finance:u1", at=NOW, lines=1)
    return disbursement.listing(Rows([1], ["b1"], [(None, 1)], [download]), true(), 1, 50)


# list answer → its one item as the service answers it alone (the console's lists are no API answers)
LISTS = {
    worker_page: lambda _: views.worker(VAULT, stored_worker()),
    change_request_page: lambda _: change_request(),
    campaign_page: lambda _: campaign(),
    application_page: lambda _: applications.view(application()),
    notification_page: lambda _: notification(),
    org_unit_page: lambda _: org_unit(),
    user_page: lambda _: user(),
    donor_page: lambda _: donor(),
    donation_page: lambda _: donation(),
    batch_page: batch,
}


@pytest.mark.parametrize("made, item", LISTS.items(), ids=lambda made: getattr(made, "__name__", ""))
def test_a_list_answer_dumped_by_its_page_schema_is_byte_for_byte_the_frame_it_was(made, item, monkeypatch):
    answer = json.dumps(made(monkeypatch), ensure_ascii=False)
    assert answer == json.dumps(page(item(monkeypatch)), ensure_ascii=False)


WORKER = (lambda _: views.worker(VAULT, stored_worker()),)
WORKER_WITH_HISTORY = (lambda _: views.worker(VAULT, stored_worker(), reveal=True, history=HISTORY),)
APPLICATION_WITH_HISTORY = (lambda _: applications.view(application(), HISTORY),)
# each provider's own: the answer is any one of them
RECEIPT_ACKS = {
    ConsoleAckSchema: receipt_ack("console"),
    AliyunAckSchema: receipt_ack("aliyun"),
    TencentAckSchema: receipt_ack("tencent"),
}
# (operationId, status) → how its service makes that answer (given pytest's monkeypatch); for an answer that is one
# of several schemas, how it is made in each.
PRODUCED = {
    ("register_worker", 201): WORKER,
    ("list_workers", 200): (worker_page,),
    ("get_worker", 200): WORKER_WITH_HISTORY,
    ("update_worker", 200): WORKER,
    ("update_worker", 202): (lambda _: views.pending_change("r1", views.worker(VAULT, stored_worker())),),
    ("change_worker_status", 200): WORKER_WITH_HISTORY,
    ("worker_audit_trail", 200): (lambda _: audit_trail(),),
    ("import_workers", 200): (lambda _: import_result(),),
    ("import_workers", 202): (lambda _: workers_api.import_started("i1"),),
    ("import_progress", 200): (lambda _: import_progress(),),
    ("list_change_requests", 200): (change_request_page,),
    ("approve_change_request", 200): (lambda _: change_request(),),
    ("reject_change_request", 200): (lambda _: change_request(),),
    ("create_campaign", 201): (lambda _: campaign(),),
    ("get_campaign", 200): (lambda _: campaign_detail(),),
    ("set_quota", 200): (lambda _: campaigns.quota_view(quota_row()),),
    ("list_campaigns", 200): (campaign_page,),
    ("submit_application", 201): APPLICATION_WITH_HISTORY,
    ("list_applications", 200): (application_page,),
    ("get_application", 200): APPLICATION_WITH_HISTORY,
    ("approve_application", 200): APPLICATION_WITH_HISTORY,
    ("reject_application", 200): APPLICATION_WITH_HISTORY,
    ("withdraw_application", 200): APPLICATION_WITH_HISTORY,
    ("object_to_application", 200): APPLICATION_WITH_HISTORY,
    ("disburse_application", 200): APPLICATION_WITH_HISTORY,
    ("get_calendar", 200): (lambda _: year_view(official_years()[2026]),),
    ("enter_calendar", 200): (lambda _: year_view(official_years()[2026], entered_by="admin:u1", entered_at=NOW),),
    ("create_donor", 201): (lambda _: donor(),),
    ("get_donor", 200): (lambda _: donor(),),
    ("donate", 201): (lambda _: donation(),),
    ("donate", 200): (lambda _: donation(),),
    ("allocate", 201): (lambda _: allocation(),),
    ("allocate", 200): (lambda _: allocation(),),
    ("create_disbursement_batch", 201): (batch,),
    ("get_disbursement_batch", 200): (batch,),
    ("list_notifications", 200): (notification_page,),
    ("resend_notification", 200): (lambda _: notification(),),
    ("list_sms_opt_outs", 200): (lambda _: opt_out_page(),),
    ("sms_opt_out", 200): (lambda _: opt_outs.state_view("w1", opted_out=True),),
    ("sms_opt_in", 200): (lambda _: opt_outs.state_view("w1", opted_out=False),),
    ("health", 200): (lambda _: healthy(),),
    ("health", 503): (lambda _: healthy(),),
    ("create_user", 201): (
        lambda _: Accounts(Rows(["r" * 32]), 365, None).add({"name": "李四", "role": "finance"}, ADMIN),
    ),
    ("create_org_unit", 201): (lambda _: org_unit(),),
    ("list_org_units", 200): (org_unit_page,),
    ("get_org_unit", 200): (lambda _: org_unit(),),
    ("change_org_unit", 200): (lambda _: org_unit(),),
    ("report_summary", 200): (lambda _: report_summary(),),
    ("list_users", 200): (user_page,),
    ("revoke_user", 200): (lambda _: user(),),
    ("issue_user_token", 200): (lambda _: user(token="t"),),
    ("approve_batch", 200): (batch_approval,),
    ("public_publicity", 200): (publicity,),
    ("public_status", 200): (public_status,),
    ("reconciliation", 200): (reconciliation_report,),
    ("public_disclosure", 200): (public_disclosure,),
    ("donor_trace", 200): (donor_trace,),
    ("public_receipt", 200): (receipt,),
    ("disbursement_results", 200): (batch_results,),
    ("sms_receipt_probe", 200): RECEIPT_ACKS,
    ("sms_receipts", 200): RECEIPT_ACKS,
}


@dataclass(frozen=True)
class Documented:
    """One route's documented JSON answer for one status; of an answer that may take several shapes, one of them."""

    route: object
    status: int
    schema: type

    @property
    def one_of(self) -> bool:
        return isinstance(self.route.responses[self.status], tuple)

    @property
    def id(self) -> str:
        return f"{self.route.name}-{self.status}" + (f"-{self.schema.__name__}" if self.one_of else "")

    @property
    def make(self):
        """How its service makes it, from PRODUCED; None when PRODUCED does not say."""
        made = PRODUCED.get((self.route.name, self.status))
        if made is None:
            return None
        return made.get(self.schema) if self.one_of else made[0]

    def produced(self, monkeypatch) -> dict:
        return self.make(monkeypatch)

    def component(self, document: dict) -> dict:
        method = self.route.methods[0].lower()
        content = document["paths"][self.route.path][method]["responses"][str(self.status)]["content"]
        schema = content["application/json"]["schema"]
        if self.one_of:
            schema = schema["oneOf"][self.route.responses[self.status].index(self.schema)]
        return resolved(document, schema)


def resolved(document: dict, schema: dict) -> dict:
    return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema


JSON_ANSWERS = [
    Documented(route, status, schema)
    for route in ROUTES
    if not route.hidden
    for status, answer in route.responses.items()
    if not isinstance(answer, dict)
    for schema in (answer if isinstance(answer, tuple) else (answer,))
]
PRODUCED_ANSWERS = [answer for answer in JSON_ANSWERS if answer.make is not None]


def test_every_json_answer_is_produced_by_its_schema():
    assert [answer.id for answer in JSON_ANSWERS if answer.make is None] == []
    assert {(answer.route.name, answer.status) for answer in PRODUCED_ANSWERS} == set(PRODUCED)


def check_against(document: dict, component: dict, answer) -> None:
    """The answer holds every required field of the component and nothing it does not document, all the way down."""
    if "items" in component and isinstance(answer, list):
        for item in answer:
            check_against(document, resolved(document, component["items"]), item)
        return
    if "anyOf" in component:  # a nested object that may be null
        component = resolved(document, component["anyOf"][0])
    if "properties" not in component or answer is None:
        return
    assert set(component.get("required", ())) <= set(answer), set(component.get("required", ())) - set(answer)
    assert set(answer) <= set(component["properties"]), set(answer) - set(component["properties"])
    for name, value in answer.items():
        check_against(document, resolved(document, component["properties"][name]), value)


@pytest.mark.parametrize("answer", PRODUCED_ANSWERS, ids=lambda answer: answer.id)
def test_the_answer_is_what_the_document_says(answer, monkeypatch):
    document = openapi_document()
    check_against(document, answer.component(document), answer.produced(monkeypatch))


def documented_item_schema(schema: type) -> type:
    """The schema of each item of a list answer, else the answer's own."""
    items = schema._declared_fields.get("items")
    return items.inner.nested if isinstance(items, fields.List) and "total" in schema._declared_fields else schema


def with_field_added(schema: type, monkeypatch) -> None:
    """A field added to the schema class, as a developer would add one; the instances made of it before are made
    again (they copied their fields when made), wherever a service keeps one."""
    monkeypatch.setitem(schema._declared_fields, "added_field", fields.Constant("added"))
    for name, module in list(sys.modules.items()):
        if name.startswith(("services.", "shared.")):
            for attribute, value in list(vars(module).items()):
                if type(value) is schema or isinstance(value, PageSchema):  # a page's items are of their schema
                    monkeypatch.setattr(module, attribute, type(value)())
    openapi_document.cache_clear()


@pytest.mark.parametrize("answer", PRODUCED_ANSWERS, ids=lambda answer: answer.id)
def test_a_field_added_to_the_schema_is_in_the_answer_and_in_the_document(answer, monkeypatch):
    schema = documented_item_schema(answer.schema)
    try:
        with_field_added(schema, monkeypatch)
        document = openapi_document()
        component = answer.component(document)
        produced = answer.produced(monkeypatch)
    finally:
        openapi_document.cache_clear()
    if schema is not answer.schema:  # a list: its items
        component, produced = resolved(document, component["properties"]["items"]["items"]), produced["items"][0]
    assert "added_field" in component["properties"]
    assert produced["added_field"] == "added"


@pytest.mark.parametrize("answer", PRODUCED_ANSWERS, ids=lambda answer: answer.id)
def test_an_answer_dumps_as_marshmallow_itself_would(answer, monkeypatch):
    """Answer's plan (shared/answers.py) is there for speed only: at every level, the same as marshmallow's own."""
    planned = Answer._serialize
    compared = []

    def both(schema, obj, *, many=False):
        expected = Schema._serialize(schema, obj, many=many)
        assert planned(schema, obj, many=many) == expected
        compared.append(type(schema))
        return expected

    monkeypatch.setattr(Answer, "_serialize", both)
    answer.produced(monkeypatch)
    assert compared


def hand_built_pages(source: str) -> list[int]:
    """The lines of `source` that frame a list answer by hand: a dict literal with "items" and "per_page"."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Dict)
        and {"items", "per_page"} <= {key.value for key in node.keys if isinstance(key, ast.Constant)}
    ]


def test_no_service_frames_a_list_answer_by_hand():
    services = Path(__file__).resolve().parents[2] / "services"
    found = {
        str(path.relative_to(services)): lines
        for path in sorted(services.rglob("*.py"))
        if (lines := hand_built_pages(path.read_text("utf-8")))
    }
    assert hand_built_pages('{"items": [], "total": 0, "page": 1, "per_page": 50}') == [1]
    assert not found, found
