"""Notify with the real Alibaba Cloud and Tencent Cloud clients, against a local fake SMS server that checks
their signatures: outcomes, retries, fail-over, receipts, resends, opt-outs and privacy, over HTTP and the broker."""

import json
import logging
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import func, select

from services.notify.models import receipts
from shared import clock
from shared.clock import SHANGHAI
from shared.db import make_engine
from shared.events import new_id
from tests.e2e.aid_builders import Staff, acted, create_campaign, submitted, worker
from tests.e2e.builders import assert_error, masked_phone
from tests.e2e.notify_builders import (  # noqa: F401
    MovableClock,
    movable_clock,
    notifications,
    start_notify_system,
    wait_for_statuses,
)
from tests.fakes.sms_provider import (
    ALIYUN_CODES,
    ALIYUN_TEMPLATES,
    RECEIPT_TOKEN,
    TENCENT_CODES,
    TENCENT_TEMPLATES,
    FakeSmsProvider,
)
from tests.integration.conftest import wait_until

PROVIDERS = ("aliyun", "tencent")
# Each test starts a system of its own: the provider, its keys and endpoints, retries and the circuit are read when
# notify starts. Most of them test the provider clients and the dispatcher, not the database: they run per provider
# on SQLite. Where what is proved rests on the database (a receipt stored once, a send claimed under a lease and
# never claimed again, the receipt wait and the quiet hours' end compared with stored timestamps, a state changed
# only from the state read), PostgreSQL runs too, with one provider.
ON_SQLITE = pytest.mark.parametrize("db_backend", ["sqlite"])
PER_PROVIDER = pytest.mark.parametrize("provider, db_backend", [(provider, "sqlite") for provider in PROVIDERS])
PER_PROVIDER_AND_BACKEND = pytest.mark.parametrize(
    "provider, db_backend", [*((provider, "sqlite") for provider in PROVIDERS), ("aliyun", "postgres")]
)
ON_EACH_BACKEND = pytest.mark.parametrize("db_backend", ["sqlite", "postgres"])
RETRY_DELAYS = "0.2,0.2"
TEMPLATE_CODES = {"aliyun": ALIYUN_TEMPLATES, "tencent": TENCENT_TEMPLATES}
ERROR_CODES = {"aliyun": ALIYUN_CODES, "tencent": TENCENT_CODES}
ACKS = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Applicant:
    phone: str
    worker_id: str
    application_id: str


@pytest.fixture
def fake():
    with FakeSmsProvider() as provider:
        yield provider


@pytest.fixture
def sms_system(config, runner_factory, movable_clock, fake):
    """start(provider, **settings): the whole system sending through `provider` at the fake; returns the Api."""

    def start(provider: str = "aliyun", **settings):
        settings = {"SMS_RETRY_DELAYS": RETRY_DELAYS, **settings, "SMS_PROVIDER": provider}
        _runner, api = start_notify_system(runner_factory, config, **fake.config(**settings))
        return api

    return start


def apply(api, staff, campaign: dict, fake=None, behaviour: str | None = None) -> Applicant:
    """A new worker (whose phone the fake answers with `behaviour`, if given) applies; that queues a `submitted` SMS."""
    body, filed = worker(api)
    if behaviour:
        fake.script(body["phone"], behaviour)
    application = submitted(api, staff.maker, campaign["campaign_id"], filed["worker_id"])
    return Applicant(body["phone"], filed["worker_id"], application["application_id"])


def sent_after(api, staff, campaign: dict) -> Applicant:
    """A later SMS, queued now, sent: proof that the dispatcher has ticked since (no fixed sleep proves that)."""
    later = apply(api, staff, campaign)
    wait_for_statuses(api, later.application_id, {"submitted": "sent"})
    return later


def requests_to(fake, phone: str) -> list:
    return [request for request in fake.requests if request.phone == phone]


def only_message(api, application_id: str) -> dict:
    [message] = notifications(api, application_id=application_id)
    return message


