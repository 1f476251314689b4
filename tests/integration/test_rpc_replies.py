"""A service whose RPC reply cannot be published (the broker is restarting) lives on."""

import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout
from nameko.rpc import Responder
from nameko.standalone.rpc import ServiceRpcProxy

from shared.rpc import rpc


@pytest.fixture
def db_backend():
    """RPC replies over the broker; the database plays no part."""
    return "sqlite"


class Echo:
    name = "echo"

    @rpc
    def echo(self, value):
        return value


class BrokerGone:
    def __init__(self, *args, **kwargs):
        pass

    def publish(self, *args, **kwargs):
        raise OperationalError("[Errno 111] ECONNREFUSED")


def test_a_reply_that_cannot_be_sent_does_not_kill_the_service(config, runner_factory, monkeypatch):
    runner = runner_factory(config, Echo)
    runner.start()
    [container] = runner.containers

    monkeypatch.setattr(Responder, "publisher_cls", BrokerGone)
    with ServiceRpcProxy("echo", config, timeout=1) as echo:
        with pytest.raises(RpcTimeout):
            echo.echo("lost")
    monkeypatch.undo()

    assert not container._died.ready()
    with ServiceRpcProxy("echo", config, timeout=10) as echo:
        assert echo.echo("answered") == "answered"
