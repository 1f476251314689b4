"""Batched event handlers: a burst goes to one worker, is acknowledged after it, and a failed burst is retried one by one."""

from types import SimpleNamespace

import eventlet

from shared.batched_events import BatchedEventHandler


class Worker:
    """The service method: fails for any list holding the poison payload."""

    def __init__(self, poison=None):
        self.calls: list[list] = []
        self.poison = poison

    def __call__(self, payloads):
        self.calls.append(list(payloads))
        if self.poison in payloads:
            raise ValueError(f"cannot handle {self.poison}")


class Container:
    """Runs each worker in a greenthread, as nameko does, and hands its outcome to the entrypoint."""

    def __init__(self, worker: Worker):
        self.worker = worker
        self.threads = []

    def spawn_managed_thread(self, fn, identifier=None):
        self.threads.append(eventlet.spawn(fn))

    def spawn_worker(self, entrypoint, args, kwargs, context_data=None, handle_result=None):
        def run():
            try:
                self.worker(*args)
            except ValueError as exc:
                handle_result(SimpleNamespace(data=context_data), None, (type(exc), exc, exc.__traceback__))
            else:
                handle_result(SimpleNamespace(data=context_data), None, None)

        self.threads.append(eventlet.spawn(run))

    def settle(self):
        while self.threads:
            self.threads.pop(0).wait()


class QueueConsumer:
    def __init__(self):
        self.acked: list[str] = []

    def ack_message(self, message):
        self.acked.append(message.body)


def make_handler(worker: Worker):
    handler = BatchedEventHandler("aid", "application_submitted")
    handler.container = Container(worker)
    handler.queue_consumer = QueueConsumer()
    handler.queue = SimpleNamespace(name="evt-aid-application_submitted--notify.on_application_submitted")
    handler.arrived = []
    handler.alone = []  # messages that took the per-message path (ReliableEventHandler.handle_result)

    def handle_result(message, worker_ctx, result=None, exc_info=None):
        handler.alone.append((message.body, exc_info is None, worker_ctx.data))
        return result, exc_info

    handler.handle_result = handle_result
    return handler


def receive(handler, *bodies):
    """As the consumer does: every message it read from the socket, without yielding in between."""
    for body in bodies:
        handler.handle_message(body, SimpleNamespace(body=body, headers={}, payload=body))
    handler.container.settle()


def test_messages_received_together_reach_one_worker_as_a_list_and_are_acked_after_it():
    worker = Worker()
    handler = make_handler(worker)

    receive(handler, "a", "b", "c")

    assert worker.calls == [["a", "b", "c"]]
    assert handler.queue_consumer.acked == ["a", "b", "c"]
    assert handler.alone == []


def test_a_lone_message_is_handled_at_once_and_later_ones_start_a_new_list():
    worker = Worker()
    handler = make_handler(worker)

    receive(handler, "a")
    receive(handler, "b", "c")

    assert worker.calls == [["a"], ["b", "c"]]
    assert handler.queue_consumer.acked == ["a", "b", "c"]


def test_a_failed_list_is_handled_again_one_message_at_a_time_so_only_the_poison_fails():
    worker = Worker(poison="bad")
    handler = make_handler(worker)

    receive(handler, "a", "bad", "c")

    assert worker.calls == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]
    assert handler.queue_consumer.acked == []  # each message is settled by the per-message path, not by the list
    assert [(body, succeeded) for body, succeeded, _ in handler.alone] == [("a", True), ("bad", False), ("c", True)]


def test_a_lone_message_that_fails_goes_straight_to_the_per_message_path():
    worker = Worker(poison="bad")
    handler = make_handler(worker)

    receive(handler, "bad")

    assert worker.calls == [["bad"]]
    assert [(body, succeeded) for body, succeeded, _ in handler.alone] == [("bad", False)]


def contexts_of_workers(handler) -> list:
    seen = []
    spawn_worker = handler.container.spawn_worker

    def spawn_and_note(*args, context_data=None, **kwargs):
        seen.append(context_data)
        return spawn_worker(*args, context_data=context_data, **kwargs)

    handler.container.spawn_worker = spawn_and_note
    return seen


def test_a_worker_for_many_events_speaks_for_no_single_request_and_one_for_a_lone_event_for_its_request():
    handler = make_handler(Worker())
    seen = contexts_of_workers(handler)

    receive(handler, {"request_id": "req-1"}, {"request_id": "req-2"})
    receive(handler, {"request_id": "req-3"})

    assert [context.get("request_id") for context in seen] == [None, "req-3"]
