"""The gateway: the HTTP API under /api/v1 (api/), bearer-token auth, health, and the web console (console/).

The class holds the dependency providers; its entrypoints are the routes the API's and the console's areas declare,
each installed as a method (entrypoints.py)."""

from nameko.dependency_providers import Config

from services.gateway.api import ROUTES
from services.gateway.auth import TokenLookups
from services.gateway.console.pages import PAGES
from services.gateway.entrypoints import install
from services.gateway.health import HealthReports
from services.gateway.rate_limit import RateLimits
from shared.coalesce import Coalescing
from shared.db import Database
from shared.request_ids import RequestIds
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


install(GatewayService, ROUTES, PAGES)
