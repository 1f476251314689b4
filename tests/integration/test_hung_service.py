"""A registry that hangs (every worker held before it starts, as if its process were frozen) costs its callers one
RPC_TIMEOUT per call, never their capacity: aid answers that call 503 service_unavailable and goes on serving what
needs no registry; an event handler's call fails like any error, so the event is retried, then parked."""

import time

import eventlet
import pytest
from kombu import Connection, Exchange, Producer
from nameko.standalone.rpc import ServiceRpcProxy

from services.aid.service import AidService
from services.gateway.service import GatewayService
from services.registry.service import RegistryService
from shared.errors import ServiceError
from shared.retry import ATTEMPT_HEADER, REASON_HEADER, parking_queue, reliable_event_handler
from shared.rpc import rpc
from shared.rpc_proxy import TimedRpcProxy
from tests.e2e.aid_builders import TODAY, campaign_body
from tests.e2e.conftest import Api
from tests.fakes.events import sample
from tests.fakes.frozen_registry import Freeze, FrozenRegistry
from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.integration.conftest import get_parked


@pytest.fixture
def db_backend():
    """Timeouts of calls over the broker; the database plays no part."""
    return "sqlite"


RPC_TIMEOUT = 1.0


class Asker:
    """An event handler that needs the registry."""

    name = "asker"
    registry = TimedRpcProxy("registry")

    @reliable_event_handler("aid", "application_submitted")
    def on_application_submitted(self, event):
        self.registry.applicants([event.worker_id])


def submission(campaign_id: str) -> dict:
    return {"payload": {"campaign_id": campaign_id, "worker_id": "a" * 32}, "actor": "caseworker:test", "scope": None}


def test_aid_answers_503_for_a_call_to_a_hung_registry_and_goes_on_serving(config, runner_factory, monkeypatch):
    monkeypatch.setattr(Freeze, "thawed", eventlet.Event())
    settings = {**config, "RPC_TIMEOUT": str(RPC_TIMEOUT), "HARDSHIP_TODAY": TODAY}
    runner_factory(settings, FrozenRegistry, AidService).start()
    with ServiceRpcProxy("aid", config, timeout=30) as aid:
        created = aid.create_campaign(campaign_body(), "admin:test", None)
        hung = [
            eventlet.spawn(aid_call, config, "submit_applications", [submission(created["campaign_id"])])
            for _ in range(3)
        ]
        # while those wait on the registry, aid answers what needs no registry
        assert aid.get_campaign(created["campaign_id"], None)["campaign_id"] == created["campaign_id"]
        assert aid.list_campaigns({}, None)["total"] == 1
        for call in hung:
            seconds, error = call.wait()
            assert (error.code, error.status) == ("service_unavailable", 503)
            assert RPC_TIMEOUT <= seconds < RPC_TIMEOUT + 10

        Freeze.thawed.send()
        [answer] = aid.submit_applications([submission(created["campaign_id"])])  # the registry answers again
        assert answer["error"][0] == "not_found"


def aid_call(config, method: str, *args):
    """(seconds taken, the ServiceError) of a call expected to be refused; each on its own connection."""
    started = time.monotonic()
    with ServiceRpcProxy("aid", config, timeout=30) as aid:
        try:
            getattr(aid, method)(*args)
        except ServiceError as error:
            return time.monotonic() - started, error
    raise AssertionError(f"aid.{method} answered while the registry hangs")


def test_an_event_handlers_call_to_a_hung_registry_is_retried_then_parked(config, runner_factory, monkeypatch):
    monkeypatch.setattr(Freeze, "thawed", eventlet.Event())
    runner_factory({**config, "RPC_TIMEOUT": str(RPC_TIMEOUT)}, FrozenRegistry, Asker).start()
    event = sample("application_submitted", application_id="b" * 32, worker_id="a" * 32)
    with Connection(config["AMQP_URI"]) as connection:
        producer = Producer(connection.default_channel, exchange=Exchange("aid.events", type="topic", durable=True))
        producer.publish(event, routing_key="application_submitted", serializer="json", delivery_mode=2)

    queue = parking_queue("evt-aid-application_submitted--asker.on_application_submitted")
    parked = get_parked(config["AMQP_URI"], queue, timeout=60)
    assert parked.payload["application_id"] == "b" * 32
    assert parked.headers[ATTEMPT_HEADER] == 3  # the first try and the two configured retries, none left hanging
    assert parked.headers[REASON_HEADER].startswith("ServiceError: service_unavailable")
    Freeze.thawed.send()


def test_the_cli_import_gives_up_on_a_registry_that_does_not_answer(config, monkeypatch, tmp_path, capsys):
    """A registry whose queue is there but never consumed (frozen, or all its workers stuck)."""
    from kombu import Queue

    from hardship_cli.import_client import import_file

    with Connection(config["AMQP_URI"]) as connection:
        Queue(
            "rpc-registry", Exchange("nameko-rpc", type="topic", durable=True), routing_key="registry.*", durable=True
        )(connection.default_channel).declare()
    monkeypatch.setenv("AMQP_URI", config["AMQP_URI"])
    monkeypatch.setenv("RPC_TIMEOUT", str(RPC_TIMEOUT))
    sheet = tmp_path / "workers.csv"
    sheet.write_text("姓名\n", encoding="utf-8")

    started = time.monotonic()
    assert import_file(str(sheet), "test") == 1
    assert time.monotonic() - started < RPC_TIMEOUT + 10
    assert "registry 服务超过 1.0 秒没有应答" in capsys.readouterr().err


class SlowImportRegistry(RegistryService):
    """Imports as usual, but answers only after the gateway has stopped waiting."""

    @rpc
    def import_workers(self, import_id, parts, filename, actor, scope):
        result = super().import_workers(import_id, parts, filename, actor, scope)
        eventlet.sleep(RPC_TIMEOUT * 2)
        return result


def test_a_sync_import_the_gateway_stops_waiting_for_says_where_its_result_is(config, runner_factory):
    runner_factory({**config, "RPC_TIMEOUT": str(RPC_TIMEOUT)}, SlowImportRegistry, GatewayService).start()
    api = Api(f"http://127.0.0.1:{config['GATEWAY_PORT']}")

    response = api.post("/api/v1/workers/import?filename=workers.csv", data=to_csv_bytes(generate_workers(3, seed=5)))

    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "service_unavailable" and "?async=1" in error["message"], error
    progress_url = error["message"].split("请稍后在 ", 1)[1].split("（", 1)[0]
    deadline = time.monotonic() + 60
    while (progress := api.get(progress_url).json()).get("status") != "done":  # the registry finished it anyway
        assert time.monotonic() < deadline, progress
        time.sleep(0.1)
