"""The aid area's pages for caseworkers: the review queue, each application, and submitting one."""

from dataclasses import dataclass

from services.gateway.auth import CASEWORK, FINANCE, STAFF
from services.gateway.backends import Backend, Submissions
from services.gateway.console.calendar_pages import calendar_warning
from services.gateway.console.campaign_pages import campaign_choices
from services.gateway.console.forms import field_messages, filled, listed, whole_number
from services.gateway.console.labels import APPLICATION_STATUSES, LEVELS
from services.gateway.console.payee_pages import recent_payee_changes
from services.gateway.console.web import redirect, safe_next
from services.gateway.routes import Area
from shared.errors import ServiceError

STUDENT_FIELDS = ("name", "id_number", "level", "school", "admission_year", "admission_notice_no")
# The application page's forms, by the action in their URL (the API's): aid's call for each; all but approve send a reason
REVIEW_CALLS = {"approve": "approve", "reject": "reject", "withdraw": "withdraw", "objection": "object"}
DONE = {"disburse": "已登记手工发放，申请状态为已发放"}  # after a redirect from a form: what it did
QUEUE_SIZE = 100
SHOWN = 50  # a page of the application list
APPLICATION_FILTERS = ("campaign_id", "status", "worker_id")
CAMPAIGNS_LISTED = 500


@dataclass(frozen=True)
class Uses:
    aid: Backend
    submissions: Submissions
    registry: Backend  # recent payee changes, flagged on the queue and the application
    notify: Backend  # an application's text messages


area = Area(Uses)


def application_payload(form: dict) -> dict:
    """The API's application body from the form; the student only when any of its fields was filled in."""
    payload = filled(form, "campaign_id", "worker_id", "note")
    student = {name: form.get(f"student.{name}", "") for name in STUDENT_FIELDS}
    if any(student.values()):
        payload["student"] = {**student, "admission_year": whole_number(student["admission_year"])}
    return payload


def campaign_names(aid: Backend, scope: str | None) -> dict[str, str]:
    listing = aid.call("list_campaigns", {"per_page": CAMPAIGNS_LISTED}, scope)
    return {campaign["campaign_id"]: campaign["name"] for campaign in listing["items"]}


@area.page("GET", "/reviews", roles=CASEWORK)
def console_reviews(uses: Uses, visit):
    return review_queue(uses, visit)


def review_queue(uses: Uses, visit, outcome=None, problem=None, http_status=200, values=None, errors=None):
    """The queue; after a batch, its outcome, or the batch form (`values`) refused with its messages by field."""
    page_number = whole_number(visit.request.args.get("page", "1"))
    queue = uses.aid.call(
        "list_applications",
        {"status": "submitted", "awaiting_me": "true", "per_page": QUEUE_SIZE, "page": page_number},
        visit.user.org_unit_id,
    )
    return visit.page(
        "reviews.html",
        http_status,
        queue=queue,
        campaigns=campaign_names(uses.aid, visit.user.org_unit_id),
        outcome=outcome,
        problem=problem,
        values=values or {},
        errors=errors or {},
        calendar_warning=calendar_warning(uses.aid, visit),
        payee_changed=recent_payee_changes(uses.registry, (item["worker_id"] for item in queue["items"])),
    )


@area.page("POST", "/reviews/approve-batch", roles=CASEWORK)
def console_approve_batch(uses: Uses, visit):
    form = visit.form()
    chosen = visit.request.form.getlist("application_ids")
    payload = {"application_ids": chosen, **filled(form, "note")}
    try:
        outcome = uses.aid.call("approve_batch", payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        return review_queue(
            uses,
            visit,
            problem="请先勾选要批准的申请" if not chosen else error.message,
            http_status=error.status,
            values=form,
            errors=field_messages(error),
        )
    return review_queue(uses, visit, outcome)


@area.page("GET", "/applications", roles=STAFF)
def console_applications(uses: Uses, visit):
    """The API's application list with its filters (in the URL: ids and codes, nothing personal) and pages, in the
    visitor's scope as the API's list is."""
    args = visit.request.args
    filters = {name: args.get(name, "") for name in APPLICATION_FILTERS}
    query = {**filled(filters, *APPLICATION_FILTERS), "per_page": SHOWN, "page": whole_number(args.get("page", "1"))}
    scope = visit.user.org_unit_id
    listing, errors = listed(uses.aid, "list_applications", query, scope)
    return visit.page(
        "applications.html",
        400 if errors else 200,
        filters=filters,
        listing=listing,
        errors=errors,
        campaigns=campaign_names(uses.aid, scope),
        statuses=APPLICATION_STATUSES.items(),
    )


@area.page("GET", "/applications/<application_id>", roles=STAFF)
def console_application(uses: Uses, visit, application_id):
    return application_page(uses, visit, application_id)


def application_page(uses: Uses, visit, application_id, problem=None, errors=None, http_status=200, acted=None):
    """The application with its review steps, history and messages; after a refused action (`acted`), its form shows
    the messages by field."""
    scope = visit.user.org_unit_id
    application = uses.aid.call("get_application", application_id, scope)
    return visit.page(
        "application.html",
        http_status,
        application=application,
        problem=problem,
        errors=errors or {},
        acted=acted,
        notice=DONE.get(visit.request.args.get("done", "")),
        campaign=uses.aid.call("get_campaign", application["campaign_id"], scope),
        messages=uses.notify.call("list_notifications", {"application_id": application_id}, scope)["items"],
        payee_changed_at=recent_payee_changes(uses.registry, [application["worker_id"]]).get(application["worker_id"]),
    )


@area.page("POST", "/applications/<application_id>/<action>", roles=CASEWORK)
def console_review(uses: Uses, visit, application_id, action):
    form = visit.form()
    if action not in REVIEW_CALLS:
        raise ServiceError("not_found", "没有这个页面", 404)
    payload = filled(form, "note") if action == "approve" else {"reason": form.get("reason", "")}
    try:
        uses.aid.call(REVIEW_CALLS[action], application_id, payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        return application_page(
            uses, visit, application_id, error.message, field_messages(error), error.status, acted=action
        )
    return redirect(safe_next(form.get("next") or f"/applications/{application_id}"))


@area.page("POST", "/applications/<application_id>/disburse", roles=FINANCE)
def console_disburse(uses: Uses, visit, application_id):
    """The API's /disburse: one ready (or payment_failed) application paid by hand, with the bank's reference."""
    form = visit.form()
    try:
        uses.aid.call(
            "disburse", application_id, {"bank_ref": form.get("bank_ref", "")}, visit.user.actor, visit.user.org_unit_id
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return application_page(
            uses, visit, application_id, error.message, field_messages(error), error.status, acted="disburse"
        )
    return redirect(f"/applications/{application_id}?done=disburse")


@area.page("GET", "/applications/new", roles=CASEWORK)
def console_application_form(uses: Uses, visit):
    return application_form(uses, visit, {"worker_id": visit.request.args.get("worker_id", "")})


def application_form(uses: Uses, visit, values, errors=None, problem=None, http_status=200):
    return visit.page(
        "application_new.html",
        http_status,
        values=values,
        errors=errors or {},
        problem=problem,
        campaigns=campaign_choices(uses.aid, visit.user.org_unit_id),
        levels=LEVELS.items(),
    )


@area.page("POST", "/applications/new", roles=CASEWORK)
def console_submit_application(uses: Uses, visit):
    form = visit.form()
    try:
        application = uses.submissions.submit(application_payload(form), visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        return application_form(uses, visit, form, field_messages(error), error.message, error.status)
    return redirect(f"/applications/{application['application_id']}")
