"""An import publishes an event for each file it creates or changes, and none for what it leaves alone."""

import time

from services.registry.service import RegistryService
from shared.upload_parts import import_content
from tests.conftest import SHARED_DATA
from tests.fakes import recorder
from tests.integration.conftest import wait_until

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

    first = import_sheet(registry_rpc, content)
    wait_until(lambda: len(recorder.deliveries) >= first["created"])
    time.sleep(0.5)
    registered = recorder.deliveries
    assert len(registered) == first["created"] == 193
    assert len({event.worker_id for event in registered}) == 193
    assert len({event.event_id for event in registered}) == 193

    second = import_sheet(registry_rpc, content)
    time.sleep(1)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 193)
    assert len(recorder.deliveries) == 193

    changed = content.replace(b"13392655486", b"13392655487", 1)
    third = import_sheet(registry_rpc, changed)
    wait_until(lambda: len(recorder.deliveries) == 194)
    [update] = updates()
    assert third["updated"] == 1
    assert update.changed == ["phone"] and update.version == 2
    assert "13392655487" not in str(update)
