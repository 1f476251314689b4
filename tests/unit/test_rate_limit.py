"""Token buckets per client and the client's address behind trusted proxies."""

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway import rate_limit
from services.gateway.rate_limit import TokenBuckets, client_address


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_client_may_use_its_limit_then_waits_for_the_next_token():
    clock = Clock()
    buckets = TokenBuckets(3, clock)
    for _ in range(3):
        assert buckets.wait_seconds("10.0.0.1") == 0
        buckets.take("10.0.0.1")
    assert buckets.wait_seconds("10.0.0.1") == 20  # 3 a minute: one token every 20 s
    assert buckets.wait_seconds("10.0.0.2") == 0  # another client is not affected
    clock.now += 19.5
    assert buckets.wait_seconds("10.0.0.1") == 1
    clock.now += 0.5
    assert buckets.wait_seconds("10.0.0.1") == 0
    buckets.take("10.0.0.1")
    assert buckets.wait_seconds("10.0.0.1") == 20


def test_an_idle_client_never_saves_more_than_the_limit():
    clock = Clock()
    buckets = TokenBuckets(2, clock)
    buckets.take("a")
    clock.now += 3600
    for _ in range(2):
        buckets.take("a")
    assert buckets.wait_seconds("a") == 30


def test_zero_means_no_limit():
    buckets = TokenBuckets(0, Clock())
    for _ in range(100):
        buckets.take("a")
    assert buckets.wait_seconds("a") == 0 and buckets.buckets == {}


def test_full_buckets_are_forgotten_when_too_many_clients_are_tracked(monkeypatch):
    monkeypatch.setattr(rate_limit, "TRACKED_CLIENTS", 3)
    clock = Clock()
    buckets = TokenBuckets(60, clock)
    for client in ("a", "b", "c"):
        buckets.take(client)
    clock.now += 1  # a, b and c are full again
    buckets.take("d")
    buckets.take("d")
    buckets.take("e")
    assert set(buckets.buckets) == {"d", "e"}
    assert buckets.wait_seconds("a") == 0


def request(remote_addr="192.0.2.10", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return Request(EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": remote_addr}).get_environ())


@pytest.mark.parametrize(
    "hops,forwarded,expected",
    [
        (0, "203.0.113.7", "192.0.2.10"),  # no trusted proxy: a client cannot choose its own address
        (1, None, "192.0.2.10"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # what the client itself wrote is not trusted
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "192.0.2.10"),  # fewer hops than configured: the peer
    ],
)
def test_client_address(hops, forwarded, expected):
    assert client_address(request(forwarded=forwarded), hops) == expected


def test_health_has_its_own_limit_apart_from_the_public_endpoints():
    from types import SimpleNamespace

    from services.gateway.rate_limit import RateLimited, RateLimiter

    limiter = RateLimiter()
    limits = {"HEALTH_RATE_LIMIT_PER_MINUTE": "2", "PUBLIC_RATE_LIMIT_PER_MINUTE": "1"}
    limiter.container = SimpleNamespace(config=limits)
    limiter.setup()
    for _ in range(2):
        limiter.check_public("/health", request())
    with pytest.raises(RateLimited) as refused:
        limiter.check_public("/health", request())
    assert refused.value.status == 429 and refused.value.extra["retry_after"] == 30
    limiter.check_public("/api/v1/public/receipts/<receipt_no>", request())  # the public limit is untouched
    limiter.check_public("/health", request(remote_addr="192.0.2.11"))  # and so is another client's