def receipt_count(config, notification_id: str) -> int:
    engine = make_engine(config["NOTIFY_DB_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(
                select(func.count()).select_from(receipts).where(receipts.c.notification_id == notification_id)
            ).scalar_one()
    finally:
        engine.dispose()


def opt_outs(api) -> list[dict]:
    response = api.get("/api/v1/sms/opt-outs", params={"per_page": 500})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def receipt_post(api, provider: str, body: bytes, **query):
    return api.post(f"/api/v1/sms/receipts/{provider}", token=None, params=query, data=body, headers=JSON)


@PER_PROVIDER_AND_BACKEND
def test_a_sent_sms_names_our_template_and_id_and_its_receipt_counts_once_however_often_it_is_pushed(
    sms_system, fake, config, provider
):
    api = sms_system(provider)
    staff = Staff(api)
    campaign = create_campaign(api)
    applicant = apply(api, staff, campaign)

    [message] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})

    [request] = fake.requests
    assert request.provider == provider and request.phone == applicant.phone
    assert request.template_code == TEMPLATE_CODES[provider]["submitted"]
    number = applicant.application_id[-6:].upper()
    expected_params = {"campaign": campaign["name"], "number": number}
    assert request.params == (expected_params if provider == "aliyun" else list(expected_params.values()))
    assert request.notification_id == message["notification_id"]
    assert message["provider"] == provider and message["attempts"] == 1 and message["last_error"] is None

    reported_at = datetime(2026, 8, 10, 10, 0, 7, tzinfo=SHANGHAI)
    first = fake.post_receipt(api.base_url, request, reported_at=reported_at)
    assert first.status_code == 200 and first.json() == ACKS[provider]
    delivered = only_message(api, applicant.application_id)
    assert delivered["status"] == "delivered"
    assert datetime.fromisoformat(delivered["delivered_at"]) == reported_at

    again = fake.post_receipt(api.base_url, request, reported_at=reported_at)
    assert again.status_code == 200 and again.json() == ACKS[provider]
    assert only_message(api, applicant.application_id) == delivered
    assert receipt_count(config, message["notification_id"]) == 1
    assert fake.requests == [request]


@PER_PROVIDER
def test_a_throttled_sms_is_deferred_to_the_next_window_not_failed(sms_system, fake, movable_clock, provider):
    api = sms_system(provider)
    staff = Staff(api)
    campaign = create_campaign(api)
    applicant = apply(api, staff, campaign, fake, "throttled")

    [deferred] = wait_for_statuses(api, applicant.application_id, {"submitted": "deferred"})

    assert "限流" in deferred["last_error"] and ERROR_CODES[provider]["throttled"][0] in deferred["last_error"]
    assert deferred["attempts"] == 1 and deferred["sent_at"] is None
    sent_after(api, staff, campaign)  # the dispatcher has ticked since: a deferred SMS waits for its window
    assert only_message(api, applicant.application_id) == deferred
    assert len(requests_to(fake, applicant.phone)) == 1

    fake.script(applicant.phone, "ok")
    movable_clock.advance(seconds=61)
    [sent] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})
    assert sent["attempts"] == 2
    assert [request.answer for request in requests_to(fake, applicant.phone)] == ["throttled", "ok"]


@pytest.mark.parametrize("behaviour", ["server_error", "transient"])
@PER_PROVIDER
def test_a_transient_failure_is_retried_after_a_backoff_and_the_retry_is_sent(sms_system, fake, provider, behaviour):
    api = sms_system(provider, SMS_RETRY_DELAYS="1.2,0.2")
    staff = Staff(api)
    campaign = create_campaign(api)
    fake.fail_next(1, behaviour, provider=provider)
    applicant = apply(api, staff, campaign)

    [sent] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})

    assert sent["attempts"] == 2 and sent["provider"] == provider and sent["last_error"] is None
    # equal jitter never retries sooner than half the first delay; without a backoff it would take two 0.1 s ticks
    waited = datetime.fromisoformat(sent["sent_at"]) - datetime.fromisoformat(sent["created_at"])
    assert waited.total_seconds() >= 0.6
    answers = [request.answer for request in requests_to(fake, applicant.phone)]
    assert answers == (["transient", "ok"] if behaviour == "transient" else ["ok"])  # a 502 is not recorded as a send
    assert len(fake.sent) == 1


