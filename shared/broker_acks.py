"""Acknowledging a message on a connection the broker has just closed: give it up, never die of it.

nameko's QueueConsumer acks or requeues only while the message's connection looks alive, and ignores
amqp's own ConnectionError. But while the broker goes down, the socket is reset between that check
and the write (the consumer's thread is still answering the broker's connection.close), and the
OSError (ConnectionResetError, BrokenPipeError) escapes the worker's result handler: nameko then kills
the whole service container, and the process exits. A message left unacknowledged on a dead
connection is delivered again once the broker is back, and every handler is idempotent
(shared/inbox.py), so giving up the ack loses nothing.

Imported for its effect by shared/rpc.py and shared/retry.py, the modules of every consuming entrypoint.
"""

import functools
import logging

from nameko.messaging import QueueConsumer

log = logging.getLogger(__name__)


def _or_left_to_the_broker(settle):
    @functools.wraps(settle)
    def settle_or_leave_it(self, message):
        try:
            settle(self, message)
        except OSError as exc:
            log.warning(
                "could not %s a message: the connection is gone (%s: %s); the broker will deliver it again",
                settle.__name__.split("_")[0],
                type(exc).__name__,
                exc,
            )

    return settle_or_leave_it


QueueConsumer.ack_message = _or_left_to_the_broker(QueueConsumer.ack_message)
QueueConsumer.requeue_message = _or_left_to_the_broker(QueueConsumer.requeue_message)
