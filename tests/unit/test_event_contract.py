"""The events' contract: every event published has a schema, every handler reads one that exists, events
survive the wire, broken ones are refused, and the list is CONTRACT.md's."""

import ast
import dataclasses
import importlib
import re
from pathlib import Path

import orjson
import pytest
from nameko.events import EventHandler

from services.aid.domain.statuses import EVENT_OF_STATUS
from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.notify.service import NotifyService
from services.registry.service import RegistryService
from shared import event_types, request_ids
from shared.event_schemas import EVENT_SCHEMAS
from shared.event_types import InvalidEvent, build, read
from shared.retry import ReliableEventHandler
from tests.conftest import SHARED_DATA
from tests.fakes import recorder
from tests.fakes.events import FIELDS, sample

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [AidService, GatewayService, NotifyService, RegistryService, recorder.Recorder, recorder.AlwaysFails]
EVENT_TYPES = sorted(event_type for _, event_type in EVENT_SCHEMAS)
# Files that build the events a functional core decided (model.Event.type): the types that core may decide.
DECIDED_BY_A_CORE = {"services/aid/events.py": set(EVENT_OF_STATUS.values())}
# Events on the bus that CONTRACT.md does not list: the union tree's (issue 19), which the registry announces so that
# other services keep the units' paths without reading its database (DESIGN.md, "Scope: the aid-centre network").
BEYOND_THE_CONTRACT = {"registry.org_unit_created", "registry.org_unit_updated"}


def published_types() -> dict[str, set[str]]:
    """Event types passed to shared.event_types' build or new_event anywhere in services/ and shared/, by the
    file that builds them: a literal, an item of a module-level dict, or the types a service's core decides."""
    builders = {event_types.build, event_types.new_event}
    found: dict[str, set[str]] = {}
    for path in sorted([*ROOT.joinpath("services").rglob("*.py"), *ROOT.joinpath("shared").rglob("*.py")]):
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        source = path.read_text()
        if module_name == "shared.event_types" or "shared.event_types import" not in source:
            continue
        module = vars(importlib.import_module(module_name))
        for call in ast.walk(ast.parse(source)):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.args):
                continue
            if module.get(call.func.id) not in builders:
                continue
            first = call.args[0]
            if isinstance(first, ast.Constant):
                types = {first.value}
            elif isinstance(first, ast.Subscript) and isinstance(first.value, ast.Name):
                types = set(module[first.value.id].values())
            elif str(path.relative_to(ROOT)) in DECIDED_BY_A_CORE:
                types = DECIDED_BY_A_CORE[str(path.relative_to(ROOT))]
            else:
                raise AssertionError(f"{path}:{call.lineno}: an event type this test cannot read")
            found.setdefault(str(path.relative_to(ROOT)), set()).update(types)
    return found


def event_handlers() -> list[tuple[str, EventHandler]]:
    return [
        (f"{service.__name__}.{name}", entrypoint)
        for service in SERVICES
        for name, method in vars(service).items()
        for entrypoint in getattr(method, "nameko_entrypoints", ())
        if isinstance(entrypoint, EventHandler)
    ]


def schema_of(event_type: str):
    return next(schema for (_, known), schema in EVENT_SCHEMAS.items() if known == event_type)()