@PER_PROVIDER
def test_an_sms_that_keeps_failing_transiently_fails_once_its_retries_are_used_up(sms_system, fake, provider):
    api = sms_system(provider)
    staff = Staff(api)
    campaign = create_campaign(api)
    applicant = apply(api, staff, campaign, fake, "transient")

    [failed] = wait_for_statuses(api, applicant.application_id, {"submitted": "failed"})

    attempts = len(RETRY_DELAYS.split(",")) + 1
    assert failed["attempts"] == attempts
    assert "多次重试仍失败" in failed["last_error"] and ERROR_CODES[provider]["transient"][0] in failed["last_error"]
    sent_after(api, staff, campaign)  # the dispatcher has ticked since: a failed SMS is not tried again
    assert len(requests_to(fake, applicant.phone)) == attempts
    assert only_message(api, applicant.application_id) == failed


@PER_PROVIDER
def test_a_permanent_error_fails_the_sms_at_once_and_staff_find_it_among_the_failed(sms_system, fake, provider):
    api = sms_system(provider)
    staff = Staff(api)
    campaign = create_campaign(api)
    applicant = apply(api, staff, campaign, fake, "permanent")
    other = apply(api, staff, campaign)

    [failed] = wait_for_statuses(api, applicant.application_id, {"submitted": "failed"})
    wait_for_statuses(api, other.application_id, {"submitted": "sent"})

    assert ERROR_CODES[provider]["permanent"][0] in failed["last_error"]
    assert failed["attempts"] == 1 and failed["provider"] == provider
    assert notifications(api, status="failed") == [failed]
    assert notifications(api, status="sent", application_id=applicant.application_id) == []
    sent_after(api, staff, campaign)  # the dispatcher has ticked since: a failed SMS is not tried again
    assert len(requests_to(fake, applicant.phone)) == 1
    assert only_message(api, applicant.application_id) == failed


@PER_PROVIDER
def test_a_blacklisted_number_is_suppressed_and_opted_out_so_later_sms_never_reach_the_provider(
    sms_system, fake, provider
):
    api = sms_system(provider)
    staff = Staff(api)
    applicant = apply(api, staff, create_campaign(api), fake, "blacklisted")

    [suppressed] = wait_for_statuses(api, applicant.application_id, {"submitted": "suppressed"})

    code = ERROR_CODES[provider]["blacklisted"][0]
    assert code in suppressed["last_error"] and suppressed["attempts"] == 1
    [opted_out] = opt_outs(api)
    assert opted_out["worker_id"] == applicant.worker_id and opted_out["source"] == "provider"
    assert code in opted_out["reason"]

    acted(api, staff.checker, applicant.application_id, "approve")
    items = wait_for_statuses(api, applicant.application_id, {"submitted": "suppressed", "publicizing": "suppressed"})
    publicizing = next(item for item in items if item["template"] == "publicizing")
    assert publicizing["attempts"] == 0
    assert len(fake.requests) == 1


@PER_PROVIDER_AND_BACKEND
def test_a_send_that_times_out_is_never_sent_again_and_a_receipt_matched_by_our_id_delivers_it(
    sms_system, fake, provider
):
    api = sms_system(provider)  # the client gives up after 1 s; the fake answers "slow" after 2.5 s
    staff = Staff(api)
    campaign = create_campaign(api)
    asked = time.monotonic()
    applicant = apply(api, staff, campaign, fake, "slow")

    [unknown] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})

    assert "结果未知" in unknown["last_error"] and unknown["attempts"] == 1
    # the fake's late answer comes (the scene this test sets), then the dispatcher ticks again: nothing goes again
    wait_until(lambda: time.monotonic() - asked > fake.slow_seconds + 0.5, timeout=fake.slow_seconds + 5)
    sent_after(api, staff, campaign)
    assert len(requests_to(fake, applicant.phone)) == 1
    assert only_message(api, applicant.application_id) == unknown

    [request] = requests_to(fake, applicant.phone)
    response = fake.post_receipt(api.base_url, request)
    assert response.status_code == 200 and response.json() == ACKS[provider]
    delivered = only_message(api, applicant.application_id)
    assert delivered["status"] == "delivered" and delivered["last_error"] is None
    assert len(requests_to(fake, applicant.phone)) == 1


