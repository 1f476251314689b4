"""/metrics: this gateway's own figures, and each backend service's under a `service` label.

The gateway's figures (HTTP requests, RPC calls, refusals) are this process's: with several gateway
instances, scrape each. The backend services answer a `metrics` RPC with figures read from their
databases and the broker, the same whichever instance answers; a service that does not answer in
time is left out and shows `hardship_service_metrics_up{service=...} 0`.

That is what Prometheus (METRICS_TOKEN) and the root's users read. A unit's admins and auditors read only the figures
of the records in their subtree, which each service counts in its query by its scope rule; the gateway's own figures
and the services' outbox, inbox and parking figures belong to the whole system and are left out for them.
"""

import time
from contextlib import contextmanager

import eventlet
from nameko.exceptions import RemoteError, UnknownService
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4 as CONTENT_TYPE  # noqa: F401  (what generate_latest writes; the gateway's /metrics answers with it)
from prometheus_client.parser import text_string_to_metric_families

from shared.errors import ServiceError
from shared.metrics import Families, exposition

SCRAPE_TIMEOUT_SECONDS = 3

REGISTRY = CollectorRegistry()
HTTP_REQUESTS = Counter(
    "hardship_http_requests",
    "HTTP requests by route template, method and status",
    ["route", "method", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "hardship_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and method",
    ["route", "method"],
    registry=REGISTRY,
)
RPC_CALLS = Counter(
    "hardship_rpc_calls",
    "RPC calls from the gateway by service, method and outcome "
    "(ok, refused: a business error, timeout, unavailable, failed)",
    ["service", "method", "outcome"],
    registry=REGISTRY,
)
RPC_SECONDS = Histogram(
    "hardship_rpc_call_duration_seconds",
    "Time an RPC call from the gateway took, by service and method",
    ["service", "method"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "hardship_rate_limited",
    "Requests refused with 429, by limit (public, sign_in, health)",
    ["limit"],
    registry=REGISTRY,
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route, method).observe(seconds)


def rate_limited(limit: str) -> None:
    RATE_LIMITED.labels(limit).inc()


@contextmanager
def timed_call(method_proxy):
    """Count and time one RPC call made through a nameko method proxy."""
    labels = (method_proxy.service_name, method_proxy.method_name)
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    except ServiceError as error:
        outcome = "timeout" if error.code == "service_unavailable" else "refused"
        raise
    except eventlet.Timeout:
        outcome = "timeout"
        raise
    except UnknownService:
        outcome = "unavailable"
        raise
    finally:
        RPC_CALLS.labels(*labels, outcome).inc()
        RPC_SECONDS.labels(*labels).observe(time.perf_counter() - started)


def with_service_label(text: str, service: str) -> list:
    families = list(text_string_to_metric_families(text))
    for family in families:
        family.samples = [sample._replace(labels={**sample.labels, "service": service}) for sample in family.samples]
    return families


def merged(family_lists) -> list:
    """One family per name, holding every service's samples (a name may appear once in an exposition)."""
    by_name = {}
    for families in family_lists:
        for family in families:
            if family.name in by_name:
                by_name[family.name].samples += family.samples
            else:
                by_name[family.name] = family
    return list(by_name.values())


def scrape(proxies: dict, scope: str | None = None) -> str:
    """The exposition text: for the whole system (scope None), the gateway's figures, then every service's that
    answered in time; for a unit's users (`scope`: their unit), the services' figures of that unit's subtree only."""
    replies = {}
    for service, proxy in proxies.items():
        try:
            replies[service] = proxy.metrics.call_async(scope)
        except UnknownService:  # not started: no queue to send to
            pass
    deadline = time.monotonic() + SCRAPE_TIMEOUT_SECONDS
    up = GaugeMetricFamily("hardship_service_metrics_up", "1 when the service answered this scrape", labels=["service"])
    answered = []
    for service in proxies:
        try:
            with eventlet.Timeout(max(0.0, deadline - time.monotonic())):
                answered.append(with_service_label(replies[service].result(), service))
            up.add_metric([service], 1)
        except (KeyError, eventlet.Timeout, RemoteError, ServiceError):  # not started, too slow, failed or refused
            up.add_metric([service], 0)
    own = [REGISTRY] if scope is None else []
    return exposition(*own, Families([up, *merged(answered)]))
