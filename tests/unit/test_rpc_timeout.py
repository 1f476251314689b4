"""Every call between services waits at most RPC_TIMEOUT for its answer, then fails with service_unavailable (an
ordinary exception: a 503 at the gateway, a retry for an event handler), and forgets the reply it waited for."""

import time
from types import SimpleNamespace

import eventlet
import pytest

from shared.errors import ServiceError
from shared.rpc_proxy import TimedMethodProxy, TimedRpcProxy


class ReplyListener:
    routing_key = "replies"

    def __init__(self):
        self._reply_events = {}

    def get_reply_event(self, correlation_id):
        event = self._reply_events[correlation_id] = eventlet.Event()
        return event


class Registry:
    """Stands in for the broker and the called service: answers what `answers` holds, or never."""

    listener = ReplyListener()
    answers = {}

    def __init__(self, *args, **kwargs):
        pass

    def publish(self, msg, routing_key, correlation_id, **kwargs):
        method = routing_key.split(".", 1)[1]
        if method == "blocked":  # a broker that holds its publishers
            eventlet.sleep(10)
        if method in self.answers:
            self.listener._reply_events.pop(correlation_id).send({"result": self.answers[method], "error": None})


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(TimedMethodProxy, "publisher_cls", Registry)
    monkeypatch.setattr(Registry, "listener", ReplyListener())
    monkeypatch.setattr(Registry, "answers", {"applicants": {"w1": "active"}})
    proxy = TimedRpcProxy("registry")
    proxy.container = SimpleNamespace(config={"RPC_TIMEOUT": "0.2", "AMQP_URI": "memory://"})
    proxy.rpc_reply_listener = Registry.listener
    worker_ctx = SimpleNamespace(container=proxy.container, context_data={})
    return proxy.get_dependency(worker_ctx)


def test_an_answer_in_time_is_returned(registry):
    assert registry.applicants(["w1"]) == {"w1": "active"}


def test_a_service_that_does_not_answer_is_unavailable_after_rpc_timeout(registry):
    started = time.monotonic()
    with pytest.raises(ServiceError) as failure:
        registry.payees(["w1"])
    assert 0.2 <= time.monotonic() - started < 1
    assert (failure.value.code, failure.value.status) == ("service_unavailable", 503)
    assert "后台服务暂时无响应" in failure.value.message
    assert Registry.listener._reply_events == {}  # no event kept for a reply that may never come


def test_a_callers_own_shorter_timeout_stays_its_own(registry):
    with pytest.raises(eventlet.Timeout), eventlet.Timeout(0.05):
        registry.payees(["w1"])
    assert Registry.listener._reply_events == {}  # nor for that caller


def test_a_publish_the_broker_holds_is_unavailable_and_forgotten(registry):
    with pytest.raises(ServiceError) as failure:
        registry.blocked(["w1"])
    assert failure.value.code == "service_unavailable"
    assert Registry.listener._reply_events == {}