@ON_EACH_BACKEND
def test_an_unknown_outcome_without_a_receipt_goes_to_staff_as_failed_and_is_not_resent_on_its_own(
    sms_system, fake, movable_clock
):
    api = sms_system("aliyun", SMS_RECEIPT_WAIT_SECONDS="600")
    staff = Staff(api)
    campaign = create_campaign(api)
    applicant = apply(api, staff, campaign, fake, "slow")
    wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})

    movable_clock.advance(seconds=601)

    [failed] = wait_for_statuses(api, applicant.application_id, {"submitted": "failed"})
    assert "请核实后手动重发" in failed["last_error"]
    later = sent_after(api, staff, campaign)  # the dispatcher has ticked since: the failed SMS is not resent
    assert fake.requests == requests_to(fake, applicant.phone) + requests_to(fake, later.phone)
    assert len(requests_to(fake, applicant.phone)) == 1


@ON_EACH_BACKEND
def test_with_the_clock_in_utc_as_in_production_a_night_time_sms_goes_out_at_08_00_beijing(
    sms_system, fake, monkeypatch
):
    """The quiet hours end at a Beijing-time moment; stored beside UTC timestamps it must still mean 08:00 Beijing."""
    api = sms_system("aliyun")
    staff = Staff(api)
    campaign = create_campaign(api)
    beijing = MovableClock(datetime(2026, 8, 10, 23, 0, tzinfo=SHANGHAI))
    monkeypatch.setattr(clock, "now", lambda: beijing().astimezone(UTC))  # what shared.clock.now returns
    applicant = apply(api, staff, campaign)
    wait_for_statuses(api, applicant.application_id, {"submitted": "deferred"})

    beijing.set(datetime(2026, 8, 11, 7, 59, 40, tzinfo=SHANGHAI))
    # a later SMS deferred too: the dispatcher has ticked just before 08:00, and sent neither
    before_eight = apply(api, staff, campaign)
    wait_for_statuses(api, before_eight.application_id, {"submitted": "deferred"})
    assert only_message(api, applicant.application_id)["status"] == "deferred" and fake.requests == []
    beijing.set(datetime(2026, 8, 11, 8, 0, 1, tzinfo=SHANGHAI))

    for waiting in (applicant, before_eight):
        [sent] = wait_for_statuses(api, waiting.application_id, {"submitted": "sent"}, timeout=10)
        assert datetime.fromisoformat(sent["sent_at"]) >= datetime(2026, 8, 11, 8, 0, tzinfo=SHANGHAI)
    assert sorted(request.phone for request in fake.requests) == sorted([applicant.phone, before_eight.phone])


@pytest.mark.parametrize("primary, secondary", [("aliyun", "tencent"), ("tencent", "aliyun")])
@ON_SQLITE
def test_while_the_primarys_circuit_is_open_each_sms_goes_out_once_through_the_secondary(
    sms_system, fake, primary, secondary
):
    api = sms_system(
        primary, SMS_SECONDARY_PROVIDER=secondary, SMS_CIRCUIT_FAILURES="2", SMS_CIRCUIT_RESET_SECONDS="600"
    )
    staff = Staff(api)
    campaign = create_campaign(api)
    fake.fail_next(100, "server_error", provider=primary)

    first = apply(api, staff, campaign)
    [message] = wait_for_statuses(api, first.application_id, {"submitted": "sent"})
    # two 502s from the primary open its circuit; the second retry goes to the secondary
    assert message["provider"] == secondary and message["attempts"] == 3

    later = [apply(api, staff, campaign) for _ in range(3)]
    for applicant in later:
        [sent] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})
        assert sent["provider"] == secondary and sent["attempts"] == 1  # the open circuit is not even tried

    everyone = [first, *later, sent_after(api, staff, campaign)]  # the dispatcher has ticked since: no send twice
    assert sorted(request.phone for request in fake.sent) == sorted(applicant.phone for applicant in everyone)
    assert {request.provider for request in fake.requests} == {secondary}
    ids = [item["notification_id"] for item in notifications(api)]
    assert sorted(request.notification_id for request in fake.sent) == sorted(ids)


