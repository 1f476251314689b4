"""nameko's @rpc, answering without publisher confirms.

A reply goes to the caller's own exclusive queue, so a confirm cannot make it any safer: if it is
lost, the caller times out either way, and the work it asked for is already committed. Waiting for
the broker's confirm of every reply only costs a round trip. Requests keep their confirms: nameko
needs them to report a call to a service that is not running (UnknownService).
"""
from functools import partial

from nameko.amqp.publish import Publisher
from nameko.rpc import Responder, rpc

Responder.publisher_cls = partial(Publisher, use_confirms=False)

__all__ = ["rpc"]
