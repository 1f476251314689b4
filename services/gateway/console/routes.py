"""Every console page, as one mixin that GatewayService inherits so nameko finds the entrypoints."""

from services.gateway.console.admin_pages import AdminPages
from services.gateway.console.calendar_pages import CalendarPages
from services.gateway.console.campaign_pages import CampaignPages
from services.gateway.console.casework_pages import CaseworkPages
from services.gateway.console.donor_pages import DonorPages
from services.gateway.console.finance_pages import FinancePages
from services.gateway.console.public_pages import PublicPages
from services.gateway.console.session_pages import SessionPages


class ConsoleRoutes(
    SessionPages, CaseworkPages, CampaignPages, FinancePages, DonorPages, PublicPages, AdminPages, CalendarPages
):
    pass
