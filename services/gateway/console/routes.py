"""Every console page, as one mixin that GatewayService inherits so nameko finds the entrypoints."""
from services.gateway.console.casework_pages import CaseworkPages
from services.gateway.console.session_pages import SessionPages


class ConsoleRoutes(SessionPages, CaseworkPages):
    pass
