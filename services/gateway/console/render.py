"""The console's templates: Jinja2 with autoescape on for every template, and the filters pages use."""

from datetime import datetime

from jinja2 import Environment, PackageLoader, StrictUndefined
from werkzeug.wrappers import Response

from services.gateway.console.labels import actor, label
from shared.clock import SHANGHAI
from shared.money import format_fen

# Pages show personal data (masked) and act for a signed-in user: never cached, framed or sniffed, and
# nothing loaded from anywhere but the gateway itself.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def beijing_time(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def yuan(fen) -> str:
    return "" if fen is None else format_fen(int(fen))


environment = Environment(
    loader=PackageLoader("services.gateway.console", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(yuan=yuan, label=label, actor=actor, beijing_time=beijing_time)


def html_response(template: str, http_status: int = 200, headers=None, **context) -> Response:
    body = environment.get_template(template).render(**context)
    return Response(body, status=http_status, headers={**PAGE_HEADERS, **(headers or {})}, mimetype="text/html")
