"""The workers area's queue of bank-detail change requests: reviewers see old and new accounts masked, and approve or reject."""

from dataclasses import dataclass
from datetime import datetime

from services.gateway.auth import CASEWORK, STAFF
from services.gateway.backends import Backend
from services.gateway.console.forms import field_messages, filled, whole_number
from services.gateway.console.web import redirect
from services.gateway.routes import Area
from services.registry import payee_rules
from shared import clock
from shared.errors import ServiceError

SHOWN = 50


def recent_changes(changes: dict[str, str], now: datetime) -> dict[str, str]:
    """{worker_id: when} of the payee changes (as registry.payee_changes gives them) that the console flags."""
    return {
        worker_id: at
        for worker_id, at in changes.items()
        if payee_rules.payee_changed_recently(datetime.fromisoformat(at), now)
    }


def recent_payee_changes(registry: Backend, worker_ids) -> dict[str, str]:
    """Which of these workers' payees changed in the last 30 days, and when: applications to pay them are flagged."""
    worker_ids = sorted(set(worker_ids))
    if not worker_ids:
        return {}
    return recent_changes(registry.call("payee_changes", worker_ids), clock.now())


@dataclass(frozen=True)
class Uses:
    registry: Backend


area = Area(Uses)


@area.page("GET", "/change-requests", roles=STAFF)
def console_change_requests(uses: Uses, visit):
    return change_requests_page(uses, visit)


def change_requests_page(uses: Uses, visit, problem=None, http_status=200, refused=None, errors=None, values=None):
    """Pending requests unless ?status= says otherwise (empty: all); ?worker_id= for one worker's. After a refused
    decision, its form (`refused`: the request's id and the action) shows the messages by field and what was typed."""
    args = visit.request.args
    filters = {"status": args.get("status", payee_rules.PENDING), "worker_id": args.get("worker_id", "")}
    query = {
        **filled(filters, "status", "worker_id"),
        "per_page": SHOWN,
        "page": whole_number(args.get("page", "1")),
    }
    return visit.page(
        "change_requests.html",
        http_status,
        listing=uses.registry.call("list_change_requests", query, visit.user.org_unit_id),
        filters=filters,
        statuses=payee_rules.STATUS_LABELS.items(),
        problem=problem,
        refused=refused,
        errors=errors or {},
        values=values or {},
    )


@area.page("POST", "/change-requests/<change_request_id>/<action>", roles=CASEWORK)
def console_decide_change_request(uses: Uses, visit, change_request_id, action):
    if action not in ("approve", "reject"):
        raise ServiceError("not_found", "没有这个页面", 404)
    form = visit.form()
    try:
        uses.registry.call(
            "decide_change_request",
            change_request_id,
            action == "approve",
            filled(form, "reason"),
            visit.user.actor,
            visit.user.org_unit_id,
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return change_requests_page(
            uses, visit, error.message, error.status, (change_request_id, action), field_messages(error), form
        )
    return redirect("/change-requests")
