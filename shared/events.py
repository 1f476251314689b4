"""The event envelope every payload on the bus carries."""

import os
import time
from datetime import UTC, datetime

from shared import request_ids

SCHEMA_VERSION = 1


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A unique id as 32 hex characters: milliseconds since the epoch, then 80 random bits.

    Ids made later sort later, so rows keyed by them are appended to their indexes rather than
    scattered through them.
    """
    return f"{time.time_ns() // 1_000_000:012x}{os.urandom(10).hex()}"


def envelope(occurred_at: str | None = None, **about) -> dict:
    """A new event payload: a unique id, when it happened, the schema version, the ids it is about, and
    the id of the request that caused it, when there is one."""
    payload = {
        "event_id": new_id(),
        "occurred_at": occurred_at or now_utc().isoformat(),
        "schema_version": SCHEMA_VERSION,
        **about,
    }
    request_id = request_ids.current()
    if request_id:
        payload[request_ids.CONTEXT_KEY] = request_id
    return payload


def exchange_name(source_service: str) -> str:
    """The topic exchange nameko's event_handler binds to for events from this service."""
    return f"{source_service}.events"
