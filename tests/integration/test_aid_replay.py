"""Replaying every event the registry and aid services published changes nothing — in aid or in notify's SMS.

A queue of our own, bound with "#" to both services' topic exchanges before anything starts, collects
what was published. Each message is then published again to its exchange with its routing key and body.
The aid container runs with one worker (prefetch 1), so a fresh event published after the replays is
handled after them: once its effect shows, the replays have all been handled. Notify's part is known to be over
when its handlers have finished with every event it was sent (notify_handled).
"""

import collections

import pytest
from kombu import Connection, Exchange, Producer, Queue, binding

from services.aid import applications as application_store
from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.notify.service import NotifyService
from services.registry.service import RegistryService
from shared.topology import consumer_queues
from tests.e2e.aid_builders import (
    TODAY,
    Staff,
    acted,
    application,
    campaign,
    create_campaign,
    money,
    student,
    submitted,
    worker,
)
from tests.e2e.conftest import Api
from tests.e2e.notify_builders import movable_clock, notifications  # noqa: F401
from tests.fakes.sheets import UNIONS
from tests.integration.conftest import wait_until


@pytest.fixture
def db_backend():
    """Replays are caught by the inbox, whose SQL on each database test_event_delivery covers; one is enough here."""
    return "sqlite"


EXCHANGES = ("registry.events", "aid.events")
EXPECTED = collections.Counter(
    {
        ("registry.events", "org_unit_created"): 1 + len(UNIONS),  # the root (the migration's), the data's unions
        ("registry.events", "worker_registered"): 4,
        ("registry.events", "worker_status_changed"): 2,
        ("aid.events", "application_submitted"): 8,
        ("aid.events", "application_approved"): 3,
        ("aid.events", "application_ready"): 1,
        ("aid.events", "application_rejected"): 1,
        ("aid.events", "application_withdrawn"): 1,
    }
)


def start(runner_factory, config, *services, **settings):
    runner = runner_factory({**config, "HARDSHIP_TODAY": TODAY, **settings}, *services)
    runner.start()
    return runner


def collector(connection) -> Queue:
    exchanges = [Exchange(name, type="topic", durable=True) for name in EXCHANGES]
    queue = Queue(
        "test-aid-replay-collector",
        bindings=[binding(exchange, routing_key="#") for exchange in exchanges],
        durable=False,
        auto_delete=False,
    )
    bound = queue(connection.default_channel)
    for exchange in exchanges:
        exchange(connection.default_channel).declare()
    bound.declare()
    return bound


def set_status(api, worker_id: str, status: str) -> None:
    response = api.post(f"/api/v1/workers/{worker_id}/status", json={"status": status, "reason": "年度复核"})
    assert response.status_code == 200, response.text


def for_notify(messages: list) -> int:
    """How many of the messages notify's SMS handlers consume (those about applications: notify_handled counts
    them; the registry's, about units and workers, it takes through its inbox)."""
    consumed = {
        (queue.exchange.name, queue.routing_key)
        for queue in consumer_queues(NotifyService)
        if queue.exchange.name == "aid.events"
    }
    return sum((m.delivery_info["exchange"], m.delivery_info["routing_key"]) in consumed for m in messages)


def sms_of(api, application_ids) -> list:
    return [notifications(api, application_id=application_id) for application_id in application_ids]


def snapshot(api, campaign_ids, application_ids, worker_ids) -> dict:
    def get(path):
        response = api.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return {
        "campaigns": [get(f"/api/v1/campaigns/{i}") for i in campaign_ids],
        "lists": [get(f"/api/v1/applications?campaign_id={i}") for i in campaign_ids],
        "notices": [api.get(f"/api/v1/public/campaigns/{i}/publicity", token=None).json() for i in campaign_ids],
        "applications": [get(f"/api/v1/applications/{i}") for i in application_ids],
        "workers": [get(f"/api/v1/workers/{i}") for i in worker_ids],
    }


