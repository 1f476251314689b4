"""The nameko entrypoints of the gateway's routes: each API route and console page becomes a method of the service
class that authenticates the caller, gives the handler what its area uses, and answers errors in its own way (JSON
for the API, an HTML page for the console)."""

from urllib.parse import quote

from services.gateway.auth import authenticate, require
from services.gateway.console.web import FORM_COOKIE, ConsoleEndpoint, error_page, redirect, refusal_page
from services.gateway.http import SERVICE_UNAVAILABLE, ApiEndpoint, handles_errors, outage_logged
from services.gateway.routes import Page, Route
from services.gateway.uses import Available, provide
from shared.config import setting
from shared.errors import ServiceError


def authenticated(available: Available, request, roles):
    """The caller of a bearer token of one of the roles; failed sign-ins count against the client's limit."""
    authorization = request.headers.get("Authorization")
    config, lookups = available.config, available.token_lookups
    admin_token, metrics_token = setting("HARDSHIP_ADMIN_TOKEN", config), setting("METRICS_TOKEN", config)
    user = available.rate_limits.sign_in(
        request,
        lambda: authenticate(
            available.db, authorization, admin_token, metrics_token, lookups, ttl_days=lookups.ttl_days
        ),
    )
    require(user, roles)
    return user


def named(function, name: str):
    function.__name__ = function.__qualname__ = name
    return function


def api_entrypoint(route: Route):
    def entrypoint(service, request, **path):
        available = Available(service)
        user = authenticated(available, request, route.roles) if route.roles else None
        return route.handler(provide(route.uses, available), request, user, **path)

    return ApiEndpoint.decorator(",".join(route.methods), route.url)(handles_errors(named(entrypoint, route.name)))


def page_entrypoint(page: Page):
    def entrypoint(service, request, **path):
        available = Available(service)
        try:
            visits = available.visits
            visit = visits.visit(request)
        except Exception as exc:
            if not outage_logged(page.name, exc):  # the gateway's database or the broker is restarting
                raise
            return refusal_page(SERVICE_UNAVAILABLE)
        try:
            if page.roles and visit.user is None:
                response = redirect("/sign-in?next=" + quote(request.full_path.rstrip("?"), safe="/?=&"))
            else:
                if page.roles:
                    require(visit.user, page.roles)
                if page.checks_csrf and request.method == "POST":
                    visits.check_csrf(visit)
                response = page.handler(provide(page.uses, available), visit, **path)
        except ServiceError as error:
            response = error_page(visit, error)
        except BaseException as exc:  # eventlet's Timeout is not an Exception
            if not outage_logged(page.name, exc):
                raise
            response = error_page(visit, SERVICE_UNAVAILABLE)
        if visit.new_form_cookie:
            visits.set_cookie(response, FORM_COOKIE, visit.csrf_token, max_age=None, same_site="Strict")
        return response

    return ConsoleEndpoint.decorator(",".join(page.methods), page.url)(named(entrypoint, page.name))


def install(service_class, routes: list[Route], pages: list[Page]) -> None:
    """Every route and page as an entrypoint method of the service class, named after its handler."""
    for route in routes:
        setattr(service_class, route.name, api_entrypoint(route))
    for page in pages:
        setattr(service_class, page.name, page_entrypoint(page))