@ON_SQLITE
def test_receipt_pushes_without_our_token_or_with_a_broken_body_are_refused_and_change_nothing(sms_system, fake):
    api = sms_system("aliyun")
    staff = Staff(api)
    applicant = apply(api, staff, create_campaign(api))
    [sent] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})
    [request] = fake.sent
    undelivered, _query = fake.receipt(request, delivered=False)

    for token in ("wrong-token", "", None):
        query = {} if token is None else {"token": token}
        assert_error(receipt_post(api, "aliyun", undelivered, **query), 401, "unauthenticated")
    assert_error(receipt_post(api, "tencent", undelivered, token="wrong-token"), 401, "unauthenticated")
    for body in (b"{not json", b'{"biz_id": "1"}', b"[{}]", b'["x"]', b"\xff\xfe"):
        assert_error(receipt_post(api, "aliyun", body, token=RECEIPT_TOKEN), 400, "bad_request")
    assert_error(receipt_post(api, "tencent", b'[{"sid": ', token=RECEIPT_TOKEN), 400, "bad_request")
    assert_error(receipt_post(api, "nokia", undelivered, token=RECEIPT_TOKEN), 404, "not_found")
    assert only_message(api, applicant.application_id) == sent

    stranger, _query = fake.receipt(replace(request, message_id="000000000999^0", notification_id=new_id()))
    response = receipt_post(api, "aliyun", stranger, token=RECEIPT_TOKEN)
    assert response.status_code == 200 and response.json() == ACKS["aliyun"]  # acknowledged, matched to nothing
    assert only_message(api, applicant.application_id) == sent

    for provider in PROVIDERS:
        probe = api.get(f"/api/v1/sms/receipts/{provider}", token=None, params={"token": RECEIPT_TOKEN})
        assert probe.status_code == 200 and probe.json() == ACKS[provider]
        assert_error(api.get(f"/api/v1/sms/receipts/{provider}", token=None), 401, "unauthenticated")
        assert_error(
            api.get(f"/api/v1/sms/receipts/{provider}", token=None, params={"token": "x"}), 401, "unauthenticated"
        )
    assert_error(api.get("/api/v1/sms/receipts/nokia", token=None, params={"token": RECEIPT_TOKEN}), 404, "not_found")


@ON_EACH_BACKEND
def test_only_the_provider_that_sent_an_sms_can_report_on_it_and_an_old_report_replayed_later_changes_nothing(
    sms_system, fake
):
    api = sms_system("aliyun")
    applicant = apply(api, Staff(api), create_campaign(api))
    [sent] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})
    [request] = fake.sent

    # the console provider's receipts need no token: they must not reach a message another provider sent
    forged = json.dumps([{"provider_message_id": f"console-{sent['notification_id']}", "delivered": False}]).encode()
    answer = receipt_post(api, "console", forged)
    assert answer.status_code == 200 and answer.json() == {"result": "ok"}  # acknowledged, matched to nothing
    # nor may another provider's, even with that provider's own valid token
    elsewhere, query = fake.receipt(replace(request, provider="tencent"), delivered=False)
    answer = receipt_post(api, "tencent", elsewhere, **query)
    assert answer.status_code == 200 and answer.json() == ACKS["tencent"]
    assert only_message(api, applicant.application_id) == sent

    undelivered, query = fake.receipt(request, delivered=False)
    delivered, _query = fake.receipt(request, delivered=True)
    assert receipt_post(api, "aliyun", delivered, **query).status_code == 200
    settled = only_message(api, applicant.application_id)
    assert settled["status"] == "delivered"
    assert receipt_post(api, "aliyun", undelivered, **query).status_code == 200  # an earlier failure, pushed late
    assert receipt_post(api, "aliyun", delivered, **query).status_code == 200
    assert only_message(api, applicant.application_id) == settled
    assert fake.requests == [request]


