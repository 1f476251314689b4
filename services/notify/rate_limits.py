"""How fast SMS may go out: to the provider overall, and to any one phone number."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.clock import SHANGHAI
from shared.config import setting

HOUR = timedelta(hours=1)
# Refilling by exactly the wait that take() asked for can land a hair short of a whole token.
_ROUNDING = 1e-9


@dataclass(frozen=True)
class RateLimitSettings:
    provider_qps: float
    per_number_per_hour: int  # 0 = unlimited
    per_number_per_day: int  # 0 = unlimited

    @classmethod
    def from_config(cls, config=None) -> "RateLimitSettings":
        return cls(
            provider_qps=float(setting("SMS_PROVIDER_QPS", config)),
            per_number_per_hour=int(setting("SMS_PER_NUMBER_PER_HOUR", config)),
            per_number_per_day=int(setting("SMS_PER_NUMBER_PER_DAY", config)),
        )


class TokenBucket:
    """Tokens refill at `rate_per_second` up to `capacity` (default: one second's worth, at least 1).

    The bucket starts full, so N sends take about max(0, N - capacity) / rate seconds.
    take() never reserves: when it reports a wait, nothing was taken, and the caller asks again
    after waiting. No await points inside, so greenlets sharing one bucket cannot interleave in it.
    """

    def __init__(self, rate_per_second: float, capacity: float | None = None, monotonic=time.monotonic):
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.rate = float(rate_per_second)
        self.capacity = float(capacity) if capacity is not None else max(1.0, self.rate)
        if self.capacity < 1:
            raise ValueError("capacity must hold at least one token")
        self._monotonic = monotonic
        self._tokens = self.capacity
        self._updated = monotonic()

    def take(self, n: float = 1) -> float:
        """Take `n` tokens and return 0.0, or take nothing and return the seconds until `n` are there."""
        if n > self.capacity:
            raise ValueError(f"cannot take {n} tokens from a bucket holding {self.capacity}")
        self._refill()
        if self._tokens + _ROUNDING >= n:
            self._tokens = max(0.0, self._tokens - n)
            return 0.0
        return (n - self._tokens) / self.rate

    def _refill(self) -> None:
        now = self._monotonic()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now


def next_allowed_for_number(sent_times: list[datetime], now: datetime, per_hour: int, per_day: int) -> datetime:
    """`now` if one more SMS may go to a number that was sent SMS at `sent_times`, else the earliest moment one may.

    `sent_times` are when earlier SMS went out (or were handed to the provider), so none is after `now`.
    `per_hour` counts a sliding hour (a send stops counting one hour later); `per_day` counts the
    Shanghai calendar day, so a full day frees up at the next 00:00 Shanghai. 0 means unlimited.
    """
    _require_aware(now)
    # With no send after `now`, whichever limit frees up later no longer binds the other then.
    return max(_hour_frees_up(sent_times, now, per_hour), _day_frees_up(sent_times, now, per_day))


def _hour_frees_up(sent_times: list[datetime], now: datetime, per_hour: int) -> datetime:
    recent = sorted(sent for sent in sent_times if sent > now - HOUR)
    if not per_hour or len(recent) < per_hour:
        return now
    return recent[len(recent) - per_hour] + HOUR


def _day_frees_up(sent_times: list[datetime], now: datetime, per_day: int) -> datetime:
    today = now.astimezone(SHANGHAI).date()
    sent_today = sum(1 for sent in sent_times if _require_aware(sent).astimezone(SHANGHAI).date() == today)
    if not per_day or sent_today < per_day:
        return now
    return datetime.combine(today + timedelta(days=1), datetime.min.time(), SHANGHAI)


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment
