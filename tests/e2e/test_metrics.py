"""GET /metrics: the gateway's own figures by route template, and every service's under a `service` label."""

import orjson
import pytest
from kombu import Connection

from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.registry.service import RegistryService
from shared.bus import ConfirmingPublisher
from shared.events import exchange_name
from tests.conftest import ADMIN_TOKEN
from tests.e2e import aid_builders
from tests.e2e.aid_builders import create_campaign, start_system, submitted, worker
from tests.e2e.builders import assert_error, new_user
from tests.e2e.conftest import Api
from tests.e2e.metrics_scrape import scrape, value
from tests.e2e.scope_builders import branch, filed  # noqa: F401  (branch: a fixture)
from tests.fakes.events import sample
from tests.fakes.sheets import UNIONS
from tests.integration.conftest import wait_until

aid_api = aid_builders.aid_api  # the fixture: the whole system, business date pinned
AID_QUEUE = "evt-registry-worker_status_changed--aid.on_worker_status_changed"


def test_requests_and_rpc_calls_are_counted_by_route_template_without_ids(aid_api):
    _body, filed = worker(aid_api)
    before = scrape(aid_api)
    found = aid_api.get(f"/api/v1/workers/{filed['worker_id']}")
    missing = aid_api.get(f"/api/v1/workers/{'0' * 32}")
    assert (found.status_code, missing.status_code) == (200, 404)

    after = scrape(aid_api)
    route = "/api/v1/workers/<worker_id>"
    for status in ("200", "404"):
        key = dict(route=route, method="GET", status=status)
        assert (
            value(after, "hardship_http_requests_total", **key)
            == (value(before, "hardship_http_requests_total", **key) or 0) + 1
        )
    assert value(after, "hardship_http_request_duration_seconds_count", route=route, method="GET") >= 2
    for outcome in ("ok", "refused"):
        key = dict(service="registry", method="get_worker", outcome=outcome)
        assert (
            value(after, "hardship_rpc_calls_total", **key)
            == (value(before, "hardship_rpc_calls_total", **key) or 0) + 1
        )
    text = aid_api.get("/metrics").text
    assert filed["worker_id"] not in text and "0" * 32 not in text


def parked_counts(samples) -> dict:
    return {
        dict(labels)["queue"]: (dict(labels)["service"], v)
        for (name, labels), v in samples.items()
        if name == "hardship_parked_messages"
    }


def sms_total(samples) -> float:
    return sum(v for (name, labels), v in samples.items() if name == "hardship_sms_messages")


@pytest.fixture
def quiet_aid_api(config, runner_factory):
    """A system of the test's own: the shared one's timers move other tests' applications meanwhile, and these
    figures are each service's totals."""
    return start_system(runner_factory, config, HARDSHIP_TODAY=aid_builders.TODAY)[1]


def test_each_service_reports_its_outbox_inbox_and_own_figures(quiet_aid_api):
    api = quiet_aid_api
    caseworker = api.token_for("caseworker")
    campaign = create_campaign(api)
    _body, filed = worker(api)
    submitted(api, caseworker, campaign["campaign_id"], filed["worker_id"])

    units = 1 + len(UNIONS)  # the root and the test data's unions, each announced once

    def settled():
        samples = scrape(api)
        relayed = value(samples, "hardship_events_relayed_total", service="aid")
        handled = [value(samples, "hardship_inbox_handled_total", service=service) for service in ("aid", "notify")]
        return samples if relayed == 1 and sms_total(samples) == 1 and handled == [units, units] else None

    samples = wait_until(settled, timeout=20)
    assert {
        service: value(samples, "hardship_service_metrics_up", service=service)
        for service in ("registry", "aid", "notify")
    } == {"registry": 1, "aid": 1, "notify": 1}
    assert value(samples, "hardship_applications", service="aid", status="submitted") == 1
    assert value(samples, "hardship_applications", service="aid", status="disbursed") == 0
    assert value(samples, "hardship_outbox_unpublished", service="aid") == 0
    assert value(samples, "hardship_events_relayed_total", service="registry") == units + 1  # and the worker filed
    assert value(samples, "hardship_inbox_handled_total", service="aid") == units  # each unit's announcement, once
    parked = parked_counts(samples)
    assert parked[f"{AID_QUEUE}.parking"] == ("aid", 0)
    assert parked["evt-aid-application_submitted--notify.on_application_submitted.parking"] == ("notify", 0)
    # one per event handler: aid has four, notify nine (six SMS, ready too; the units' two; a worker's move), registry none
    assert len(parked) == 13


