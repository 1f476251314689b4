"""nameko's @rpc, answering without publisher confirms, its request queue typed by QUEUE_TYPE.

A reply goes to the caller's own exclusive queue, so a confirm cannot make it any safer: if it is
lost, the caller times out either way, and the work it asked for is already committed. Waiting for
the broker's confirm of every reply only costs a round trip. Requests keep their confirms: nameko
needs them to report a call to a service that is not running (UnknownService).
"""
from functools import partial

from nameko.amqp.publish import Publisher
from nameko.rpc import Responder, Rpc, RpcConsumer

from shared.topology import queue_arguments

Responder.publisher_cls = partial(Publisher, use_confirms=False)


class TypedRpcConsumer(RpcConsumer):
    """Consumes `rpc-<service>`, declared as a quorum queue when QUEUE_TYPE says so (replies stay classic: they
    are exclusive to the caller's connection)."""

    def setup(self):
        super().setup()
        self.queue.queue_arguments = queue_arguments(self.container.config)


class TypedRpc(Rpc):
    rpc_consumer = TypedRpcConsumer()


rpc = TypedRpc.decorator

__all__ = ["rpc"]
