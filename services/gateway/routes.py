"""What each API route declares about itself, collected as the routes are defined, for the OpenAPI document."""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """One `endpoint(...)`: its methods, URL rule, roles and the schemas of what it takes and answers.

    body and response values are marshmallow schema classes (JSON) or OpenAPI content dicts (files, CSV, HTML).
    errors are the error statuses the route itself can answer besides 401/403, which follow from roles.
    """

    name: str
    methods: tuple[str, ...]
    url: str
    roles: tuple[str, ...] | None
    summary: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    query: type | None = None
    body: object = None
    responses: dict = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    hidden: bool = False

    @property
    def path(self) -> str:
        """The URL rule in OpenAPI's `{param}` syntax."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.url)

    @property
    def public(self) -> bool:
        return not self.roles


ROUTES: list[Route] = []


def documented_routes() -> list[Route]:
    return [route for route in ROUTES if not route.hidden]
