"""nameko's RpcProxy, but a call waits at most RPC_TIMEOUT seconds for its answer.

nameko 2's proxy waits for ever: a service that stops answering (hung, frozen, its queue never
consumed) would hold every worker that calls it, and with them the caller's capacity for any other
work. Here a call with no answer in time raises service_unavailable, an ordinary ServiceError: it
crosses RPC intact to become a 503 at the gateway, and an event handler that meets it fails like on
any other error, so its event is retried, then parked (shared/retry.py).
"""

import copy

import eventlet
from nameko.rpc import MethodProxy, RpcProxy, ServiceProxy

from shared.config import setting
from shared.errors import service_unavailable


class TimedMethodProxy(MethodProxy):
    timeout: float

    def __call__(self, *args, **kwargs):
        call = copy.copy(self)  # this call's own view of the reply listener, whoever else uses this proxy at once
        call.reply_listener = replies = OneReply(self.reply_listener)
        deadline = eventlet.Timeout(self.timeout)
        try:
            return call._call(
                *args, **kwargs
            ).result()  # the publish too: a broker that blocks publishers must not hold us
        except eventlet.Timeout as expired:
            if expired is not deadline:  # a caller's own, outer timeout
                raise
            raise service_unavailable() from None
        finally:
            deadline.cancel()
            replies.forget()


class OneReply:
    """The reply listener as one call uses it: it knows the reply the call waits for, so that a call that ends
    without it (any timeout, in the publish or after) stops waiting; nameko would keep its event until it came."""

    def __init__(self, listener):
        self.listener, self.routing_key, self.correlation_id = listener, listener.routing_key, None

    def get_reply_event(self, correlation_id):
        self.correlation_id = correlation_id
        return self.listener.get_reply_event(correlation_id)

    def forget(self) -> None:
        """Nothing is left once the reply came (the listener takes it out as it hands it over)."""
        self.listener._reply_events.pop(self.correlation_id, None)


class TimedServiceProxy(ServiceProxy):
    def __init__(self, worker_ctx, service_name, reply_listener, timeout: float, **options):
        super().__init__(worker_ctx, service_name, reply_listener, **options)
        self.timeout = timeout

    def __getattr__(self, name):
        method = TimedMethodProxy(self.worker_ctx, self.service_name, name, self.reply_listener, **self.options)
        method.timeout = self.timeout
        return method


class TimedRpcProxy(RpcProxy):
    """`registry = TimedRpcProxy("registry")` in a service: calls to it time out after RPC_TIMEOUT seconds."""

    def get_dependency(self, worker_ctx):
        timeout = float(setting("RPC_TIMEOUT", self.container.config))
        return TimedServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, timeout, **self.options)
