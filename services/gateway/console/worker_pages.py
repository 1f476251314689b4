"""The workers area's pages: worker files and their imports."""

from dataclasses import dataclass

from services.gateway import units
from services.gateway.auth import CASEWORK, STAFF
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies
from services.gateway.console.forms import field_messages, filled
from services.gateway.console.labels import CATEGORIES, WORKER_STATUSES
from services.gateway.console.web import redirect
from services.gateway.imports import start_import, upload_to_registry
from services.gateway.routes import Area
from shared.errors import ServiceError

WORKER_FILTERS = ("id_number", "q", "category", "status", "union", "org_unit_id", "review_due_by", "page")
APPLICATIONS_SHOWN = 100


@dataclass(frozen=True)
class Uses:
    db: object  # the units of the visitor's subtree, to search one of them with the units below it
    registry: Backend
    aid: Backend  # a worker's applications, on their page
    bodies: Bodies


area = Area(Uses)


def invalid_fields(error: ServiceError) -> dict[str, list[str]]:
    """The messages by field of a validation error; any other error is not the form's to show."""
    if error.code != "validation_error":
        raise error
    return field_messages(error)


@area.page("GET,POST", "/workers", roles=STAFF)
def console_workers(uses: Uses, visit):
    """Search by the API's filters; posted, so an ID number typed in never appears in a URL or a log."""
    filters = filled(visit.form(), *WORKER_FILTERS) if visit.request.method == "POST" else {}
    listing, errors = None, {}
    try:
        listing = uses.registry.call("list_workers", filters, visit.user.org_unit_id)
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
        org_units=units.choices(uses.db, visit.user.org_unit_id),
    )


@area.page("GET", "/workers/<worker_id>", roles=STAFF)
def console_worker(uses: Uses, visit, worker_id):
    worker = uses.registry.call("get_worker", worker_id, visit.user.actor, visit.user.org_unit_id)
    applications = uses.aid.call(
        "list_applications", {"worker_id": worker_id, "per_page": APPLICATIONS_SHOWN}, visit.user.org_unit_id
    )
    return visit.page("worker.html", worker=worker, applications=applications["items"])


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
