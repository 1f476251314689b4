"""What every event needs besides its schema (shared.event_schemas): ids, the clock and the exchange."""

import os
import time
from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A unique id as 32 hex characters: milliseconds since the epoch, then 80 random bits.

    Ids made later sort later, so rows keyed by them are appended to their indexes rather than
    scattered through them.
    """
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


def exchange_name(source_service: str) -> str:
    """The topic exchange nameko's event_handler binds to for events from this service."""
    return f"{source_service}.events"