@ON_EACH_BACKEND
def test_staff_resend_a_failed_sms_once_its_cause_is_fixed_and_only_a_failed_one(sms_system, fake):
    api = sms_system("aliyun")
    staff = Staff(api)
    applicant = apply(api, staff, create_campaign(api), fake, "permanent")
    [failed] = wait_for_statuses(api, applicant.application_id, {"submitted": "failed"})
    resend = f"/api/v1/notifications/{failed['notification_id']}/resend"
    fake.script(applicant.phone, "ok")

    assert_error(api.post(resend, token=api.token_for("auditor")), 403, "forbidden")
    assert_error(api.post(resend, token=None), 401, "unauthenticated")
    campaign = create_campaign(api)
    sent_after(api, staff, campaign)  # the dispatcher has ticked since: the refused resends queued nothing
    assert only_message(api, applicant.application_id) == failed

    response = api.post(resend, token=staff.maker)
    assert response.status_code == 200, response.text
    assert response.json()["notification_id"] == failed["notification_id"]
    [sent] = wait_for_statuses(api, applicant.application_id, {"submitted": "sent"})
    assert sent["attempts"] == 2 and sent["last_error"] is None
    assert [request.answer for request in requests_to(fake, applicant.phone)] == ["permanent", "ok"]

    error = assert_error(api.post(resend, token=staff.maker), 409, "invalid_transition")
    assert error["status"] == "sent"
    assert_error(api.post(f"/api/v1/notifications/{new_id()}/resend"), 404, "not_found")
    assert_error(api.post("/api/v1/notifications/not-an-id/resend"), 404, "not_found")
    sent_after(api, staff, campaign)  # the dispatcher has ticked since: the refused resend queued nothing
    assert len(requests_to(fake, applicant.phone)) == 2


@ON_SQLITE
def test_a_worker_opted_out_by_staff_gets_no_sms_until_opted_back_in(sms_system, fake):
    api = sms_system("aliyun")
    staff = Staff(api)
    body, filed = worker(api)
    opt_out_url = f"/api/v1/workers/{filed['worker_id']}/sms-opt-out"

    response = api.post(opt_out_url, token=staff.maker, json={"reason": "本人来电要求不再接收短信"})
    assert response.status_code == 200, response.text
    assert response.json() == {"worker_id": filed["worker_id"], "opted_out": True}
    [opted_out] = opt_outs(api)
    assert opted_out["source"] == "staff" and opted_out["reason"] == "本人来电要求不再接收短信"
    application = submitted(api, staff.maker, create_campaign(api)["campaign_id"], filed["worker_id"])
    [suppressed] = wait_for_statuses(api, application["application_id"], {"submitted": "suppressed"})
    assert suppressed["attempts"] == 0
    later = sent_after(api, staff, create_campaign(api))  # the dispatcher has ticked since
    assert [request.phone for request in fake.requests] == [later.phone]

    response = api.call("DELETE", opt_out_url, token=staff.maker)
    assert response.status_code == 200, response.text
    assert response.json() == {"worker_id": filed["worker_id"], "opted_out": False}
    assert opt_outs(api) == []
    acted(api, staff.checker, application["application_id"], "approve")
    wait_for_statuses(api, application["application_id"], {"submitted": "suppressed", "publicizing": "sent"})
    assert [(request.phone, request.template) for request in requests_to(fake, body["phone"])] == [
        (body["phone"], "publicizing")
    ]


@ON_SQLITE
def test_sms_opt_out_refuses_bad_bodies_unknown_workers_and_callers_without_casework_rights(sms_system):
    api = sms_system("aliyun")
    _body, filed = worker(api)
    url = f"/api/v1/workers/{filed['worker_id']}/sms-opt-out"
    auditor = api.token_for("auditor")

    for bad in ({}, {"reason": ""}, {"reason": 42}, {"reason": None}, {"reason": "要求退订", "until": "2027-01-01"}):
        assert_error(api.post(url, json=bad), 400, "validation_error")
    assert_error(api.post(url, data=b'{"reason": ', headers=JSON), 400, "bad_request")
    assert_error(api.post(url, json=["要求退订"]), 400, "bad_request")
    assert_error(api.post(f"/api/v1/workers/{new_id()}/sms-opt-out", json={"reason": "要求退订"}), 404, "not_found")
    assert_error(api.post(url, token=None, json={"reason": "要求退订"}), 401, "unauthenticated")
    assert_error(api.post(url, token=auditor, json={"reason": "要求退订"}), 403, "forbidden")
    assert opt_outs(api) == []

    assert api.post(url, json={"reason": "要求退订"}).status_code == 200
    assert_error(api.call("DELETE", url, token=None), 401, "unauthenticated")
    assert_error(api.call("DELETE", url, token=auditor), 403, "forbidden")
    assert [item["worker_id"] for item in opt_outs(api)] == [filed["worker_id"]]


