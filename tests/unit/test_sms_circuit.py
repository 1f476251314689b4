import pytest

from services.notify.circuit import CircuitBreaker


class FakeClock:
    def __init__(self):
        self.now = 500.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def breaker(clock):
    return CircuitBreaker(failures_to_open=5, reset_seconds=60, monotonic=clock)


def fail(breaker, times):
    for _ in range(times):
        breaker.record_failure()


def open_it(breaker):
    fail(breaker, breaker.failures_to_open)
    assert breaker.state == "open"


def test_a_new_breaker_is_closed_and_allows_calls(breaker):
    assert breaker.state == "closed"
    assert breaker.allow() and breaker.allow()


def test_it_opens_on_the_nth_consecutive_failure(breaker):
    fail(breaker, 4)
    assert breaker.state == "closed"
    assert breaker.allow()

    breaker.record_failure()

    assert breaker.state == "open"
    assert not breaker.allow()


def test_a_success_resets_the_failure_count(breaker):
    fail(breaker, 4)
    breaker.record_success()
    fail(breaker, 4)

    assert breaker.state == "closed"


def test_it_stays_open_until_reset_seconds_have_passed(breaker, clock):
    open_it(breaker)

    clock.now += 59.9
    assert breaker.state == "open"
    assert not breaker.allow()

    clock.now += 0.1
    assert breaker.state == "half_open"


def test_half_open_lets_exactly_one_trial_through(breaker, clock):
    open_it(breaker)
    clock.now += 60

    assert breaker.allow()
    assert not breaker.allow()
    assert breaker.state == "half_open"


def test_a_successful_trial_closes_the_circuit(breaker, clock):
    open_it(breaker)
    clock.now += 60
    breaker.allow()

    breaker.record_success()

    assert breaker.state == "closed"
    assert breaker.allow() and breaker.allow()
    fail(breaker, 4)
    assert breaker.state == "closed"  # counting starts afresh


def test_a_failed_trial_reopens_with_a_fresh_timer(breaker, clock):
    open_it(breaker)
    clock.now += 60
    breaker.allow()
    clock.now += 2

    breaker.record_failure()

    assert breaker.state == "open"
    clock.now += 59.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.allow()


def test_a_trial_whose_outcome_never_comes_is_replaced_after_reset_seconds(breaker, clock):
    open_it(breaker)
    clock.now += 60
    assert breaker.allow()

    clock.now += 59
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_late_outcomes_while_open_neither_extend_nor_end_the_pause(breaker, clock):
    open_it(breaker)
    clock.now += 30

    fail(breaker, 5)  # calls that were already in flight when it opened
    breaker.record_success()

    assert breaker.state == "open"
    clock.now += 30
    assert breaker.state == "half_open"


def test_from_config(monkeypatch, clock):
    monkeypatch.delenv("SMS_CIRCUIT_FAILURES", raising=False)
    monkeypatch.delenv("SMS_CIRCUIT_RESET_SECONDS", raising=False)

    default = CircuitBreaker.from_config({}, monotonic=clock)
    custom = CircuitBreaker.from_config(
        {"SMS_CIRCUIT_FAILURES": "2", "SMS_CIRCUIT_RESET_SECONDS": "5"}, monotonic=clock
    )

    assert (default.failures_to_open, default.reset_seconds) == (5, 60.0)
    fail(custom, 2)
    assert custom.state == "open"
    clock.now += 5
    assert custom.state == "half_open"


@pytest.mark.parametrize("failures, reset", [(0, 60), (5, -1)])
def test_impossible_settings_are_refused(failures, reset):
    with pytest.raises(ValueError):
        CircuitBreaker(failures, reset)
