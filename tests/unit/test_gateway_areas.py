"""The gateway by area: each area's routes get what it declares it uses, and the service class holds only its
dependency providers, the routes' entrypoints and its event handlers."""

import dataclasses

from nameko.extensions import DependencyProvider

from services.gateway.api import ROUTES
from services.gateway.console.pages import PAGES
from services.gateway.service import GatewayService
from services.gateway.uses import Available


def test_every_area_uses_only_what_a_worker_provides():
    for entry in ROUTES + PAGES:
        assert dataclasses.is_dataclass(entry.uses), entry.name
        unknown = [field.name for field in dataclasses.fields(entry.uses) if not hasattr(Available, field.name)]
        assert unknown == [], (entry.name, unknown)


EVENT_HANDLERS = {"on_org_unit_created", "on_org_unit_updated"}  # the union units its accounts belong to


def test_the_service_class_holds_providers_one_entrypoint_per_route_and_page_and_its_event_handlers():
    names = [entry.name for entry in ROUTES + PAGES]
    assert len(names) == len(set(names))
    members = {name: value for name, value in vars(GatewayService).items() if not name.startswith("__")}
    entrypoints = {name for name, value in members.items() if getattr(value, "nameko_entrypoints", None)}
    assert entrypoints == set(names) | EVENT_HANDLERS
    others = {name for name in members if name not in entrypoints and name != "name"}
    assert all(isinstance(members[name], DependencyProvider) for name in others), others
    for entry in ROUTES + PAGES:
        (entrypoint,) = getattr(GatewayService, entry.name).nameko_entrypoints
        assert (entrypoint.url, entrypoint.method) == (entry.url, ",".join(entry.methods))
