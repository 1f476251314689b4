"""What a gateway area may use, built from one nameko worker's dependencies as the area asks for it.

Each area declares what it uses as a small dataclass whose fields are named after the attributes of `Available`
(`registry: Backend`, `bodies: Bodies`, ...); its handlers get an instance of that class holding those and nothing
else. `provide` fills one in.
"""

import dataclasses
from functools import cached_property

from services.gateway.accounts import Accounts
from services.gateway.backends import Backend, Submissions
from services.gateway.bodies import Bodies
from services.gateway.console.web import Visits
from services.gateway.openapi import openapi_document

BACKENDS = ("registry", "aid", "notify")


class Available:
    """Everything an area can ask for, of one worker of GatewayService (its dependency providers' values)."""

    def __init__(self, service):
        self.service = service

    @property
    def db(self):
        """The gateway's own database session."""
        return self.service.db

    @property
    def config(self) -> dict:
        """The settings (read with shared.config.setting)."""
        return self.service.config

    @property
    def rate_limits(self):
        return self.service.rate_limits

    @property
    def token_lookups(self):
        return self.service.token_lookups

    @property
    def health_reports(self):
        return self.service.health_reports

    @property
    def openapi(self) -> dict:
        """The API's OpenAPI document."""
        return openapi_document()

    @cached_property
    def registry(self) -> Backend:
        return Backend(self.service.registry, self.db)

    @cached_property
    def aid(self) -> Backend:
        return Backend(self.service.aid, self.db)

    @cached_property
    def notify(self) -> Backend:
        return Backend(self.service.notify, self.db)

    @property
    def backends(self) -> dict[str, Backend]:
        return {name: getattr(self, name) for name in BACKENDS}

    @cached_property
    def submissions(self) -> Submissions:
        return Submissions(self.service.submissions, self.aid)

    @cached_property
    def bodies(self) -> Bodies:
        return Bodies(self.config)

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.db, self.token_lookups.ttl_days, self.aid)

    @cached_property
    def visits(self) -> Visits:
        return Visits(self.db, self.config, self.token_lookups.ttl_days)


def provide(uses: type, available: Available):
    """An instance of an area's `uses` dataclass, each field filled with the resource of its name."""
    return uses(**{field.name: getattr(available, field.name) for field in dataclasses.fields(uses)})
