"""How a console page is served: who is signed in, the CSRF check on every POST, errors as HTML pages."""

import hmac
import logging
import secrets
from dataclasses import dataclass

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import redirect as werkzeug_redirect

from services.gateway.auth import User
from services.gateway.console.nav import links_for
from services.gateway.console.render import html_response
from services.gateway.console.sessions import find_session
from services.gateway.http import ApiEndpoint
from shared.config import setting
from shared.errors import ServiceError

log = logging.getLogger(__name__)

SESSION_COOKIE = "hardship_session"
# A visitor who is not signed in gets a random token in this cookie and in each form (double submit), so the
# sign-in and public lookup forms cannot be posted from another site either.
FORM_COOKIE = "hardship_form"
CSRF_FIELD = "csrf_token"


@dataclass
class Visit:
    """One request to the console: the request, who is signed in (or None) and the CSRF token for its forms."""

    request: object
    user: User | None
    csrf_token: str
    new_form_cookie: bool = False

    def page(self, template: str, http_status: int = 200, **context):
        return html_response(template, http_status, visit=self, nav=links_for(self.user), **context)

    def form(self) -> dict:
        """The posted fields, each stripped; a field given several times keeps its first value."""
        return {key: value.strip() for key, value in self.request.form.items()}


def refusal_page(error: ServiceError):
    """An error page for a request refused before anyone was known to be signed in (a limit, an outage)."""
    response = html_response(
        "error.html", error.status, visit=None, nav=links_for(None), status=error.status, message=error.message
    )
    response.headers.update(getattr(error, "headers", None) or {})
    return response


class ConsoleEndpoint(ApiEndpoint):
    """The API's endpoint (request ids, metrics, limits on public pages), answering with HTML pages instead."""

    def refusal(self, error: ServiceError):
        return refusal_page(error)

    def response_from_exception(self, exc):
        log.error("unhandled %s in %s", type(exc).__name__, self.method_name)
        return html_response(
            "error.html", 500, visit=None, nav=links_for(None), status=500, message="服务器内部错误，请稍后重试"
        )


def redirect(location: str):
    return werkzeug_redirect(location, 303)


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a link sign someone in and send them elsewhere."""
    # a tab or newline is dropped by browsers ("/\t/evil" becomes "//evil") and refused by the redirect itself
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
        and " " not in target
    ):
        return target
    return "/"


def error_page(visit: Visit, error: ServiceError):
    response = visit.page("error.html", error.status, status=error.status, message=error.message)
    response.headers.update(getattr(error, "headers", None) or {})  # Retry-After on 429
    return response


class Visits:
    """Who visits the console (the signed-in user of the session cookie, or a visitor with a form cookie), the CSRF
    check of their forms, and the cookies the console sets."""

    def __init__(self, db, config, ttl_days: int):
        self.db = db
        self.config = config
        self.ttl_days = ttl_days

    def visit(self, request) -> Visit:
        limit = "IMPORT_MAX_BYTES" if request.mimetype == "multipart/form-data" else "MAX_BODY_BYTES"
        request.max_content_length = int(setting(limit, self.config))
        found = find_session(self.db, request.cookies.get(SESSION_COOKIE), self.ttl_days)
        if found:
            user, csrf_token = found
            return Visit(request, user, csrf_token)
        form_token = request.cookies.get(FORM_COOKIE)
        if form_token:
            return Visit(request, None, form_token)
        return Visit(request, None, secrets.token_urlsafe(32), new_form_cookie=True)

    def check_csrf(self, visit: Visit) -> None:
        try:
            sent = visit.request.form.get(CSRF_FIELD, "")
        except RequestEntityTooLarge:
            raise ServiceError("payload_too_large", "上传的内容超过上限", 413) from None
        if visit.new_form_cookie or not hmac.compare_digest(sent.encode(), visit.csrf_token.encode()):
            raise ServiceError("forbidden", "表单已失效或来源不明，请返回上一页刷新后重新提交", 403)

    def set_cookie(self, response, name: str, value: str, max_age: int | None, same_site: str) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite=same_site,
            secure=setting("CONSOLE_COOKIE_SECURE", self.config).lower() in ("1", "true", "yes"),
        )
