"""/metrics by the reader's unit: the root's users (and METRICS_TOKEN) read the whole system; a unit's admins and
auditors only the figures of their subtree's records, which each service counts in its query (aid's applications:
tests/unit/aid/test_scope.py), and nothing of the gateway's own or of the bus."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from services.gateway import metrics
from services.gateway import models as gateway_models
from services.gateway.scope import sees_everything
from services.notify import models as notify_models
from services.notify.metrics import sms_figures
from services.notify.scope import messages_seen
from shared import org_paths, org_unit_copy

ROOT, DISTRICT, MILL, WORKS = ("0a" * 16, "0b" * 16, "0c" * 16, "0d" * 16)
PATHS = {ROOT: [], DISTRICT: [ROOT], MILL: [ROOT, DISTRICT], WORKS: [ROOT, DISTRICT]}
AT = datetime(2031, 8, 11, 9, 30, tzinfo=UTC)


def with_units(models):
    """An in-memory database of that service's tables, holding its copy of the tree: root → district → two base
    unions (the mill and the works)."""
    engine = create_engine("sqlite://")
    models.metadata.create_all(engine)
    session = Session(engine)
    for unit_id, ancestors in PATHS.items():
        parent = (ancestors or [None])[-1]
        unit = {"org_unit_id": unit_id, "name": unit_id, "parent_id": parent, "level": "base", "version": 1}
        org_unit_copy.learn(session, models.org_units, {**unit, "path": ancestors})
    return session


def message(number: int, unit: str | None, status: str) -> dict:
    return {
        "notification_id": f"n{number}",
        "application_id": f"a{number}",
        "worker_id": f"w{number}",
        "org_unit_id": unit,
        "template": "submitted",
        "params": {},
        "text": "【工会帮扶】",
        "segments": 1,
        "status": status,
        "due_at": AT,
        "attempts": 1,
        "failures": 0,
        "created_at": AT,
        "updated_at": AT,
    }


def sms_counted_by(unit: str | None) -> dict[str, float]:
    session = with_units(notify_models)
    placed = [(MILL, "sent"), (MILL, "delivered"), (WORKS, "sent"), (DISTRICT, "failed"), (None, "sent")]
    session.execute(insert(notify_models.messages), [message(n, at, status) for n, (at, status) in enumerate(placed)])
    path = org_paths.EVERYWHERE if unit is None else org_unit_copy.path_of(session, notify_models.org_units, unit)
    (family,) = sms_figures(session, messages_seen(path))
    return {sample.labels["status"]: sample.value for sample in family.samples}


def test_the_sms_on_metrics_are_counted_in_the_readers_subtree_only():
    assert sms_counted_by(MILL) == {"sent": 1, "delivered": 1}
    assert sms_counted_by(WORKS) == {"sent": 1}  # the mill's sibling sees none of the mill's
    assert sms_counted_by(DISTRICT) == {"sent": 2, "delivered": 1, "failed": 1}
    assert sms_counted_by(None) == {"sent": 3, "delivered": 1, "failed": 1}  # the root's messages from before units


@pytest.mark.parametrize(
    "unit, everything",
    [(None, True), (ROOT, True), (DISTRICT, False), (MILL, False), ("0e" * 16, False), ("not an id", False)],
)
def test_only_the_roots_users_read_the_whole_systems_metrics(unit, everything):
    """None: the bootstrap admin and METRICS_TOKEN (no unit); a unit the gateway has not learnt is not the root."""
    assert sees_everything(with_units(gateway_models), unit) is everything


class Reply:
    def __init__(self, text: str):
        self.text = text

    def result(self) -> str:
        return self.text


class FakeMetricsProxy:
    """A service's `metrics` RPC that answers with an applications gauge and records the scope it was asked for."""

    def __init__(self):
        self.asked: list = []
        self.metrics = self

    def call_async(self, scope):
        self.asked.append(scope)
        return Reply('# TYPE hardship_applications gauge\nhardship_applications{status="submitted"} 1.0\n')


def test_a_units_reader_gets_the_services_figures_of_its_unit_and_none_of_the_gateways_own():
    metrics.observe_request("/api/v1/workers", "GET", 200, 0.01)
    aid = FakeMetricsProxy()

    scoped = metrics.scrape({"aid": aid}, DISTRICT)
    whole = metrics.scrape({"aid": aid}, None)

    assert aid.asked == [DISTRICT, None]
    for text in (scoped, whole):
        assert 'hardship_applications{service="aid",status="submitted"} 1.0' in text
        assert 'hardship_service_metrics_up{service="aid"} 1.0' in text
    assert "hardship_http_requests_total" in whole and "hardship_http_requests" not in scoped
    assert "hardship_rpc_call" not in scoped and "hardship_rate_limited" not in scoped