def test_redelivered_events_and_parked_messages_are_counted(aid_api, live):
    settings = live.settings
    _body, filed = worker(aid_api)
    event = sample("worker_status_changed", worker_id=filed["worker_id"], status="active")
    publisher = ConfirmingPublisher(settings["AMQP_URI"])
    parking = f"{AID_QUEUE}.parking"
    duplicates = ("hardship_inbox_duplicates_dropped_total", "AidService.on_worker_status_changed")

    def dropped(samples) -> float:
        return sum(
            v
            for (name, labels), v in samples.items()
            if name == duplicates[0] and ("handler", duplicates[1]) in labels and ("service", "aid") in labels
        )

    first = scrape(aid_api)
    before = dropped(first)
    mark = f'{{"parked-by": "{filed["worker_id"]}"}}'.encode()
    with Connection(settings["AMQP_URI"]) as connection:
        channel = connection.channel()
        channel.queue_declare(parking, durable=True, auto_delete=False)
        channel.basic_publish(channel.prepare_message(mark), exchange="", routing_key=parking)
    try:
        try:
            for _ in range(2):
                publisher.publish(
                    exchange_name("registry"), [("worker_status_changed", orjson.dumps(event), event["event_id"])]
                )
        finally:
            publisher.close()

        samples = wait_until(lambda: (lambda s: s if dropped(s) == before + 1 else None)(scrape(aid_api)), timeout=20)
        assert (
            value(samples, "hardship_inbox_handled_total", service="aid")
            == (value(first, "hardship_inbox_handled_total", service="aid") or 0) + 1
        )
        assert (
            value(samples, "hardship_parked_messages", service="aid", queue=parking)
            == (value(first, "hardship_parked_messages", service="aid", queue=parking) or 0) + 1
        )
    finally:  # the shared system's parking queue as it was: the message this test parked taken out again
        take_back(settings["AMQP_URI"], parking, mark)


def take_back(amqp_uri: str, queue: str, body: bytes) -> None:
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        others = []
        try:
            while (message := channel.basic_get(queue, no_ack=False)) is not None:
                if message.body == body:
                    channel.basic_ack(message.delivery_tag)
                    break
                others.append(message.delivery_tag)
        finally:
            for tag in others:
                channel.basic_reject(tag, requeue=True)


@pytest.mark.parametrize("db_backend", ["sqlite"])  # a system of its own without notify, whatever the database
def test_a_service_that_does_not_answer_is_left_out(runner_factory, config):
    runner_factory(config, RegistryService, AidService, GatewayService).start()  # no notify
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")
    samples = scrape(api)
    assert {
        service: value(samples, "hardship_service_metrics_up", service=service)
        for service in ("registry", "aid", "notify")
    } == {"registry": 1, "aid": 1, "notify": 0}
    assert value(samples, "hardship_outbox_unpublished", service="aid") == 0
    # the gateway's own counters of its calls to notify aside (process-wide, so other tests' calls count too)
    assert not [
        labels
        for (name, labels) in samples
        if ("service", "notify") in labels
        and name != "hardship_service_metrics_up"
        and not name.startswith(("hardship_rpc_calls", "hardship_rpc_call_duration"))
    ]


def test_metrics_need_an_admin_or_auditor_token_or_the_metrics_token(live):
    live.set(METRICS_TOKEN="scrape-secret")  # read at each request
    api = live.api
    assert_error(api.get("/metrics", token=None), 401, "unauthenticated")
    assert_error(api.get("/metrics", token="wrong-token"), 401, "unauthenticated")
    for role in ("caseworker", "finance"):
        assert_error(api.get("/metrics", token=api.token_for(role)), 403, "forbidden")
    for token in ("scrape-secret", ADMIN_TOKEN, api.token_for("auditor")):
        assert value(scrape(api, token=token), "hardship_service_metrics_up", service="aid") == 1
    assert_error(api.get("/api/v1/workers", token="scrape-secret"), 403, "forbidden")  # it reads /metrics only


UNITS_READ = {"hardship_service_metrics_up", "hardship_applications", "hardship_sms_messages"}


def by_name(samples: dict, name: str) -> dict:
    """{status: value} of one series of a scrape."""
    return {dict(labels).get("status"): v for (sample, labels), v in samples.items() if sample == name}


def test_a_units_readers_get_the_figures_of_their_subtree_only(aid_api, branch):
    """The root reads the whole system; the district its base unions' application and SMS; the mill's sibling, the
    works, none of the mill's, and nobody below the root the gateway's own or the bus's figures."""
    units = branch["units"]
    readers = {
        "district": new_user(aid_api, "auditor", org_unit_id=units["district"]["org_unit_id"])["token"],
        "mill": new_user(aid_api, "admin", org_unit_id=units["mill"]["org_unit_id"])["token"],
        "works": new_user(aid_api, "admin", org_unit_id=units["works"]["org_unit_id"])["token"],
    }
    campaign = create_campaign(aid_api, org_unit_id=units["district"]["org_unit_id"])
    filed(aid_api, branch, campaign["campaign_id"], "mill")

    def district_settled():
        samples = scrape(aid_api, token=readers["district"])
        return samples if sum(by_name(samples, "hardship_sms_messages").values()) == 1 else None

    district = wait_until(district_settled, timeout=30)
    applications = by_name(district, "hardship_applications")
    assert applications.pop("submitted") == 1 and set(applications.values()) == {0}
    assert by_name(scrape(aid_api, token=readers["mill"]), "hardship_applications")["submitted"] == 1
    works = scrape(aid_api, token=readers["works"])
    assert set(by_name(works, "hardship_applications").values()) == {0}
    assert by_name(works, "hardship_sms_messages") == {}
    assert {name for name, _labels in district} == UNITS_READ
    assert {name for name, _labels in works} == UNITS_READ - {"hardship_sms_messages"}  # a status per message kept
    for samples in (district, works):
        assert {dict(labels)["service"] for name, labels in samples} == {"registry", "aid", "notify"}

    root = scrape(aid_api)
    assert by_name(root, "hardship_applications")["submitted"] >= 1
    assert value(root, "hardship_outbox_unpublished", service="aid") is not None
    assert any(name == "hardship_http_requests_total" for name, _labels in root)
