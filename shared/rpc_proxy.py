"""nameko's RpcProxy, but a call waits at most RPC_TIMEOUT seconds for its answer.

nameko 2's proxy waits for ever: a service that stops answering (hung, frozen, its queue never
consumed) would hold every worker that calls it, and with them the caller's capacity for any other
work. Here a call with no answer in time raises service_unavailable, an ordinary ServiceError: it
crosses RPC intact to become a 503 at the gateway, and an event handler that meets it fails like on
any other error, so its event is retried, then parked (shared/retry.py).
"""
import eventlet
from nameko.rpc import MethodProxy, RpcProxy, ServiceProxy

from shared.config import setting
from shared.errors import service_unavailable


class TimedMethodProxy(MethodProxy):
    timeout: float

    def __call__(self, *args, **kwargs):
        reply = None
        deadline = eventlet.Timeout(self.timeout)
        try:
            reply = self._call(*args, **kwargs)  # the publish too: a broker that blocks publishers must not hold us
            return reply.result()
        except eventlet.Timeout as expired:
            if expired is not deadline:  # a caller's own, outer timeout
                raise
            if reply is not None:
                self.forget(reply)
            raise service_unavailable() from None
        finally:
            deadline.cancel()

    def forget(self, reply) -> None:
        """Stop waiting for a reply that may never come: nameko would keep its event until it did."""
        events = self.reply_listener._reply_events
        for correlation_id in [key for key, event in events.items() if event is reply.reply_event]:
            del events[correlation_id]


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
