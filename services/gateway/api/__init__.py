"""The HTTP API under /api/v1 (and /health, /metrics), area by area; the order is the OpenAPI document's."""

from services.gateway.api import admin, aid, docs, funds, notifications, org_units, public, reports, workers

ROUTES = [
    route
    for module in (admin, org_units, workers, aid, public, funds, notifications, reports, docs)
    for route in module.area.routes
]
