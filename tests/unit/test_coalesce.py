"""Request coalescing: concurrent callers share calls, each gets its own answer, failures reach the right callers."""

import eventlet
import pytest

from shared.coalesce import Coalescer


class Backend:
    """Answers each item with its double after a short wait; remembers the batches it was sent."""

    def __init__(self, fail_on=None):
        self.batches: list[list] = []
        self.fail_on = fail_on

    def send_many(self, items: list) -> list:
        self.batches.append(list(items))
        eventlet.sleep(0.01)
        if self.fail_on in items:
            raise RuntimeError(f"backend refused the call carrying {self.fail_on}")
        return [item * 2 for item in items]


def call_concurrently(coalescer: Coalescer, backend: Backend, items) -> list:
    threads = [eventlet.spawn(coalescer.call, item, backend.send_many) for item in items]
    outcomes = []
    for thread in threads:
        try:
            outcomes.append(thread.wait())
        except RuntimeError as error:
            outcomes.append(error)
    return outcomes


def test_a_lone_call_goes_out_at_once():
    backend = Backend()
    assert Coalescer(most=10).call(21, backend.send_many) == 42
    assert backend.batches == [[21]]


def test_callers_arriving_during_a_call_share_the_next_one_and_each_gets_its_own_answer():
    backend = Backend()
    outcomes = call_concurrently(Coalescer(most=100), backend, range(20))
    assert outcomes == [item * 2 for item in range(20)]
    assert backend.batches == [[0], list(range(1, 20))]


def test_no_call_carries_more_than_the_limit():
    backend = Backend()
    outcomes = call_concurrently(Coalescer(most=4), backend, range(11))
    assert outcomes == [item * 2 for item in range(11)]
    assert [len(batch) for batch in backend.batches] == [1, 4, 4, 2]
    assert sorted(item for batch in backend.batches for item in batch) == list(range(11))


def test_a_failed_call_fails_its_own_callers_only():
    backend = Backend(fail_on=5)
    outcomes = call_concurrently(Coalescer(most=3), backend, range(8))
    failed = {item for item, outcome in zip(range(8), outcomes) if isinstance(outcome, RuntimeError)}
    carrying_5 = next(batch for batch in backend.batches if 5 in batch)
    assert failed == set(carrying_5)
    assert all(outcome == item * 2 for item, outcome in zip(range(8), outcomes) if item not in failed)


def test_a_timeout_of_the_sending_caller_reaches_everyone_in_its_call():
    def never_answers(items):
        eventlet.sleep(10)

    coalescer = Coalescer(most=10)

    def with_timeout(item):
        with eventlet.Timeout(0.05):
            return coalescer.call(item, never_answers)

    threads = [eventlet.spawn(with_timeout, item) for item in range(3)]
    for thread in threads:
        with pytest.raises(eventlet.Timeout):
            thread.wait()
    assert coalescer.in_flight is None and coalescer.waiting == []


def test_an_answer_of_the_wrong_length_is_an_error_for_the_whole_call():
    coalescer = Coalescer(most=10)
    with pytest.raises(ValueError):
        coalescer.call(1, lambda items: [])


def test_a_caller_that_gives_up_while_waiting_is_not_sent_later():
    backend = Backend()
    coalescer = Coalescer(most=10)

    def impatient(item):
        with eventlet.Timeout(0.001):
            return coalescer.call(item, backend.send_many)

    first = eventlet.spawn(coalescer.call, 1, backend.send_many)
    eventlet.sleep(0)
    with pytest.raises(eventlet.Timeout):
        eventlet.spawn(impatient, 2).wait()
    assert first.wait() == 2
    assert coalescer.call(3, backend.send_many) == 6
    assert backend.batches == [[1], [3]]
