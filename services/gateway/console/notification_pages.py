"""The notifications area's pages: the text messages sent to workers (短信记录) and the workers who asked for none
(短信退订), with the API's filters and pages, in the visitor's scope (notify answers as it answers the API: only the
workers of the visitor's unit and the units below it). Phones come masked from notify, by the one masking rule."""

from dataclasses import dataclass

from services.gateway.auth import CASEWORK, STAFF
from services.gateway.backends import Backend
from services.gateway.console.forms import filled, listed, whole_number
from services.gateway.console.labels import SMS_STATUSES, SMS_TEMPLATES
from services.gateway.routes import Area
from services.notify.schemas import PUBLIC_STATUSES
from shared.errors import ServiceError

SHOWN = 50
MESSAGE_FILTERS = ("application_id", "worker_id", "template", "status")


@dataclass(frozen=True)
class Uses:
    notify: Backend


area = Area(Uses)


@area.page("GET", "/notifications", roles=STAFF)
def console_notifications(uses: Uses, visit):
    """The message log, filtered as the API's list is (in the URL: ids and codes, nothing personal)."""
    return notifications_page(uses, visit)


def notifications_page(uses: Uses, visit, resent=None, problem=None, refused=None, http_status=200):
    """The log with the filters and page in the URL; after a resend, its outcome (`resent`: the message as notify
    answered, or `problem` about the message `refused`)."""
    args = visit.request.args
    filters = {name: args.get(name, "") for name in MESSAGE_FILTERS}
    query = {**filled(filters, *MESSAGE_FILTERS), "per_page": SHOWN, "page": whole_number(args.get("page", "1"))}
    listing, errors = listed(uses.notify, "list_notifications", query, visit.user.org_unit_id)
    return visit.page(
        "notifications.html",
        400 if errors else http_status,
        filters=filters,
        listing=listing,
        errors=errors,
        resent=resent,
        problem=problem,
        refused=refused,
        resenders=CASEWORK,
        templates=SMS_TEMPLATES.items(),
        statuses=[(status, SMS_STATUSES[status]) for status in PUBLIC_STATUSES],
    )


@area.page("POST", "/notifications/<notification_id>/resend", roles=CASEWORK)
def console_resend(uses: Uses, visit, notification_id):
    """The API's /resend: a failed message sent again; the log is shown again with the same filters (in the URL)."""
    try:
        resent = uses.notify.call("resend", notification_id, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        return notifications_page(uses, visit, problem=error.message, refused=notification_id, http_status=error.status)
    return notifications_page(uses, visit, resent=resent)


@area.page("GET", "/sms/opt-outs", roles=STAFF)
def console_opt_outs(uses: Uses, visit):
    query = {"per_page": SHOWN, "page": whole_number(visit.request.args.get("page", "1"))}
    listing, errors = listed(uses.notify, "list_opt_outs", query, visit.user.org_unit_id)
    return visit.page("opt_outs.html", 400 if errors else 200, listing=listing, errors=errors)
