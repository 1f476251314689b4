"""The one place aid's events become outbox rows: the core says which events and their facts, shared.event_types
builds each through its schema (adding the event id, time, schema version and the id of the request that caused
it)."""

from collections.abc import Iterable

from services.aid.domain.model import Event
from shared.event_types import new_event


def outbox_rows(events: Iterable[Event]) -> list[tuple[str, dict]]:
    """(event_type, payload) pairs, as shared.outbox.add_events takes them."""
    return [new_event(event.type, **event.fields) for event in events]
