"""Caseworkers' pages: worker files, imports, the review queue, applications."""

from services.gateway.auth import CASEWORK, STAFF
from services.gateway.console.forms import field_messages, filled, whole_number
from services.gateway.console.labels import CATEGORIES, LEVELS, WORKER_STATUSES
from services.gateway.console.payee_pages import PayeePages
from services.gateway.console.web import page, redirect, safe_next
from shared.errors import ServiceError

WORKER_FILTERS = ("id_number", "q", "category", "status", "union", "page")
STUDENT_FIELDS = ("name", "id_number", "level", "school", "admission_year", "admission_notice_no")
QUEUE_SIZE = 100
CAMPAIGNS_LISTED = 500


def invalid_fields(error: ServiceError) -> dict[str, list[str]]:
    """The messages by field of a validation error; any other error is not the form's to show."""
    if error.code != "validation_error":
        raise error
    return field_messages(error)


def application_payload(form: dict) -> dict:
    """The API's application body from the form; the student only when any of its fields was filled in."""
    payload = filled(form, "campaign_id", "worker_id", "note")
    student = {name: form.get(f"student.{name}", "") for name in STUDENT_FIELDS}
    if any(student.values()):
        payload["student"] = {**student, "admission_year": whole_number(student["admission_year"])}
    return payload


class CaseworkPages(PayeePages):
    def campaign_names(self) -> dict[str, str]:
        listing = self.call(self.aid.list_campaigns, {"per_page": CAMPAIGNS_LISTED})
        return {campaign["campaign_id"]: campaign["name"] for campaign in listing["items"]}

    @page("GET,POST", "/workers", roles=STAFF)
    def console_workers(self, visit):
        """Search by the API's filters; posted, so an ID number typed in never appears in a URL or a log."""
        filters = filled(visit.form(), *WORKER_FILTERS) if visit.request.method == "POST" else {}
        listing, errors = None, {}
        try:
            listing = self.call(self.registry.list_workers, filters)
        except ServiceError as error:
            errors = invalid_fields(error)
        shown = {name: value for name, value in filters.items() if name != "id_number"}  # not echoed back in full
        return visit.page(
            "workers.html",
            400 if errors else 200,
            filters=shown,
            listing=listing,
            errors=errors,
            categories=CATEGORIES.items(),
            statuses=WORKER_STATUSES.items(),
        )

    @page("GET", "/workers/<worker_id>", roles=STAFF)
    def console_worker(self, visit, worker_id):
        worker = self.call(self.registry.get_worker, worker_id, visit.user.actor)
        applications = self.call(self.aid.list_applications, {"worker_id": worker_id, "per_page": QUEUE_SIZE})["items"]
        return visit.page("worker.html", worker=worker, applications=applications)

    @page("GET", "/imports", roles=CASEWORK)
    def console_import_form(self, visit):
        return visit.page("imports.html", errors={})

    @page("POST", "/imports", roles=CASEWORK)
    def console_import(self, visit):
        try:
            upload = self.upload_to_registry(visit.request)
        except ServiceError as error:
            return visit.page("imports.html", error.status, errors=field_messages(error) or {"file": [error.message]})
        return redirect(f"/imports/{self.start_import(upload, visit.user.actor)}")

    @page("GET", "/imports/<import_id>", roles=STAFF)
    def console_import_progress(self, visit, import_id):
        return visit.page("import.html", job=self.call(self.registry.import_progress, import_id))

    @page("GET", "/reviews", roles=CASEWORK)
    def console_reviews(self, visit):
        return self.review_queue(visit)

    def review_queue(self, visit, outcome=None, problem=None, http_status=200):
        page_number = whole_number(visit.request.args.get("page", "1"))
        queue = self.call(
            self.aid.list_applications, {"status": "submitted", "per_page": QUEUE_SIZE, "page": page_number}
        )
        return visit.page(
            "reviews.html",
            http_status,
            queue=queue,
            campaigns=self.campaign_names(),
            outcome=outcome,
            problem=problem,
            calendar_warning=self.calendar_warning(visit),
            payee_changed=self.recent_payee_changes(item["worker_id"] for item in queue["items"]),
        )

    @page("POST", "/reviews/approve-batch", roles=CASEWORK)
    def console_approve_batch(self, visit):
        chosen = visit.request.form.getlist("application_ids")
        try:
            outcome = self.call(self.aid.approve_batch, {"application_ids": chosen}, visit.user.actor)
        except ServiceError as error:
            return self.review_queue(
                visit, problem="请先勾选要批准的申请" if not chosen else error.message, http_status=error.status
            )
        return self.review_queue(visit, outcome)

    @page("GET", "/applications/<application_id>", roles=STAFF)
    def console_application(self, visit, application_id):
        return self.application_page(visit, application_id)

    def application_page(self, visit, application_id, problem=None, errors=None, http_status=200):
        application = self.call(self.aid.get_application, application_id)
        return visit.page(
            "application.html",
            http_status,
            application=application,
            problem=problem,
            errors=errors or {},
            campaign=self.call(self.aid.get_campaign, application["campaign_id"]),
            messages=self.call(self.notify.list_notifications, {"application_id": application_id})["items"],
            payee_changed_at=self.recent_payee_changes([application["worker_id"]]).get(application["worker_id"]),
        )

    @page("POST", "/applications/<application_id>/<action>", roles=CASEWORK)
    def console_review(self, visit, application_id, action):
        form = visit.form()
        methods = {
            "approve": (self.aid.approve, filled(form, "note")),
            "reject": (self.aid.reject, {"reason": form.get("reason", "")}),
        }
        if action not in methods:
            raise ServiceError("not_found", "没有这个页面", 404)
        method, payload = methods[action]
        try:
            self.call(method, application_id, payload, visit.user.actor)
        except ServiceError as error:
            if error.status == 404:
                raise
            return self.application_page(visit, application_id, error.message, field_messages(error), error.status)
        return redirect(safe_next(form.get("next") or f"/applications/{application_id}"))

    @page("GET", "/applications/new", roles=CASEWORK)
    def console_application_form(self, visit):
        return self.application_form(visit, {"worker_id": visit.request.args.get("worker_id", "")})

    def application_form(self, visit, values, errors=None, problem=None, http_status=200):
        campaigns = self.call(self.aid.list_campaigns, {"per_page": CAMPAIGNS_LISTED})["items"]
        return visit.page(
            "application_new.html",
            http_status,
            values=values,
            errors=errors or {},
            problem=problem,
            campaigns=[(c["campaign_id"], f"{c['name']}（{c['year']}）") for c in campaigns],
            levels=LEVELS.items(),
        )

    @page("POST", "/applications/new", roles=CASEWORK)
    def console_submit_application(self, visit):
        form = visit.form()
        try:
            application = self.submit(application_payload(form), visit.user.actor)
        except ServiceError as error:
            return self.application_form(visit, form, field_messages(error), error.message, error.status)
        return redirect(f"/applications/{application['application_id']}")