def run_flow(api, staff) -> dict:
    """Register, submit, approve (with and without a notice), reject, withdraw, suspend and exit."""
    ids = {
        name: create_campaign(api, name=name, budget_fen=1_000_000, **extra)["campaign_id"]
        for name, extra in (("notice", {}), ("at_once", {"publicity_days": 0}), ("witness_campaign", {}))
    }
    ids["school"] = create_campaign(api, "education", budget_fen=1_000_000)["campaign_id"]
    bodies, filed = zip(*(worker(api, category=category) for category in ("deep", "relative", "deep", "deep")))
    ids.update(zip(("leaving", "rejected_worker", "other", "witness"), (w["worker_id"] for w in filed)))

    def file(campaign_key, worker_key, action, **body):
        by = staff.maker if action == "withdraw" else staff.checker
        application_id = submitted(
            api,
            staff.maker,
            ids[campaign_key],
            ids[worker_key],
            **({"student": student()} if campaign_key == "school" else {}),
        )["application_id"]
        return acted(api, by, application_id, action, **body)["application_id"]

    ids["P"] = file("notice", "leaving", "approve")
    ids["R"] = file("at_once", "leaving", "approve")
    ids["X"] = file("notice", "rejected_worker", "reject", reason="收入超标")
    ids["W"] = file("notice", "other", "withdraw", reason="职工放弃")
    ids["G"] = file("school", "other", "approve")
    ids["V"] = file("witness_campaign", "witness", "approve")
    set_status(api, ids["leaving"], "suspended")
    wait_until(lambda: application(api, ids["R"])["status"] == "submitted", timeout=60)
    set_status(api, ids["rejected_worker"], "exited")
    return {**ids, "bodies": bodies}


def collect(queue, expected: collections.Counter) -> list:
    messages = []

    def everything_arrived():
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(message)
        return collections.Counter((m.delivery_info["exchange"], m.delivery_info["routing_key"]) for m in messages)

    wait_until(lambda: everything_arrived() == expected, timeout=60)
    return messages


def check_published(messages: list, flow: dict) -> None:
    """Which application or worker moved where, the envelope, and no personal number in full."""
    P, R, X, W, G, V = (flow[key] for key in "PRXWGV")
    aid = [
        (m.delivery_info["routing_key"], m.decode()) for m in messages if m.delivery_info["exchange"] == "aid.events"
    ]
    assert collections.Counter(
        (key, p["application_id"], p["from_status"], p["status"]) for key, p in aid
    ) == collections.Counter(
        [
            *[("application_submitted", i, None, "submitted") for i in (P, R, X, W, G, V)],
            ("application_approved", P, "submitted", "publicizing"),
            ("application_submitted", P, "publicizing", "submitted"),
            ("application_ready", R, "submitted", "ready"),
            ("application_submitted", R, "ready", "submitted"),
            ("application_rejected", X, "submitted", "rejected"),
            ("application_withdrawn", W, "submitted", "withdrawn"),
            ("application_approved", G, "submitted", "publicizing"),
            ("application_approved", V, "submitted", "publicizing"),
        ]
    )
    registry = [
        (m.delivery_info["routing_key"], m.decode())
        for m in messages
        if m.delivery_info["exchange"] == "registry.events" and m.delivery_info["routing_key"].startswith("worker_")
    ]
    assert collections.Counter((key, p["worker_id"], p["status"]) for key, p in registry) == collections.Counter(
        [
            *[("worker_registered", flow[key], "active") for key in ("leaving", "rejected_worker", "other", "witness")],
            ("worker_status_changed", flow["leaving"], "suspended"),
            ("worker_status_changed", flow["rejected_worker"], "exited"),
        ]
    )
    decoded = [m.decode() for m in messages]
    assert all(p["schema_version"] == 1 and p["event_id"] and p["occurred_at"] for p in decoded)
    assert len({p["event_id"] for p in decoded}) == len(decoded)
    texts = [m.body if isinstance(m.body, str) else m.body.decode("utf-8") for m in messages]
    for body in flow["bodies"]:
        for secret in (body["id_number"], body["phone"], body["bank"]["account"]):
            assert not any(secret in text for text in texts), secret


