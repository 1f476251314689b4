import random

import pytest

from services.notify.backoff import delays_from_config, parse_delays, retry_delay

DELAYS = [10.0, 60.0, 300.0, 1800.0]


@pytest.mark.parametrize(
    "attempt, draw, expected",
    [(1, 0.0, 5.0), (1, 0.5, 7.5), (1, 1.0, 10.0), (2, 0.0, 30.0), (3, 0.5, 225.0), (4, 1.0, 1800.0)],
)
def test_the_attempt_s_delay_is_jittered_between_half_and_all_of_it(attempt, draw, expected):
    assert retry_delay(attempt, DELAYS, rng=lambda: draw) == expected


def test_jitter_stays_within_bounds_with_real_randomness():
    rng = random.Random(7).random
    draws = [retry_delay(3, DELAYS, rng=rng) for _ in range(1000)]

    assert all(150.0 <= delay <= 300.0 for delay in draws)
    assert max(draws) - min(draws) > 100  # really spread, not a constant


def test_attempts_beyond_the_configured_delays_are_exhausted():
    assert retry_delay(5, DELAYS, rng=lambda: 0.5) is None
    assert retry_delay(1, [], rng=lambda: 0.5) is None


def test_attempts_count_from_one():
    with pytest.raises(ValueError):
        retry_delay(0, DELAYS)


@pytest.mark.parametrize(
    "text, expected",
    [("10,60,300,1800", DELAYS), (" 10 , 60 ,", [10.0, 60.0]), ("0.5", [0.5]), ("", [])],
)
def test_parse_delays(text, expected):
    assert parse_delays(text) == expected


@pytest.mark.parametrize("text", ["10,-1", "10,soon"])
def test_parse_delays_refuses_bad_values(text):
    with pytest.raises(ValueError):
        parse_delays(text)


def test_delays_from_config_reads_sms_retry_delays(monkeypatch):
    monkeypatch.delenv("SMS_RETRY_DELAYS", raising=False)

    assert delays_from_config({}) == DELAYS
    assert delays_from_config({"SMS_RETRY_DELAYS": "1,2"}) == [1.0, 2.0]
