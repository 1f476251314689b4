"""A donor's own page: where each of their gifts went, to the fen."""

from services.gateway.console.nav import DONOR
from services.gateway.console.web import ConsoleBase, page


class DonorPages(ConsoleBase):
    @page("GET", "/trace", roles=DONOR)
    def console_trace(self, visit):
        donor_id = visit.user.donor_id
        return visit.page(
            "trace.html", donor=self.call(self.aid.get_donor, donor_id), trace=self.call(self.aid.donor_trace, donor_id)
        )
