"""Event handlers that take the events which arrived together as one list: one worker, one transaction.

nameko runs a worker for each message; for a handler whose work is a row, setting up the worker
(every dependency of the service), committing its own transaction and acknowledging cost more
than the work. Here the messages the consumer receives in one go (all it reads before it waits on
the socket again: up to the prefetch count under load, one when idle, so nothing waits for a timer)
reach one worker as a list of events (each read through its schema), and are acknowledged once it has returned.

The handler must do all or nothing (one transaction). When it fails, each message of the list is
handled again on its own, so a poison message is retried and parked by itself (ReliableEventHandler)
and cannot hold back the events that came with it.
"""

import logging
from functools import partial, wraps

from nameko.exceptions import ContainerBeingKilled

from shared.retry import ReliableEventHandler, failure_reason

log = logging.getLogger(__name__)


class BatchedEventHandler(ReliableEventHandler):
    @staticmethod
    def reading(read, method):
        @wraps(method)
        def handler(service, payloads):
            return method(service, [read(payload) for payload in payloads])

        return handler

    def setup(self) -> None:
        super().setup()
        self.arrived: list[tuple] = []  # (payload, message) received and not yet given to a worker

    def handle_message(self, body, message):
        self.arrived.append((body, message))
        if len(self.arrived) == 1:  # the consumer is reading a burst: hand it over once it waits on the socket
            self.container.spawn_managed_thread(self._hand_over, identifier=f"{self.queue.name}.hand_over")

    def _hand_over(self):
        arrived, self.arrived = self.arrived, []
        # a worker for many events speaks for no single request (each payload carries its own id)
        context_data = self.unpack_message_headers(arrived[0][1]) if len(arrived) == 1 else {}
        self._spawn(([body for body, _ in arrived],), context_data, partial(self.handle_batch_result, arrived), arrived)

    def _spawn(self, args, context_data, handle_result, arrived):
        try:
            self.container.spawn_worker(self, args, {}, context_data=context_data, handle_result=handle_result)
        except ContainerBeingKilled:
            for _, message in arrived:
                self.queue_consumer.requeue_message(message)

    def handle_batch_result(self, arrived, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            for _, message in arrived:
                self.queue_consumer.ack_message(message)
            return result, exc_info
        if len(arrived) == 1:
            return self.handle_result(arrived[0][1], worker_ctx, result, exc_info)
        log.warning(
            "%d events on %s failed together (%s); handling each on its own",
            len(arrived),
            self.queue.name,
            failure_reason(exc_info),
        )
        # from a thread of its own: this worker holds a place in the pool the single workers wait for
        self.container.spawn_managed_thread(
            partial(self._one_by_one, arrived), identifier=f"{self.queue.name}.one_by_one"
        )
        return result, exc_info

    def _one_by_one(self, arrived):
        for body, message in arrived:
            self._spawn(
                ([body],), self.unpack_message_headers(message), partial(self.handle_result, message), [(body, message)]
            )


batched_event_handler = BatchedEventHandler.decorator
