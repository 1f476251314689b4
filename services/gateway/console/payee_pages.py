"""The queue of bank-detail change requests: reviewers see old and new accounts masked, and approve or reject."""

from datetime import datetime

from services.gateway.auth import CASEWORK, STAFF
from services.gateway.console.forms import filled, whole_number
from services.gateway.console.web import ConsoleBase, page, redirect
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


class PayeePages(ConsoleBase):
    def recent_payee_changes(self, worker_ids) -> dict[str, str]:
        """Which of these workers' payees changed in the last 30 days, and when: applications to pay them are flagged."""
        worker_ids = sorted(set(worker_ids))
        if not worker_ids:
            return {}
        return recent_changes(self.call(self.registry.payee_changes, worker_ids), clock.now())

    @page("GET", "/change-requests", roles=STAFF)
    def console_change_requests(self, visit):
        return self.change_requests_page(visit)

    def change_requests_page(self, visit, problem=None, http_status=200):
        """Pending requests unless ?status= says otherwise (empty: all); ?worker_id= for one worker's."""
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
            listing=self.call(self.registry.list_change_requests, query),
            filters=filters,
            statuses=payee_rules.STATUS_LABELS.items(),
            problem=problem,
        )

    @page("POST", "/change-requests/<change_request_id>/<action>", roles=CASEWORK)
    def console_decide_change_request(self, visit, change_request_id, action):
        if action not in ("approve", "reject"):
            raise ServiceError("not_found", "没有这个页面", 404)
        try:
            self.call(
                self.registry.decide_change_request,
                change_request_id,
                action == "approve",
                filled(visit.form(), "reason"),
                visit.user.actor,
            )
        except ServiceError as error:
            if error.status == 404:
                raise
            return self.change_requests_page(visit, error.message, error.status)
        return redirect("/change-requests")
