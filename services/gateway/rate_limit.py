"""Rate limits per client address: calls to the public endpoints, and failed sign-ins (token checks).

Token buckets in the gateway process's memory: with N gateway instances a client gets up to N times
the limit. A limit of 0 turns it off.
"""

import math
import time

from nameko.extensions import DependencyProvider, SharedExtension

from services.gateway import metrics
from shared.config import setting
from shared.errors import ServiceError

PUBLIC_PREFIX = "/api/v1/public/"
CONSOLE_PUBLIC_PREFIX = "/public/"  # the console's public pages: the status lookup is a guess at an ID's last four
HEALTH_URL = "/health"
TRACKED_CLIENTS = 10_000


class RateLimited(ServiceError):
    """429 with the seconds to wait, in the body and in Retry-After."""

    def __init__(self, retry_after: int):
        super().__init__(
            "rate_limited", f"请求过于频繁，请 {retry_after} 秒后再试", 429, extra={"retry_after": retry_after}
        )
        self.headers = {"Retry-After": str(retry_after)}


class TokenBuckets:
    """Per key, up to `per_minute` tokens, refilled evenly over the minute."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.capacity = per_minute
        self.per_second = per_minute / 60
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when counted)

    def _tokens(self, key: str, now: float) -> float:
        tokens, counted_at = self.buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - counted_at) * self.per_second)

    def wait_seconds(self, key: str) -> int:
        """0 when the key has a token left, else the whole seconds until it has one."""
        if not self.capacity:
            return 0
        missing = 1 - self._tokens(key, self.clock())
        return max(1, math.ceil(missing / self.per_second)) if missing > 0 else 0

    def take(self, key: str) -> None:
        if not self.capacity:
            return
        now = self.clock()
        self.buckets[key] = (max(0.0, self._tokens(key, now) - 1), now)
        if len(self.buckets) > TRACKED_CLIENTS:
            self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        """A full bucket is the same as none: drop those so the table stays small."""
        for key in [key for key in self.buckets if self._tokens(key, now) >= self.capacity]:
            del self.buckets[key]


def client_address(request, trusted_proxy_hops: int) -> str:
    """The caller's address: the peer's, or behind N trusted proxies the one the outermost of them saw."""
    if trusted_proxy_hops:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= trusted_proxy_hops:
            return forwarded[-trusted_proxy_hops]
    return request.remote_addr or "unknown"


class RateLimiter(SharedExtension):
    """The gateway's limits, one set per gateway container."""

    def setup(self):
        config = self.container.config
        self.proxy_hops = int(setting("TRUSTED_PROXY_HOPS", config))
        self.public = TokenBuckets(int(setting("PUBLIC_RATE_LIMIT_PER_MINUTE", config)))
        self.sign_in_failures = TokenBuckets(int(setting("AUTH_FAILURE_LIMIT_PER_MINUTE", config)))
        self.health = TokenBuckets(int(setting("HEALTH_RATE_LIMIT_PER_MINUTE", config)))

    def check_public(self, url_rule: str, request) -> None:
        """Count a call to a public endpoint or /health; RateLimited when the client is over the limit."""
        if url_rule == HEALTH_URL:
            buckets, limit = self.health, "health"
        elif url_rule.startswith((PUBLIC_PREFIX, CONSOLE_PUBLIC_PREFIX)):
            buckets, limit = self.public, "public"
        else:
            return
        client = client_address(request, self.proxy_hops)
        self._refuse_if_waiting(buckets, client, limit)
        buckets.take(client)

    def sign_in(self, request, attempt):
        """Run `attempt()`, a credential check that raises ServiceError 401 when the credential is wrong,
        unless this client has failed too often lately (then RateLimited, whatever it sends: a right
        guess must look no different). Each 401 counts against the client."""
        client = client_address(request, self.proxy_hops)
        self._refuse_if_waiting(self.sign_in_failures, client, "sign_in")
        try:
            return attempt()
        except ServiceError as error:
            if error.status == 401:
                self.sign_in_failures.take(client)
            raise

    @staticmethod
    def _refuse_if_waiting(buckets: TokenBuckets, client: str, limit: str) -> None:
        wait = buckets.wait_seconds(client)
        if wait:
            metrics.rate_limited(limit)
            raise RateLimited(wait)


class RateLimits(DependencyProvider):
    """`self.rate_limits` in a gateway worker: the container's RateLimiter (for sign-in forms)."""

    limiter = RateLimiter()

    def get_dependency(self, worker_ctx):
        return self.limiter
