"""nameko's @rpc, answering without publisher confirms, surviving a reply it cannot send, its request
queue typed by QUEUE_TYPE.

A reply goes to the caller's own exclusive queue, so a confirm cannot make it any safer: if it is
lost, the caller times out either way, and the work it asked for is already committed. Waiting for
the broker's confirm of every reply only costs a round trip. Requests keep their confirms: nameko
needs them to report a call to a service that is not running (UnknownService).

Every entrypoint is the service's edge: a DomainError its work raises is answered as the contract's
ServiceError (shared/edge.py).

nameko lets an error while publishing the reply (the broker is restarting) escape the worker, which
kills the whole service container: every other call and event in flight with it. Here the reply is
given up instead; the caller times out, as it would have anyway, and the request, never
acknowledged on the dead connection, comes back once the broker does.
"""

import logging
from functools import partial

from nameko.amqp.publish import Publisher
from nameko.rpc import Responder, Rpc, RpcConsumer

from shared import broker_acks  # noqa: F401  (acks that survive a lost connection)
from shared.edge import answers_in_contract_terms
from shared.errors import ServiceError
from shared.expected_errors import log_expected_errors_briefly
from shared.topology import queue_arguments

log = logging.getLogger(__name__)
_send_response = Responder.send_response


def send_response_or_give_up(self, result, exc_info):
    try:
        return _send_response(self, result, exc_info)
    except Exception as exc:  # whatever stops the reply, the service must live on
        log.warning("could not send an RPC reply (%s: %s); the caller will time out", type(exc).__name__, exc)
        return result, exc_info


Responder.publisher_cls = partial(Publisher, use_confirms=False)
Responder.send_response = send_response_or_give_up


class TypedRpcConsumer(RpcConsumer):
    """Consumes `rpc-<service>`, declared as a quorum queue when QUEUE_TYPE says so (replies stay classic: they
    are exclusive to the caller's connection)."""

    def setup(self):
        super().setup()
        self.queue.queue_arguments = queue_arguments(self.container.config)


class TypedRpc(Rpc):
    rpc_consumer = TypedRpcConsumer()

    def __init__(self, expected_exceptions=ServiceError, **kwargs):
        """A business error (ServiceError) is the answer the caller asked for, not a failure of the service."""
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def setup(self):
        log_expected_errors_briefly()
        super().setup()


def rpc(method):
    return TypedRpc.decorator(answers_in_contract_terms(method))


__all__ = ["rpc"]
