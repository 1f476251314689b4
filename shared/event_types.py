"""Events built and read through their schemas (shared.event_schemas): the one way onto the bus and off it.

`build` gives a producer the JSON-ready payload it puts in its outbox, checked against its schema;
`read` gives a consumer a frozen object with one attribute per field of the schema, parsed (dates as
dates). Each side goes through its schema compiled into a plan (shared.event_plans), which leaves anything out of the
common case to the schema itself.
"""

from collections.abc import Callable
from dataclasses import field, make_dataclass
from functools import partial
from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from shared import request_ids
from shared.event_plans import Unfit, compile_plan
from shared.event_schemas import EVENT_SCHEMAS
from shared.events import new_id, now_utc

SCHEMA_VERSION = 1


class InvalidEvent(ValueError):
    """A payload that does not fit its event's schema: a producer's bug, or a poison message."""


def _typed_class(event_type: str, schema: Schema) -> type:
    """A frozen dataclass with the schema's fields, named after the event type (WorkerRegistered)."""
    return make_dataclass(
        "".join(word.capitalize() for word in event_type.split("_")),
        [
            (name, Any) if schema_field.required else (name, Any, field(default=None))
            for name, schema_field in schema.fields.items()
        ],
        frozen=True,
        slots=True,
        kw_only=True,
    )


_SOURCE_OF = {event_type: source for source, event_type in EVENT_SCHEMAS}
_CHECKERS = {event_type: schema(unknown=RAISE) for (_, event_type), schema in EVENT_SCHEMAS.items()}
_READERS = {event_type: schema() for (_, event_type), schema in EVENT_SCHEMAS.items()}
_TYPED = {event_type: _typed_class(event_type, reader) for event_type, reader in _READERS.items()}
_CHECK_PLANS = {event_type: compile_plan(schema) for event_type, schema in _CHECKERS.items()}
_READ_PLANS = {event_type: compile_plan(schema) for event_type, schema in _READERS.items()}


def _load(
    schema: Schema, plan: Callable[[Any], dict[str, Any]] | None, event_type: str, payload: Any
) -> dict[str, Any]:
    if plan is not None:
        try:
            return plan(payload)
        except Unfit:
            pass
    try:
        return schema.load(payload)
    except ValidationError as error:
        raise InvalidEvent(f"{event_type} does not fit its schema: {error.messages}") from None


def build(event_type: str, occurred_at: str | None = None, **fields: Any) -> dict[str, Any]:
    """A new event's payload as it goes on the wire: a unique id, when it happened (now unless given), the
    schema version, `fields` and the id of the request that caused it, when there is one. InvalidEvent when
    the fields do not fit the event's schema, a field it does not know included."""
    payload = {
        "event_id": new_id(),
        "occurred_at": occurred_at or now_utc().isoformat(),
        "schema_version": SCHEMA_VERSION,
        **fields,
    }
    request_id = request_ids.current()
    if request_id:
        payload[request_ids.CONTEXT_KEY] = request_id
    _load(_CHECKERS[event_type], _CHECK_PLANS[event_type], event_type, payload)
    return payload


def new_event(event_type: str, occurred_at: str | None = None, **fields: Any) -> tuple[str, dict[str, Any]]:
    """The (event type, payload) pair shared.outbox.add_events takes, the payload made by `build`."""
    return event_type, build(event_type, occurred_at, **fields)


def read(event_type: str, payload: Any) -> Any:
    """The event as a frozen object (attribute access). Keys its schema does not know (a newer producer's)
    are left out; InvalidEvent when the payload is not an object or a field is missing or malformed."""
    return _TYPED[event_type](**_load(_READERS[event_type], _READ_PLANS[event_type], event_type, payload))


def reader(source: str, event_type: str) -> Callable[[Any], Any]:
    """`read` for this service's events of this type; LookupError when the catalogue has no such event."""
    if _SOURCE_OF.get(event_type) != source:
        raise LookupError(f"no schema for the event {source}.{event_type} (see shared/event_schemas.py)")
    return partial(read, event_type)