def contract_events() -> set[str]:
    """The `source.type` names of CONTRACT.md's "Events on the bus"."""
    text = (SHARED_DATA.parent / "CONTRACT.md").read_text()
    section = text.split("## Events on the bus", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z]+\.[a-z_]+)`", section))


def test_every_event_published_has_a_schema_and_every_schema_is_published():
    published = published_types()

    assert set().union(*published.values()) == set(EVENT_TYPES)
    assert published["services/registry/store.py"] == {"worker_registered", "worker_updated", "worker_status_changed"}
    assert published["services/registry/units.py"] == {"org_unit_created", "org_unit_updated"}
    assert "application_withdrawn" in published["services/aid/events.py"]


def test_every_event_type_names_one_source():
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES)) == len(EVENT_SCHEMAS)


def test_every_event_handler_reads_its_events_through_a_schema_that_exists():
    handlers = event_handlers()

    assert len(handlers) >= 8  # aid's one, notify's six, the recorder's
    for name, handler in handlers:
        assert isinstance(handler, ReliableEventHandler), f"{name} would get raw payloads"
        assert (handler.source_service, handler.event_type) in EVENT_SCHEMAS, name


def test_a_handler_for_an_event_without_a_schema_is_refused_when_declared():
    with pytest.raises(LookupError, match="registry.worker_moved"):
        ReliableEventHandler.decorator("registry", "worker_moved")
    with pytest.raises(LookupError, match="aid.worker_registered"):  # a known type, from another service
        ReliableEventHandler.decorator("aid", "worker_registered")


def test_the_events_are_those_contract_md_lists():
    assert contract_events() | BEYOND_THE_CONTRACT == {f"{source}.{event_type}" for source, event_type in EVENT_SCHEMAS}
    assert not contract_events() & BEYOND_THE_CONTRACT  # once CONTRACT.md lists one, it leaves the list above


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_a_built_event_survives_the_wire_and_reads_back_as_built(event_type):
    with request_ids.bound("req-7"):
        payload = build(event_type, **FIELDS[event_type])

    event = read(event_type, orjson.loads(orjson.dumps(payload)))

    assert payload == {
        "event_id": event.event_id,
        "occurred_at": event.occurred_at.isoformat(),
        "schema_version": 1,
        **FIELDS[event_type],
        "request_id": "req-7",
    }
    assert schema_of(event_type).dump(dataclasses.asdict(event)) == payload
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.event_id = "changed"


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_a_payload_missing_a_required_field_is_refused(event_type):
    payload = sample(event_type)
    required = [name for name, field in schema_of(event_type).fields.items() if field.required]

    assert {"event_id", "occurred_at", "schema_version"} <= set(required)
    for name in required:
        broken = {key: value for key, value in payload.items() if key != name}
        with pytest.raises(InvalidEvent, match=name):
            read(event_type, broken)
        if name in FIELDS[event_type]:  # the envelope's are build's own
            with pytest.raises(InvalidEvent, match=name):
                build(event_type, **{key: value for key, value in FIELDS[event_type].items() if key != name})


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_a_newer_producers_extra_field_is_left_out_by_readers_and_refused_by_builders(event_type):
    event = read(event_type, {**sample(event_type), "added_later": 1})

    assert not hasattr(event, "added_later")
    with pytest.raises(InvalidEvent, match="added_later"):
        build(event_type, **FIELDS[event_type], added_later=1)


@pytest.mark.parametrize("payload", [None, [], "worker_registered", {"event_id": 7}])
def test_something_that_is_not_an_event_is_refused(payload):
    with pytest.raises(InvalidEvent):
        read("worker_registered", payload)


def test_an_old_message_reads_as_one_built_today():
    """A worker_registered event as the registry wrote it before the schemas (the DLQ may hold some)."""
    old = {
        "event_id": "0190f0c2a1b2c3d4e5f60718293a4b5c",
        "occurred_at": "2026-11-25T08:30:00.123456+00:00",
        "schema_version": 1,
        "worker_id": "f" * 32,
        "category": "deep",
        "union": "市总工会",
        "status": "active",
        "household_size": 4,
        "filed_on": "2026-11-25",
        "review_due_on": "2027-11-25",
        "request_id": "c0ffee",
    }

    event = read("worker_registered", old)

    assert (event.worker_id, event.household_size, event.filed_on.isoformat()) == ("f" * 32, 4, "2026-11-25")
    assert event.request_id == "c0ffee"


def test_a_worker_updated_says_which_version_of_the_file_it_tells():
    """Consumers move a worker's records only to the unit of a newer version than they keep (shared/worker_unit_copy.py):
    every worker_updated carries the file's version, those the registry wrote before files had a unit (the queues and
    the DLQ may hold some, read without a unit, so moving nothing) and 0007's announcements included."""
    before_units = {key: value for key, value in sample("worker_updated", version=4).items() if key != "org_unit_id"}
    announced = {**sample("worker_updated", version=1), "changed": ["union"]}

    assert (read("worker_updated", before_units).version, read("worker_updated", before_units).org_unit_id) == (4, None)
    assert read("worker_updated", announced).version == 1
    for wrong in (0, -1, "2", None, 2.5):
        with pytest.raises(InvalidEvent, match="version"):
            read("worker_updated", {**announced, "version": wrong})
