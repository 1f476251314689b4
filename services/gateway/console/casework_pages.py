"""Caseworkers' pages: worker files, imports, the review queue, applications."""
from services.gateway.auth import STAFF
from services.gateway.console.forms import field_messages, filled
from services.gateway.console.labels import CATEGORIES, WORKER_STATUSES
from services.gateway.console.web import ConsoleBase, page
from shared.errors import ServiceError

WORKER_FILTERS = ("id_number", "q", "category", "status", "union", "page")


def invalid_fields(error: ServiceError) -> dict[str, list[str]]:
    """The messages by field of a validation error; any other error is not the form's to show."""
    if error.code != "validation_error":
        raise error
    return field_messages(error)


class CaseworkPages(ConsoleBase):

    @page("GET,POST", "/workers", roles=STAFF)
    def console_workers(self, visit):
        """Search by the API's filters; posted, so an ID number typed in never appears in a URL or a log."""
        filters = filled(visit.form(), *WORKER_FILTERS) if visit.request.method == "POST" else {}
        listing, errors = None, {}
        try:
            listing = self.call(self.registry.list_workers, filters)
        except ServiceError as error:
            errors = invalid_fields(error)
        return visit.page("workers.html", 400 if errors else 200, filters=filters, listing=listing, errors=errors,
                          categories=CATEGORIES.items(), statuses=WORKER_STATUSES.items())

    @page("GET", "/workers/<worker_id>", roles=STAFF)
    def console_worker(self, visit, worker_id):
        worker = self.call(self.registry.get_worker, worker_id, visit.user.actor)
        applications = self.call(self.aid.list_applications, {"worker_id": worker_id, "per_page": 100})["items"]
        return visit.page("worker.html", worker=worker, applications=applications)