def status_event_queue(amqp_uri: str) -> Queue:
    """A queue of our own that collects every event notify publishes."""
    queue = Queue(
        f"test-notify-events-{uuid.uuid4().hex}",
        Exchange("notify.events", type="topic", durable=True),
        routing_key="#",
        durable=False,
        auto_delete=False,
    )
    with Connection(amqp_uri) as connection:
        queue(connection.default_channel).declare()
    return queue


def drain(amqp_uri: str, queue: Queue) -> list[dict]:
    payloads = []
    with Connection(amqp_uri) as connection:
        bound = queue(connection.default_channel)
        while (message := bound.get(no_ack=True)) is not None:
            payloads.append(json.loads(message.body))
    return payloads


def leaked(phones, text: str) -> list[str]:
    return [phone for phone in phones if phone in text]


@ON_SQLITE
def test_no_full_phone_number_appears_in_the_message_log_the_logs_or_the_status_events(
    sms_system, fake, config, caplog
):
    caplog.set_level(logging.INFO)
    events = status_event_queue(config["AMQP_URI"])
    api = sms_system("aliyun")
    staff = Staff(api)
    campaign = create_campaign(api)
    behaviours = {
        "ok": "delivered",
        "permanent": "failed",
        "blacklisted": "suppressed",
        "throttled": "deferred",
        "transient": "failed",
    }
    applicants = {behaviour: apply(api, staff, campaign, fake, behaviour) for behaviour in behaviours}
    phones = [applicant.phone for applicant in applicants.values()]
    for behaviour, applicant in applicants.items():
        final = "sent" if behaviour == "ok" else behaviours[behaviour]
        wait_for_statuses(api, applicant.application_id, {"submitted": final})
    [delivered] = fake.sent
    assert fake.post_receipt(api.base_url, delivered).status_code == 200

    bodies = [
        api.get("/api/v1/notifications", params={"per_page": 500}).text,
        api.get("/api/v1/notifications", params={"status": "failed"}).text,
        api.get("/api/v1/sms/opt-outs").text,
    ]
    bodies += [api.get("/api/v1/notifications", params={"worker_id": a.worker_id}).text for a in applicants.values()]
    assert all(masked_phone(phone) in bodies[0] for phone in phones)  # the scan does see every number's field
    assert all(leaked(phones, body) == [] for body in bodies)

    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "receipts from aliyun" in logged
    assert leaked(phones, logged) == []

    published = []

    def delivered_published():
        published.extend(drain(config["AMQP_URI"], events))
        return any(payload["status"] == "delivered" for payload in published)

    wait_until(delivered_published)
    assert {payload["status"] for payload in published} >= {"sent", "delivered", "failed", "suppressed", "deferred"}
    assert leaked(phones, json.dumps(published, ensure_ascii=False)) == []


@ON_SQLITE
def test_a_provider_error_that_echoes_the_number_back_is_kept_masked(sms_system, fake, config, caplog):
    caplog.set_level(logging.INFO)
    events = status_event_queue(config["AMQP_URI"])
    api = sms_system("aliyun", ALIYUN_ACCESS_KEY_SECRET="not-the-real-secret")
    staff = Staff(api)
    applicant = apply(api, staff, create_campaign(api))

    [failed] = wait_for_statuses(api, applicant.application_id, {"submitted": "failed"})

    # Alibaba echoes its string to sign, which holds PhoneNumbers, with SignatureDoesNotMatch
    assert fake.rejected_signatures == 1 and fake.requests == []
    assert "SignatureDoesNotMatch" in failed["last_error"] and masked_phone(applicant.phone) in failed["last_error"]
    listing = api.get("/api/v1/notifications").text
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    published = wait_until(lambda: drain(config["AMQP_URI"], events))
    assert [payload["status"] for payload in published] == ["failed"]
    for text in (listing, logged, json.dumps(published)):
        assert applicant.phone not in text
