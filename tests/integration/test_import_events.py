"""An import publishes an event for each file it creates or changes, and none for what it leaves alone."""

import pytest

from services.registry.service import RegistryService
from shared.upload_parts import import_content
from tests.conftest import SHARED_DATA
from tests.e2e.builders import valid_worker
from tests.fakes import recorder
from tests.fakes.unions import ROOT_SCOPE
from tests.integration.conftest import handled_count, idle, wait_until


@pytest.fixture
def db_backend():
    """Which events an import publishes; the outbox on each database is test_outbox_relay's and test_event_delivery's."""
    return "sqlite"


SAMPLE = SHARED_DATA / "workers_sample.csv"


def import_sheet(registry_rpc, content: bytes) -> dict:
    return import_content(registry_rpc, content, "sample.csv", "test")


def updates() -> list:
    """worker_updated events (they alone say which fields changed)."""
    return [event for event in recorder.deliveries if hasattr(event, "changed")]


def test_import_events_follow_what_changed(config, runner_factory, recorder_db, registry_rpc):
    runner = runner_factory(config, RegistryService, recorder.Recorder)
    runner.start()
    content = SAMPLE.read_bytes()

    def registered_after(witnesses: list) -> None:
        """A witness registered now, handled: every worker_registered the relay sent before it has been handled too
        (the relay publishes in outbox order, one queue delivers in order)."""
        witness = registry_rpc.register_worker(valid_worker(), "test", ROOT_SCOPE)["worker_id"]
        wait_until(lambda: handled_count(recorder_db, witness) == 1 and idle(runner))
        witnesses.append(witness)

    witnesses = []
    first = import_sheet(registry_rpc, content)
    registered_after(witnesses)
    registered = [event for event in recorder.deliveries if event.worker_id not in witnesses]
    assert len(registered) == first["created"] == 193
    assert len({event.worker_id for event in registered}) == 193
    assert len({event.event_id for event in registered}) == 193

    second = import_sheet(registry_rpc, content)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 193)

    changed = content.replace(b"13392655486", b"13392655487", 1)
    third = import_sheet(registry_rpc, changed)  # its worker_updated: the witness on that queue
    wait_until(lambda: updates() and idle(runner))
    registered_after(witnesses)
    assert len(recorder.deliveries) == 193 + 1 + len(witnesses)  # nothing from the second import
    [update] = updates()
    assert third["updated"] == 1
    assert update.changed == ["phone"] and update.version == 2
    assert "13392655487" not in str(update)
