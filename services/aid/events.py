"""The one place aid's events become outbox rows: the core says which events and their facts, this adds the
envelope (event id, time, schema version, the id of the request that caused it)."""

from collections.abc import Iterable

from services.aid.domain.model import Event
from shared.events import envelope


def outbox_rows(events: Iterable[Event]) -> list[tuple[str, dict]]:
    """(event_type, payload) pairs, as shared.outbox.add_events takes them."""
    return [(event.type, envelope(**event.fields)) for event in events]
