"""The funds area's donor pages: for a donor's account, where each of their gifts went, to the fen (/trace); for staff
who read money (as the API's GET /donors/{donor_id} and /trace), the donors their unit and the units below it took on
(/donors) and each one's gifts with the disbursements they paid for (/donors/<donor_id>)."""

from dataclasses import dataclass

from services.gateway import units
from services.gateway.auth import MONEY_READERS
from services.gateway.backends import Backend
from services.gateway.console.campaign_pages import campaign_choices
from services.gateway.console.forms import listed, whole_number
from services.gateway.console.nav import DONOR
from services.gateway.routes import Area

SHOWN = 50


@dataclass(frozen=True)
class Uses:
    db: object  # the units' names
    aid: Backend


area = Area(Uses)


@area.page("GET", "/trace", roles=DONOR)
def console_trace(uses: Uses, visit):
    user = visit.user
    return visit.page(
        "trace.html",
        donor=uses.aid.call("get_donor", user.own_donor, user.org_unit_id, user.own_donor),
        trace=uses.aid.call("donor_trace", user.own_donor, user.org_unit_id, user.own_donor),
    )


@area.page("GET", "/donors", roles=MONEY_READERS)
def console_donors(uses: Uses, visit):
    """The donors in the visitor's scope (by the unit that took them on), by name, a page at a time."""
    query = {"per_page": SHOWN, "page": whole_number(visit.request.args.get("page", "1"))}
    listing, errors = listed(uses.aid, "list_donors", query, visit.user.org_unit_id)
    unit_ids = {donor["org_unit_id"] for donor in listing["items"] if donor["org_unit_id"]} if listing else set()
    return visit.page(
        "donors.html",
        400 if errors else 200,
        listing=listing,
        errors=errors,
        unit_names=units.names(uses.db, unit_ids),
    )


@area.page("GET", "/donors/<donor_id>", roles=MONEY_READERS)
def console_donor(uses: Uses, visit, donor_id):
    """One donor and their trace, as the API's GET /donors/{donor_id} and /trace answer the visitor."""
    user = visit.user
    donor = uses.aid.call("get_donor", donor_id, user.org_unit_id, user.own_donor)
    return visit.page(
        "donor.html",
        donor=donor,
        trace=uses.aid.call("donor_trace", donor_id, user.org_unit_id, user.own_donor),
        unit_names=units.names(uses.db, [donor["org_unit_id"]] if donor["org_unit_id"] else []),
        campaigns=dict(campaign_choices(uses.aid, user.org_unit_id)),
    )
