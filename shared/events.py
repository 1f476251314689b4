"""The event envelope every payload on the bus carries."""
import uuid
from datetime import datetime, timezone

SCHEMA_VERSION = 1


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def envelope(**about) -> dict:
    """A new event payload: a unique id, when it happened, the schema version, and the ids it is about."""
    return {
        "event_id": uuid.uuid4().hex,
        "occurred_at": now_utc().isoformat(),
        "schema_version": SCHEMA_VERSION,
        **about,
    }


def exchange_name(source_service: str) -> str:
    """The topic exchange nameko's event_handler binds to for events from this service."""
    return f"{source_service}.events"
