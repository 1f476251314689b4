"""The workers area's pages: worker files (with their status, full numbers, audit trail and text-message opt-out, as
the API's worker routes) and their imports."""

from dataclasses import dataclass

from services.gateway import units
from services.gateway.auth import CASEWORK, STAFF
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies
from services.gateway.console.forms import field_messages, filled, listed
from services.gateway.console.labels import CATEGORIES, WORKER_STATUSES, label
from services.gateway.console.web import redirect
from services.gateway.imports import start_import, upload_to_registry
from services.gateway.routes import Area
from shared.errors import ServiceError

WORKER_FILTERS = ("id_number", "q", "category", "status", "union", "org_unit_id", "review_due_by", "page")
APPLICATIONS_SHOWN = 100
AUDIT_READERS = ("admin", "auditor")  # the API's GET /api/v1/workers/{worker_id}/audit
# The registry's audit log actions (services/registry: store, payee_requests, payee_decisions, importer), as people
# read them; an action not named here is shown by its code.
AUDIT_ACTIONS = {
    "create": "建档",
    "update": "修改档案",
    "move": "调到其他工会",
    "status": "变更档案状态",
    "reveal": "查看完整号码",
    "payee_request": "申请变更收款账户",
    "payee_supersede": "收款账户变更申请被新申请取代",
    "payee_approve": "批准收款账户变更",
    "payee_reject": "驳回收款账户变更",
    "import_create": "导入建档",
    "import_update": "导入更新档案",
}
FIELD_NAMES = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号码",
    "employer": "工作单位",
    "union": "所属工会",
    "org_unit_id": "所属组织",
    "category": "困难类别",
    "reasons": "致困原因",
    "household_size": "家庭人口",
    "household_monthly_income_fen": "家庭月收入",
    "bank": "收款账户",
    "family": "家庭成员",
    "filed_on": "建档日期",
}


@dataclass(frozen=True)
class Uses:
    db: object  # the units of the visitor's subtree, to search one of them with the units below it
    registry: Backend
    aid: Backend  # a worker's applications, on their page
    notify: Backend  # whether the worker takes text messages, and opting them out or back in
    bodies: Bodies


area = Area(Uses)


@area.page("GET,POST", "/workers", roles=STAFF)
def console_workers(uses: Uses, visit):
    """Search by the API's filters; posted, so an ID number typed in never appears in a URL or a log."""
    filters = filled(visit.form(), *WORKER_FILTERS) if visit.request.method == "POST" else {}
    listing, errors = listed(uses.registry, "list_workers", filters, visit.user.org_unit_id)
    shown = {name: value for name, value in filters.items() if name != "id_number"}  # not echoed back in full
    return visit.page(
        "workers.html",
        400 if errors else 200,
        filters=shown,
        listing=listing,
        errors=errors,
        categories=CATEGORIES.items(),
        statuses=WORKER_STATUSES.items(),
        org_units=units.choices(uses.db, visit.user.org_unit_id),
    )


@area.page("GET", "/workers/<worker_id>", roles=STAFF)
def console_worker(uses: Uses, visit, worker_id):
    return worker_page(uses, visit, worker_id)


def worker_page(uses: Uses, visit, worker_id, reveal=False, acted=None, errors=None, http_status=200):
    """The file (masked, or in full when `reveal`: the API's ?reveal=1, audited by the registry) with its status
    history, applications and text-message opt-out; after a refused form (`acted`), its messages by field."""
    scope = visit.user.org_unit_id
    worker = uses.registry.call("get_worker", worker_id, visit.user.actor, scope, reveal=reveal)
    applications = uses.aid.call("list_applications", {"worker_id": worker_id, "per_page": APPLICATIONS_SHOWN}, scope)
    return visit.page(
        "worker.html",
        http_status,
        worker=worker,
        applications=applications["items"],
        revealed=reveal,
        opt_out=opt_out_of(uses.notify, worker_id, scope),
        acted=acted,
        errors=errors or {},
        statuses=[(status, name) for status, name in WORKER_STATUSES.items() if status != worker["status"]],
        reads_audit=visit.user.role in AUDIT_READERS,
    )


def opt_out_of(notify: Backend, worker_id: str, scope) -> dict | None:
    """The worker's opt-out of text messages (source, reason, by whom, when), or None: they take them."""
    return next(iter(notify.call("list_opt_outs", {"worker_id": worker_id}, scope)["items"]), None)


