"""The registry's entrypoints are its edge: what its rules refuse reaches the caller as the HTTP contract has it."""

from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory

from services.registry import payee_decisions
from services.registry.service import RegistryService
from shared.errors import ServiceError


def test_a_decided_change_request_is_refused_with_409_and_its_status(monkeypatch):
    decided = SimpleNamespace(status="approved", requested_by="caseworker:u1")
    monkeypatch.setattr(payee_decisions, "row_by_id", lambda *_args: decided)
    registry = worker_factory(RegistryService)

    with pytest.raises(ServiceError) as refused:
        registry.decide_change_request("a" * 32, True, {}, "admin:u2", None)

    assert refused.value.status == 409
    assert refused.value.body() == {
        "error": {
            "code": "invalid_transition",
            "message": "该收款账户变更申请已批准，不能再审批",
            "status": "approved",
        }
    }
