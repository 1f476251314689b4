"""Acknowledging or requeueing a message: a failure leaves the message to the broker, never kills the service.

nameko acks and requeues from the worker's result handler, and any exception there kills the whole
service container (the process exits). nameko checks only that the message's connection looks alive
and ignores amqp's own ConnectionError, but other failures are ordinary while the broker goes down:
the socket is reset between that check and the write (a plain OSError: ConnectionResetError,
BrokenPipeError), or the broker stops reading, the write blocks, and the next worker's ack on the same
socket meets eventlet's "second simultaneous write" RuntimeError.

A message left unsettled stays with the broker: it is delivered again when its connection closes
(every handler is idempotent, shared/inbox.py), so giving up the ack loses nothing. A lost connection
is a warning; anything else is logged as an error with its traceback.

Imported for its effect by shared/rpc.py and shared/retry.py, the modules of every consuming entrypoint.
"""

import functools
import logging

from nameko.messaging import QueueConsumer

log = logging.getLogger(__name__)
LEFT = "the broker will deliver it again"


def _or_left_to_the_broker(settle):
    action = settle.__name__.split("_")[0]

    @functools.wraps(settle)
    def settle_or_leave_it(self, message):
        try:
            settle(self, message)
        except OSError as exc:
            log.warning(
                "could not %s a message: the connection is gone (%s: %s); %s", action, type(exc).__name__, exc, LEFT
            )
        except Exception:
            log.exception("could not %s a message; %s", action, LEFT)

    return settle_or_leave_it


QueueConsumer.ack_message = _or_left_to_the_broker(QueueConsumer.ack_message)
QueueConsumer.requeue_message = _or_left_to_the_broker(QueueConsumer.requeue_message)