def republish(connection, messages: list) -> None:
    producer = Producer(connection.default_channel)
    for message in messages:
        producer.publish(
            message.body,
            exchange=message.delivery_info["exchange"],
            routing_key=message.delivery_info["routing_key"],
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            headers=message.headers,
            delivery_mode=2,
        )


def test_publishing_every_event_again_changes_nothing(config, runner_factory, movable_clock, notify_handled):
    with Connection(config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        queue = collector(connection)
        # aid first: its queues are there when the registry announces the root, as the system's start makes sure
        start(runner_factory, config, AidService, max_workers=1)
        start(runner_factory, config, RegistryService, GatewayService, NotifyService, SMS_DISPATCH_SECONDS="0.1")
        api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
        flow = run_flow(api, Staff(api))
        messages = collect(queue, EXPECTED)
        check_published(messages, flow)
        watched = (
            [flow["notice"], flow["at_once"], flow["school"]],
            [flow[key] for key in "PRXWG"],
            [flow["leaving"], flow["rejected_worker"], flow["other"]],
        )
        before = snapshot(api, *watched)
        sms_before = wait_until(
            lambda: (
                lambda sms: (
                    sms
                    if [len(m) for m in sms] == [2, 2, 2, 1, 2]
                    and all(item["status"] == "sent" for m in sms for item in m)
                    else None
                )
            )(sms_of(api, watched[1])),
            timeout=30,
        )
        assert [(a["status"], len(a["history"])) for a in before["applications"]] == [
            ("submitted", 3),
            ("submitted", 3),
            ("rejected", 2),
            ("withdrawn", 2),
            ("publicizing", 2),
        ]
        assert [money(c) for c in before["campaigns"]] == [
            (1_000_000, 0, 0, 1_000_000),
            (1_000_000, 0, 0, 1_000_000),
            (1_000_000, 500_000, 0, 500_000),
        ]

        republish(connection, messages)
        set_status(api, flow["witness"], "suspended")  # handled after every replay (one aid worker, FIFO)
        wait_until(lambda: application(api, flow["V"])["status"] == "submitted", timeout=60)

        assert snapshot(api, *watched) == before
        # every event notify was sent, twice, and the witness's return to review
        wait_until(lambda: notify_handled["events"] == 2 * for_notify(messages) + 1, timeout=30)
        assert sms_of(api, watched[1]) == sms_before
        assert money(campaign(api, flow["witness_campaign"])) == (1_000_000, 0, 0, 1_000_000)
        assert len(application(api, flow["V"])["history"]) == 3
        queue.delete()


def test_a_status_event_whose_handling_fails_is_retried_and_takes_effect(config, runner_factory, monkeypatch):
    start(runner_factory, config, RegistryService, AidService, GatewayService)
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    staff = Staff(api)
    campaign_id = create_campaign(api, budget_fen=1_000_000)["campaign_id"]
    _body, filed = worker(api)
    application_id = acted(
        api, staff.checker, submitted(api, staff.maker, campaign_id, filed["worker_id"])["application_id"], "approve"
    )["application_id"]
    real_carry_out, failures = application_store.carry_out, [1]

    def fails_once(*args, **kwargs):
        if failures[0]:
            failures[0] -= 1
            raise ConnectionError("database connection lost")
        return real_carry_out(*args, **kwargs)

    monkeypatch.setattr(application_store, "carry_out", fails_once)
    set_status(api, filed["worker_id"], "suspended")

    wait_until(lambda: application(api, application_id)["status"] == "submitted", timeout=60)
    assert failures == [0]
    assert [(entry["from"], entry["to"], entry["actor"]) for entry in application(api, application_id)["history"]] == [
        (None, "submitted", staff.maker_actor),
        ("submitted", "publicizing", staff.checker_actor),
        ("publicizing", "submitted", "system:registry"),
    ]
    assert money(campaign(api, campaign_id)) == (1_000_000, 0, 0, 1_000_000)