@area.page("POST", "/workers/<worker_id>/reveal", roles=CASEWORK)
def console_reveal_worker(uses: Uses, visit, worker_id):
    """The API's GET ?reveal=1: full ID, phone and bank numbers for the roles it allows, written to the audit log."""
    return worker_page(uses, visit, worker_id, reveal=True)


@area.page("POST", "/workers/<worker_id>/status", roles=CASEWORK)
def console_change_worker_status(uses: Uses, visit, worker_id):
    """The API's POST /status: the status with a reason; a refusal (the file already has that status) is shown on
    the form."""
    form = visit.form()
    payload = {"status": form.get("status", ""), "reason": form.get("reason", "")}
    try:
        uses.registry.call("change_status", worker_id, payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        errors = field_messages(error) or {"status": [status_refusal(error, payload["status"])]}
        return worker_page(uses, visit, worker_id, acted="status", errors=errors, http_status=error.status)
    return redirect(f"/workers/{worker_id}")


def status_refusal(error: ServiceError, status: str) -> str:
    """The registry's refusal in the page's words: a status named as people read it, not by its code."""
    if error.code == "invalid_transition" and status in WORKER_STATUSES:
        return f"档案已经是“{WORKER_STATUSES[status]}”状态，无需变更"
    return error.message


@area.page("POST", "/workers/<worker_id>/sms-opt-out", roles=CASEWORK)
def console_sms_opt_out(uses: Uses, visit, worker_id):
    """The API's POST /sms-opt-out with its reason."""
    payload = {"reason": visit.form().get("reason", "")}
    try:
        uses.notify.call("opt_out", worker_id, payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        errors = field_messages(error) or {"reason": [error.message]}
        return worker_page(uses, visit, worker_id, acted="sms-opt-out", errors=errors, http_status=error.status)
    return redirect(f"/workers/{worker_id}")


@area.page("POST", "/workers/<worker_id>/sms-opt-in", roles=CASEWORK)
def console_sms_opt_in(uses: Uses, visit, worker_id):
    """The API's DELETE /sms-opt-out (a form cannot send DELETE): the worker takes text messages again."""
    uses.notify.call("opt_in", worker_id, visit.user.actor, visit.user.org_unit_id)
    return redirect(f"/workers/{worker_id}")


@area.page("GET", "/workers/<worker_id>/audit", roles=AUDIT_READERS)
def console_worker_audit(uses: Uses, visit, worker_id):
    """The API's GET /audit: who did what to the file, and when, oldest first."""
    scope = visit.user.org_unit_id
    trail = uses.registry.call("audit_trail", worker_id, scope)
    worker = uses.registry.call("get_worker", worker_id, visit.user.actor, scope)
    entries = [
        {**entry, "what": AUDIT_ACTIONS.get(entry["action"], entry["action"]), "said": audit_details(entry)}
        for entry in trail["items"]
    ]
    return visit.page("worker_audit.html", worker=worker, entries=entries)


def audit_details(entry: dict) -> str:
    """An audit entry's details in words: the fields changed, the statuses or unions from and to, the reason."""
    details = entry.get("details") or {}
    said = []
    if details.get("fields"):
        said.append("字段：" + "、".join(FIELD_NAMES.get(field, field) for field in details["fields"]))
    if "to_status" in details:
        said.append(
            f"{label(details.get('from_status'), 'worker_status')} → {label(details['to_status'], 'worker_status')}"
        )
    if "to_union" in details:
        said.append(f"{details.get('from_union') or ''} → {details['to_union']}")
    if details.get("new_bank") or details.get("new_account"):
        said.append(f"新账户：{details.get('new_bank') or ''} {details.get('new_account') or ''}".strip())
    if details.get("change_request_id"):
        said.append(f"变更申请 {details['change_request_id']}")
    if details.get("reason"):
        said.append(f"原因：{details['reason']}")
    return "；".join(said)


@area.page("GET", "/imports", roles=CASEWORK)
def console_import_form(uses: Uses, visit):
    return visit.page("imports.html", errors={})


@area.page("POST", "/imports", roles=CASEWORK)
def console_import(uses: Uses, visit):
    try:
        upload = upload_to_registry(uses.registry, uses.bodies, visit.request)
    except ServiceError as error:
        return visit.page("imports.html", error.status, errors=field_messages(error) or {"file": [error.message]})
    return redirect(f"/imports/{start_import(uses.registry, upload, visit.user)}")


@area.page("GET", "/imports/<import_id>", roles=STAFF)
def console_import_progress(uses: Uses, visit, import_id):
    return visit.page("import.html", job=uses.registry.call("import_progress", import_id, visit.user.org_unit_id))
