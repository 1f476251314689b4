"""A bank change is announced as a worker update when it is approved, not when it is asked for."""

import pytest

from services.registry.service import RegistryService
from tests.e2e.builders import fresh_account, valid_worker
from tests.fakes import recorder
from tests.fakes.unions import ROOT_SCOPE
from tests.integration.conftest import wait_until


@pytest.fixture
def db_backend():
    """Which events a payee change publishes; the outbox on each database is test_outbox_relay's and test_event_delivery's."""
    return "sqlite"


def test_only_the_approval_of_a_bank_change_publishes_worker_updated(config, runner_factory, recorder_db, registry_rpc):
    runner = runner_factory(config, RegistryService, recorder.Recorder)
    runner.start()
    worker_id = registry_rpc.register_worker(valid_worker(), "caseworker:maker", ROOT_SCOPE)["worker_id"]
    new_account = fresh_account()

    asked = registry_rpc.update_worker(
        worker_id, {"bank": {"name": "中国银行", "account": new_account}}, "caseworker:maker", ROOT_SCOPE
    )
    registry_rpc.decide_change_request(asked["change_request_id"], True, {}, "caseworker:checker", ROOT_SCOPE)

    wait_until(lambda: any(hasattr(event, "changed") for event in recorder.deliveries))
    [update] = [event for event in recorder.deliveries if hasattr(event, "changed")]
    assert (update.worker_id, update.changed, update.version) == (worker_id, ["bank"], 2)
    assert new_account not in str(update) and new_account[-4:] not in str(update)
