"""The funds area's page for a donor: where each of their gifts went, to the fen."""

from dataclasses import dataclass

from services.gateway.backends import Backend
from services.gateway.console.nav import DONOR
from services.gateway.routes import Area


@dataclass(frozen=True)
class Uses:
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
