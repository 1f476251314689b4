"""Exactly one SMS per (application, status) over the real broker: redelivery, two instances, a crash mid-send.

On SQLite and PostgreSQL where the database keeps the promise (a message's key drops a redelivered event, claims and
leases keep two dispatchers apart); on one where what is tested is which SMS an event means."""

import time
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from hardship_cli.dlq import list_parked
from services.notify.models import attempts, messages
from services.notify.service import NotifyService
from services.registry.service import RegistryService
from shared import clock
from shared.bus import ConfirmingPublisher
from shared.clock import SHANGHAI
from shared.db import make_engine
from shared.events import exchange_name, new_id
from tests.e2e.builders import valid_worker
from tests.e2e.notify_builders import MovableClock
from tests.fakes.events import sample
from tests.fakes.unions import ROOT_SCOPE
from tests.integration.conftest import wait_until

ONE_DATABASE = pytest.mark.parametrize("db_backend", ["sqlite"])  # which SMS an event means, not how it is kept once

DAYTIME = datetime(2026, 8, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def moving_clock(monkeypatch):
    moving = MovableClock(DAYTIME)
    monkeypatch.setattr(clock, "now", moving)
    return moving


@pytest.fixture
def notify_config(config):
    return {**config, "SMS_DISPATCH_SECONDS": "0.05"}


@pytest.fixture
def notify_db(notify_config):
    engine = make_engine(notify_config["NOTIFY_DB_URL"])
    yield engine
    engine.dispose()


def start(runner_factory, config, *services):
    runner = runner_factory(config, *services)
    runner.start()
    return runner


def status_event(
    worker_id: str, event_type: str = "application_submitted", application_id: str | None = None, **fields
) -> dict:
    about = {"application_id": application_id or new_id(), "campaign_id": new_id(), "worker_id": worker_id}
    return sample(event_type, **{**about, **fields}) | {"_type": event_type}


def publish(config, events: list[dict]) -> None:
    publisher = ConfirmingPublisher(config["AMQP_URI"])
    try:
        publisher.publish(
            exchange_name("aid"),
            [
                (event["_type"], orjson.dumps({k: v for k, v in event.items() if k != "_type"}), event["event_id"])
                for event in events
            ],
        )
    finally:
        publisher.close()


def rows(engine, table=messages):
    with engine.connect() as connection:
        return connection.execute(select(table)).all()


def console_lines(config) -> list[str]:
    path = Path(config["HARDSHIP_VAR_DIR"]) / "sms.log"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def registered_workers(config, count: int) -> list[str]:
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("registry", config) as registry:
        return [registry.register_worker(valid_worker(), "test", ROOT_SCOPE)["worker_id"] for _ in range(count)]


def test_redelivered_and_replayed_events_send_one_sms(
    notify_config, runner_factory, notify_db, moving_clock, notify_handled
):
    start(runner_factory, notify_config, RegistryService, NotifyService)
    [worker_id] = registered_workers(notify_config, 1)
    first = status_event(worker_id)
    replay_with_new_id = {**first, "event_id": new_id()}
    approved = status_event(worker_id, "application_approved", first["application_id"], publicity_ends_on="2026-08-17")

    publish(notify_config, [first, first, replay_with_new_id, approved, approved])

    wait_until(
        lambda: notify_handled["events"] == 5 and sorted(row.status for row in rows(notify_db)) == ["sent", "sent"]
    )
    assert sorted(row.template for row in rows(notify_db)) == ["publicizing", "submitted"]
    assert len(rows(notify_db, attempts)) == 2
    assert len(console_lines(notify_config)) == 2


@ONE_DATABASE
def test_an_approval_straight_to_ready_sends_one_sms_and_the_end_of_a_notice_none(
    notify_config, runner_factory, notify_db, moving_clock
):
    start(runner_factory, notify_config, RegistryService, NotifyService)
    [worker_id] = registered_workers(notify_config, 1)
    ready = status_event(worker_id, "application_ready", status="ready", from_status="submitted")
    notice_ended = status_event(worker_id, "application_ready", status="ready", from_status="publicizing")
    witness = status_event(worker_id, "application_ready", status="ready", from_status="submitted")

    # one queue, consumed in order: once the witness's SMS is recorded, every event before it has been handled
    publish(notify_config, [ready, ready, {**ready, "event_id": new_id()}, notice_ended, witness])

    wait_until(lambda: sorted(row.status for row in rows(notify_db)) == ["sent", "sent"])
    assert {(row.application_id, row.template) for row in rows(notify_db)} == {
        (ready["application_id"], "ready"),
        (witness["application_id"], "ready"),
    }
    assert "已通过审核，补助3000元将发放到您登记的银行卡" in rows(notify_db)[0].text
    assert len(rows(notify_db, attempts)) == 2


def test_two_notify_instances_send_each_sms_once(
    notify_config, runner_factory, notify_db, moving_clock, notify_handled
):
    start(runner_factory, notify_config, RegistryService)
    worker_ids = registered_workers(notify_config, 30)
    start(runner_factory, notify_config, NotifyService)
    start(runner_factory, notify_config, NotifyService)
    events = [status_event(worker_id) for worker_id in worker_ids]

    publish(notify_config, events + events)

    wait_until(
        lambda: notify_handled["events"] == 60 and [row.status for row in rows(notify_db)] == ["sent"] * 30, timeout=30
    )
    assert sorted(row.attempts for row in rows(notify_db)) == [1] * 30
    assert len(rows(notify_db, attempts)) == 30
    lines = console_lines(notify_config)
    assert len(lines) == 30 and len({line.split("\t")[1] for line in lines}) == 30


def test_an_sms_whose_sender_died_mid_send_is_not_sent_again(
    notify_config, runner_factory, notify_db, moving_clock, monkeypatch
):
    """notify dies after handing the SMS to the provider and before recording the answer: the next
    instance cannot know whether it went, so it waits for a receipt and then asks staff, never resends."""
    from services.notify.providers.console import ConsoleProvider

    start(runner_factory, notify_config, RegistryService)
    [worker_id] = registered_workers(notify_config, 1)
    handed_over = []
    real_send = ConsoleProvider.send

    def send_then_hang(self, request):
        handed_over.append(real_send(self, request))
        time.sleep(3600)

    monkeypatch.setattr(ConsoleProvider, "send", send_then_hang)
    dying = start(runner_factory, notify_config, NotifyService)
    publish(notify_config, [status_event(worker_id)])
    wait_until(lambda: handed_over)
    dying.kill()
    monkeypatch.setattr(ConsoleProvider, "send", real_send)
    [row] = rows(notify_db)
    assert row.status == "sending"

    start(runner_factory, notify_config, NotifyService)
    moving_clock.advance(minutes=5)  # past the send's lease
    wait_until(lambda: rows(notify_db)[0].status == "sent")
    [row] = rows(notify_db)
    assert row.provider_message_id is None and "结果未知" in row.last_error
    moving_clock.advance(hours=1)  # past the receipt wait, and no receipt came
    wait_until(lambda: rows(notify_db)[0].status == "failed")
    assert "请核实后手动重发" in rows(notify_db)[0].last_error
    assert len(console_lines(notify_config)) == 1


@ONE_DATABASE
def test_payment_outcomes_each_send_their_own_sms_once(notify_config, runner_factory, notify_db, moving_clock):
    start(runner_factory, notify_config, RegistryService, NotifyService)
    [worker_id] = registered_workers(notify_config, 1)
    paid = status_event(worker_id, "application_payment_failed", status="payment_failed", from_status="paying")
    disbursed = status_event(
        worker_id, "application_disbursed", paid["application_id"], status="disbursed", from_status="paying"
    )

    publish(notify_config, [paid, disbursed, paid, disbursed])

    wait_until(
        lambda: (
            sorted((row.template, row.status) for row in rows(notify_db))
            == [("disbursed", "sent"), ("payment_failed", "sent")]
        )
    )
    texts = {row.template: row.text for row in rows(notify_db)}
    assert "3000元已转入" in texts["disbursed"] and "转账未成功" in texts["payment_failed"]
    assert len(console_lines(notify_config)) == 2


@ONE_DATABASE
def test_a_poison_event_in_a_burst_is_parked_alone_and_the_events_beside_it_send_their_sms(
    notify_config, runner_factory, notify_db, moving_clock
):
    start(runner_factory, notify_config, RegistryService, NotifyService)
    worker_ids = registered_workers(notify_config, 20)
    good = [status_event(worker_id) for worker_id in worker_ids]
    poison = {**status_event(worker_ids[0], application_id=new_id()), "campaign_name": None}  # the SMS needs it

    publish(notify_config, good[:10] + [poison] + good[10:])  # one write: the consumer reads them as one burst

    wait_until(lambda: len([row for row in rows(notify_db) if row.status == "sent"]) == 20, timeout=30)
    [parked] = wait_until(lambda: list_parked(notify_config["AMQP_URI"]), timeout=30)
    assert (parked.event_id, parked.attempts) == (poison["event_id"], 3)
    assert "campaign_name" in parked.reason
    assert {row.application_id for row in rows(notify_db)} == {event["application_id"] for event in good}
