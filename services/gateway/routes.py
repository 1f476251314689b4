"""What each route declares about itself: its URL rule, roles, handler, what its area uses and, for the API, the
schemas of what it takes and answers (the OpenAPI document is built from these)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    """What an API route and a console page both declare: the methods and URL rule it answers, the roles it
    admits (None: anyone), its handler, and the class of what its area uses (see uses.py)."""

    name: str
    methods: tuple[str, ...]
    url: str
    roles: tuple[str, ...] | None
    handler: Callable
    uses: type


@dataclass(frozen=True)
class Route(Entry):
    """An API route: called as `handler(uses, request, user, **path)`, `user` None on a public route; and what
    the OpenAPI document says of it.

    body and response values are marshmallow schema classes (JSON), a tuple of them (JSON of any one of their shapes)
    or OpenAPI content dicts (files, CSV, HTML).
    errors are the error statuses the route itself can answer besides 401/403, which follow from roles.
    """

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


@dataclass(frozen=True)
class Page(Entry):
    """A console page: called as `handler(uses, visit, **path)`; with roles, the visitor must be signed in as one of
    them. Every POST must carry the visit's CSRF token, unless checks_csrf is False (a page that changes nothing)."""

    checks_csrf: bool = True


class Area:
    """The API routes or console pages of one area of the gateway, all given the same `uses` (what the area uses)."""

    def __init__(self, uses: type):
        self.uses = uses
        self.routes: list[Route] = []
        self.pages: list[Page] = []

    def api(self, method: str, url: str, roles=None, **described):
        """An API route; the keywords describe it for the OpenAPI document (see Route); hidden ones are left out."""

        def decorator(handler):
            self.routes.append(
                Route(
                    name=handler.__name__,
                    methods=tuple(method.split(",")),
                    url=url,
                    roles=roles,
                    handler=handler,
                    uses=self.uses,
                    **{key: tuple(value) if key == "tags" else value for key, value in described.items()},
                )
            )
            return handler

        return decorator

    def page(self, method: str, url: str, roles=None, checks_csrf: bool = True):
        def decorator(handler):
            self.pages.append(
                Page(handler.__name__, tuple(method.split(",")), url, roles, handler, self.uses, checks_csrf)
            )
            return handler

        return decorator


# Error statuses, for the OpenAPI document: a JSON body can be malformed, too large or not JSON; every route that
# asks a backend service can find it not answering.
JSON_BODY = (400, 413, 415)
BACKEND = (503,)
