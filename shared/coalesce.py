"""Request coalescing: what concurrent workers ask for at the same moment goes out as one call.

While one call is in flight, the items of the workers that arrive meanwhile wait; when it returns,
one of them sends every waiting item in the next call. Nothing waits for a timer: a lone request
goes out at once, and under load each call carries what piled up during the previous one, so the
per-call cost (an RPC, a transaction) is shared by many requests.
"""

from eventlet.event import Event
from nameko.extensions import DependencyProvider


class _Waiting:
    __slots__ = ("item", "outcome", "failure", "answered")

    def __init__(self, item):
        self.item, self.outcome, self.failure, self.answered = item, None, None, False


class Coalescer:
    def __init__(self, most: int):
        self.most = most
        self.waiting: list[_Waiting] = []
        self.in_flight: Event | None = None

    def call(self, item, send_many):
        """`send_many(items)` answers a list of items with a list of outcomes, in order; returns this item's.

        An exception raised by `send_many` is raised to every worker whose item was in that call.
        """
        waiting = _Waiting(item)
        self.waiting.append(waiting)
        try:
            while not waiting.answered:
                if self.in_flight is None:
                    self._send(send_many)
                else:
                    self.in_flight.wait()
        except (
            BaseException
        ):  # this caller gave up (its timeout, or it was killed): if its item still waits, it stays unsent
            if waiting in self.waiting:
                self.waiting.remove(waiting)
            raise
        if waiting.failure is not None:
            raise waiting.failure
        return waiting.outcome

    def _send(self, send_many) -> None:
        batch, self.waiting = self.waiting[: self.most], self.waiting[self.most :]
        flight = self.in_flight = Event()
        try:
            outcomes = send_many([waiting.item for waiting in batch])
            for waiting, outcome in zip(batch, outcomes, strict=True):
                waiting.outcome = outcome
        except BaseException as exc:  # a timeout or a kill of the sending worker fails its whole call
            for waiting in batch:
                waiting.failure = exc
            if not isinstance(exc, Exception):
                raise
        finally:
            for waiting in batch:
                waiting.answered = True
            self.in_flight = None
            flight.send()


class Coalescing(DependencyProvider):
    """One Coalescer per service container; the worker gets its `call`."""

    def __init__(self, most: int = 100):
        self.most = most

    def setup(self):
        self.coalescer = Coalescer(self.most)

    def get_dependency(self, worker_ctx):
        return self.coalescer.call
