"""A compiled event plan (shared.event_plans) never accepts what its schema refuses, and gives what the schema gives.

Every event type, read (EXCLUDE) and built (RAISE), against every field missing, null, or of another kind."""

import pytest
from marshmallow import RAISE, Schema, ValidationError, fields

from shared.event_plans import Unfit, compile_plan
from shared.event_schemas import EVENT_SCHEMAS
from tests.fakes.events import FIELDS, sample

ODD_VALUES = (
    "",
    "x",
    " ",
    0,
    7,
    -1,
    True,
    False,
    1.5,
    [],
    ["a", "b"],
    [1],
    {},
    {"a": 1},
    "2026-13-01",
    "2026-01-05",
    "20260105",
    "2026-01-05T10:00:00",
    "2026-01-05T10:00:00+08:00",
    "2026-01-05T10:00:00.123456+08:00",
    "2026-01-05T10:00:00.123456-03:30",
    "2026-01-05T10:00:00+00:00",
    "2026-01-05T10:00:00+23:59",
    "2026-01-05T10:00:00+24:00",
    "2026-01-05T24:00:00+00:00",
    "2026-01-05T10:61:00+00:00",
    "2026-02-30T10:00:00+00:00",
    "2026-01-05T10:00:00.12345a+00:00",
    "2026-01-05 10:00:00+08:00",
    "2026-01-05T10:00:00Z",
    "2026-1-5",
    "2026-02-30",
    "2026-0a-05",
    "２０２６-01-05",
    "active",
    "publicizing",
    b"bytes",
)
SCHEMAS = [
    pytest.param(schema_class, unknown, id=f"{event_type}-{unknown or 'exclude'}")
    for (_, event_type), schema_class in EVENT_SCHEMAS.items()
    for unknown in (None, RAISE)
]


def payloads(event_type: str):
    valid = sample(event_type)
    yield valid
    yield {**valid, "added_by_a_newer_producer": 1}
    for name in list(valid) + ["request_id", "publicity_ends_on", "reason"]:
        yield {key: value for key, value in valid.items() if key != name}
        yield {**valid, name: None}
        for odd in ODD_VALUES:
            yield {**valid, name: odd}


def outcome(load, payload):
    try:
        return "accepted", load(payload)
    except (Unfit, ValidationError):
        return "refused", None


@pytest.mark.parametrize(("schema_class", "unknown"), SCHEMAS)
def test_the_plan_accepts_only_what_the_schema_accepts_and_loads_the_same(schema_class, unknown):
    schema = schema_class(**({"unknown": unknown} if unknown else {}))
    plan = compile_plan(schema)
    assert plan is not None, "every event schema is planned: otherwise each event costs a marshmallow load"
    event_type = next(event_type for (_, event_type), known in EVENT_SCHEMAS.items() if known is schema_class)
    accepted = 0
    for payload in payloads(event_type):
        planned, by_plan = outcome(plan, payload)
        if planned == "accepted":
            accepted += 1
            assert outcome(schema.load, payload) == ("accepted", by_plan), payload
    assert accepted > len(FIELDS[event_type])  # the common cases go the fast way


def test_the_plan_takes_a_valid_event_without_marshmallow():
    schema = EVENT_SCHEMAS[("aid", "application_approved")]()
    loaded = compile_plan(schema)(sample("application_approved"))
    assert str(loaded["publicity_ends_on"]) == "2026-12-10" and loaded["occurred_at"].tzinfo is not None


@pytest.mark.parametrize(
    "payload",
    [None, [], "text", 1],
)
def test_what_is_not_an_object_is_left_to_the_schema(payload):
    plan = compile_plan(EVENT_SCHEMAS[("registry", "worker_registered")]())
    with pytest.raises(Unfit):
        plan(payload)


def test_a_field_the_plan_does_not_know_leaves_the_whole_schema_to_marshmallow():
    class WithAFloat(Schema):
        share = fields.Float(required=True)

    class WithAKey(Schema):
        worker = fields.String(required=True, data_key="workerId")

    assert compile_plan(WithAFloat()) is None
    assert compile_plan(WithAKey()) is None
