"""The gateway: the HTTP API under /api/v1 (api/), bearer-token auth, health, and the web console (console/); it
keeps the union units its accounts belong to from the registry's events.

The class holds the dependency providers; its entrypoints are the routes the API's and the console's areas declare,
each installed as a method (entrypoints.py)."""

from nameko.dependency_providers import Config

from services.gateway import units
from services.gateway.api import ROUTES
from services.gateway.auth import TokenLookups
from services.gateway.console.pages import PAGES
from services.gateway.entrypoints import install
from services.gateway.health import HealthReports
from services.gateway.models import inbox
from services.gateway.rate_limit import RateLimits
from shared.coalesce import Coalescing
from shared.db import Database
from shared.inbox import handle_once
from shared.request_ids import RequestIds
from shared.retry import reliable_event_handler
from shared.rpc_proxy import TimedRpcProxy


class GatewayService:
    name = "gateway"

    config = Config()
    db = Database("gateway")
    registry = TimedRpcProxy("registry")
    aid = TimedRpcProxy("aid")
    notify = TimedRpcProxy("notify")
    submissions = Coalescing()
    request_ids = RequestIds()
    rate_limits = RateLimits()
    token_lookups = TokenLookups()
    health_reports = HealthReports()

    @reliable_event_handler("registry", "org_unit_created")
    @handle_once(inbox)
    def on_org_unit_created(self, event):
        units.learn(self.db, event)

    @reliable_event_handler("registry", "org_unit_updated")
    @handle_once(inbox)
    def on_org_unit_updated(self, event):
        units.learn(self.db, event)


install(GatewayService, ROUTES, PAGES)
