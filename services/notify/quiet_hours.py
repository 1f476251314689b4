"""The nightly window in which no non-urgent SMS may go out (Beijing time)."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from shared.clock import SHANGHAI
from shared.config import setting

_WINDOW = re.compile(r"\s*([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*")
_DISABLED = ("", "off")


@dataclass(frozen=True)
class QuietHours:
    """Quiet from `start` (inclusive) to `end` (exclusive), Shanghai time; wraps midnight when start > end.

    Equal start and end make an empty window: sending is always allowed.
    """

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "QuietHours":
        """'22:00-08:00' or '12:00-13:00'; '' or 'off' disables quiet hours."""
        if text.strip().lower() in _DISABLED:
            return NO_QUIET_HOURS
        match = _WINDOW.fullmatch(text)
        if not match:
            raise ValueError(f"quiet hours must look like 22:00-08:00, got {text!r}")
        start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
        return cls(time(start_hour, start_minute), time(end_hour, end_minute))

    @classmethod
    def from_config(cls, config=None) -> "QuietHours":
        return cls.parse(setting("SMS_QUIET_HOURS", config))

    def is_quiet(self, now: datetime) -> bool:
        local = _shanghai_time(now).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, now: datetime) -> datetime:
        """`now` if an SMS may go now, else the Shanghai-time moment the quiet hours end."""
        if not self.is_quiet(now):
            return now
        local = _shanghai_time(now)
        end = datetime.combine(local.date(), self.end, SHANGHAI)
        return end if end > local else end + timedelta(days=1)


NO_QUIET_HOURS = QuietHours(time(0), time(0))


def _shanghai_time(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(SHANGHAI)
