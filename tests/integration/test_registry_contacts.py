"""The registry hands notify a worker's phone sealed under DATA_KEY: the bus only ever carries ciphertext."""

import pytest

from services.registry.service import RegistryService
from shared.crypto import Vault
from tests.e2e.builders import masked_phone, valid_worker
from tests.fakes.unions import ROOT_SCOPE


@pytest.fixture
def db_backend():
    """What the registry answers over RPC; the database plays no part."""
    return "sqlite"


def test_contacts_carry_the_phone_sealed_and_masked_only(config, runner_factory, registry_rpc):
    runner_factory(config, RegistryService).start()
    body = valid_worker()
    worker_id = registry_rpc.register_worker(body, "test", ROOT_SCOPE)["worker_id"]

    contacts = registry_rpc.contacts([worker_id, "0" * 32])

    assert list(contacts) == [worker_id]
    contact = contacts[worker_id]
    assert body["phone"] not in repr(contacts)
    assert contact["phone_masked"] == masked_phone(body["phone"])
    assert Vault(config["DATA_KEY"].encode()).decrypt(contact["phone_sealed"]) == body["phone"]
