"""HTTP plumbing: JSON responses, CONTRACT.md's error model, bounded request bodies, request ids."""

import functools
import json
import logging
import time

import eventlet
from kombu.exceptions import OperationalError as BrokerUnavailable
from nameko.exceptions import RemoteError, UnknownService
from nameko.web.handlers import HttpRequestHandler
from sqlalchemy.exc import OperationalError as DatabaseUnavailable
from sqlalchemy.exc import TimeoutError as PoolExhausted
from werkzeug.wrappers import Response

from services.gateway import metrics
from services.gateway.access_log import PathOnlyWebServer
from services.gateway.rate_limit import RateLimiter
from shared import request_ids
from shared.errors import ServiceError, service_unavailable
from shared.upload_parts import read_part

log = logging.getLogger(__name__)
SERVICE_UNAVAILABLE = service_unavailable()
# Not now rather than a bug (503): a service that did not answer in time or has not started (UnknownService), the
# gateway's database unreachable or its connection pool exhausted, the broker restarting.
OUTAGES = (eventlet.Timeout, UnknownService, DatabaseUnavailable, PoolExhausted, BrokerUnavailable)
# The same met by a service while it answered the call (its database, its pool, a call of its own timing out).
REMOTE_OUTAGES = ("OperationalError", "TimeoutError")


# Answers carry personal data (masked) and stored text: never cached along the way, never sniffed as HTML.
JSON_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def json_response(body, status: int = 200, headers=None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        headers={**JSON_HEADERS, **(headers or {})},
        mimetype="application/json",
    )


def error_response(error: ServiceError) -> Response:
    return json_response(error.body(), error.status, getattr(error, "headers", None))


def bad_request(message: str) -> ServiceError:
    return ServiceError("bad_request", message, 400)


class ApiEndpoint(HttpRequestHandler):
    """nameko's @http, but whatever escapes a handler still answers in the JSON error model; every
    request gets an id (X-Request-Id) and its place in the metrics, and public endpoints are rate
    limited before a worker is spent on them."""

    limiter = RateLimiter()
    server = PathOnlyWebServer()

    def handle_request(self, request):
        started = time.perf_counter()
        request_id = request_ids.accepted_or_new(request.headers.get(request_ids.HEADER))
        request.environ[request_ids.ENVIRON_KEY] = request_id
        # bound until the connection's next request, so the web server's access log line has it too
        request_ids.bind(request_id)
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            # eventlet's server ends a chunked body itself; told so, werkzeug reads it (as far as our limits allow)
            # instead of handing the route an empty one
            request.environ["wsgi.input_terminated"] = True
        try:
            self.limiter.check_public(self.url, request)
            response = super().handle_request(request)
        except ServiceError as error:
            response = self.refusal(error)
        response.headers[request_ids.HEADER] = request_id
        metrics.observe_request(self.url, request.method, response.status_code, time.perf_counter() - started)
        return response

    def refusal(self, error: ServiceError) -> Response:
        """The answer to a request refused before its handler ran (a rate limit)."""
        return error_response(error)

    def response_from_exception(self, exc):
        log.error("unhandled %s in %s", type(exc).__name__, self.method_name)
        return error_response(ServiceError("internal_error", "服务器内部错误，请稍后重试", 500))


class BoundedBody:
    """The request body as a stream that refuses (413) a declared length over `limit` at once, and any read that
    takes it past `limit` bytes, so a body without a declared length is never read much beyond it either."""

    def __init__(self, request, limit: int):
        self.limit = limit
        if request.content_length is not None and request.content_length > limit:
            raise self.too_large()
        self.stream = request.stream
        self.left = limit

    def too_large(self) -> ServiceError:
        return ServiceError("payload_too_large", f"请求体超过上限 {self.limit} 字节", 413)

    def read(self, size: int = -1) -> bytes:
        if size < 0:  # all of it, however little each read of the request gives
            return read_part(self, self.left + 1)
        data = self.stream.read(min(size, self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise self.too_large()
        return data


def read_body(request, limit: int) -> bytes:
    return BoundedBody(request, limit).read()


def read_json(request, limit: int) -> dict:
    body = read_body(request, limit)
    declared_json = request.mimetype == "application/json" or request.mimetype.endswith("+json")
    if not body and not declared_json:
        return {}  # a bare POST: `…/approve` needs nothing more
    if not declared_json and request.mimetype:
        raise ServiceError("unsupported_media_type", "请求体应为 JSON（Content-Type: application/json）", 415)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request("请求体不是有效的 JSON") from None
    if not isinstance(payload, dict):
        raise bad_request("请求体应为 JSON 对象")
    return payload


def query_args(request, *ignored: str) -> dict:
    """Query parameters as a plain dict; a parameter given twice is refused rather than guessed at."""
    args = {}
    for key, values in request.args.lists():
        if key in ignored:
            continue
        if len(values) > 1:
            raise bad_request(f"查询参数 {key} 只能出现一次")
        args[key] = values[0]
    return args


def flag(request, name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGES) or (isinstance(exc, RemoteError) and exc.exc_type in REMOTE_OUTAGES)


def outage_logged(where: str, exc: BaseException) -> bool:
    """Whether exc is an outage (then logged, without its message: a statement's text is no business of the log)."""
    if not is_outage(exc):
        return False
    log.warning("%s: %s (%s)", where, SERVICE_UNAVAILABLE.code, getattr(exc, "exc_type", None) or type(exc).__name__)
    return True


def handles_errors(method):
    """Turn business errors and outages into JSON error responses inside the worker."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except ServiceError as error:
            return error_response(error)
        except BaseException as exc:  # eventlet's Timeout is not an Exception
            if not outage_logged(method.__name__, exc):
                raise
            return error_response(SERVICE_UNAVAILABLE)

    return wrapper
