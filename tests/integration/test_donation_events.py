"""A gift is announced on the bus once, as aid.donation_received, with ids and amounts only."""

import pytest
from kombu import Connection, Exchange, Queue
from nameko.standalone.rpc import ServiceRpcProxy

from services.aid.service import AidService
from tests.integration.conftest import wait_until


@pytest.fixture
def db_backend():
    """What is published is the point; the outbox on each database is test_outbox_relay's and test_event_delivery's."""
    return "sqlite"


def test_a_gift_is_published_once_even_when_recorded_twice(config, runner_factory):
    with Connection(config["AMQP_URI"]) as connection:
        exchange = Exchange("aid.events", type="topic", durable=True)
        queue = Queue("test-donations", exchange=exchange, routing_key="donation_received", durable=False)
        bound = queue(connection.default_channel)
        exchange(connection.default_channel).declare()
        bound.declare()
        runner_factory(config, AidService).start()
        with ServiceRpcProxy("aid", config) as aid:
            donor = aid.create_donor(
                {"name": "张三", "kind": "individual", "phone": "13800138000"}, "finance:test", None
            )
            gift = {
                "donor_id": donor["donor_id"],
                "amount_fen": 8_800,
                "campaign_id": None,
                "received_on": "2026-08-01",
                "external_ref": "BANK-EVENT-1",
            }
            first, again = aid.donate(gift, "finance:test", None), aid.donate(gift, "finance:test", None)
        assert (first["created"], again["created"]) == (True, False)

        [message] = wait_until(lambda: [m for m in iter(lambda: bound.get(no_ack=True), None)] or None)
        payload = message.decode()
        assert payload["donation_id"] == first["donation"]["donation_id"] and payload["amount_fen"] == 8_800
        assert payload["event_id"] and payload["schema_version"] == 1
        body = message.body if isinstance(message.body, str) else message.body.decode()
        assert "13800138000" not in body and "张三" not in body
        assert bound.get(no_ack=True) is None
