"""Business dates are Asia/Shanghai dates. HARDSHIP_TODAY pins "today" for demos and tests."""

from datetime import UTC, date, datetime, timedelta, timezone

from shared.config import setting

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    """The current instant; tests replace this to move time (quiet hours, receipt deadlines)."""
    return datetime.now(UTC)


def today(config=None) -> date:
    pinned = setting("HARDSHIP_TODAY", config)
    return date.fromisoformat(pinned) if pinned else datetime.now(SHANGHAI).date()
