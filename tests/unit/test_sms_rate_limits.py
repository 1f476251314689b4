from datetime import UTC, datetime, timedelta

import pytest

from services.notify.rate_limits import RateLimitSettings, TokenBucket, next_allowed_for_number
from shared.clock import SHANGHAI


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def send_all(bucket, clock, count, oversleep=0.0):
    """A sender loop: take a token, or sleep as told (plus any scheduler lateness) and ask again."""
    started, sent = clock.now, 0
    for _ in range(10 * count):  # bounded, so a broken bucket fails the test instead of hanging it
        if sent == count:
            break
        wait = bucket.take()
        if wait:
            clock.sleep(wait + oversleep)
        else:
            sent += 1
    assert sent == count, "the bucket stopped letting the sender through"
    return clock.now - started


def test_2000_messages_at_100_per_second_take_19_seconds_after_a_one_second_burst():
    clock = FakeClock()

    elapsed = send_all(TokenBucket(100, monotonic=clock), clock, 2000)

    assert elapsed == pytest.approx((2000 - 100) / 100, rel=0.01)


def test_a_long_run_keeps_the_configured_rate():
    clock = FakeClock()
    bucket = TokenBucket(100, monotonic=clock)
    send_all(bucket, clock, 100)  # spend the burst

    elapsed = send_all(bucket, clock, 10_000)

    assert 10_000 / elapsed == pytest.approx(100, rel=0.01)


def test_a_sender_that_oversleeps_still_keeps_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(100, monotonic=clock)
    send_all(bucket, clock, 100)

    elapsed = send_all(bucket, clock, 10_000, oversleep=0.003)

    assert 10_000 / elapsed == pytest.approx(100, rel=0.01)


def test_a_full_bucket_allows_one_second_of_burst_then_says_how_long_to_wait():
    clock = FakeClock()
    bucket = TokenBucket(100, monotonic=clock)

    assert [bucket.take() for _ in range(100)] == [0.0] * 100
    assert bucket.take() == pytest.approx(0.01)


def test_a_reported_wait_takes_nothing():
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=1, monotonic=clock)
    assert bucket.take() == 0.0

    clock.sleep(0.05)
    assert bucket.take() == pytest.approx(0.05)
    assert bucket.take() == pytest.approx(0.05)  # not 0.15: the earlier call reserved nothing
    clock.sleep(0.05)
    assert bucket.take() == 0.0


def test_idle_time_does_not_bank_more_than_the_capacity():
    clock = FakeClock()
    bucket = TokenBucket(100, monotonic=clock)
    clock.sleep(3600)

    immediate = 0
    while bucket.take() == 0.0:
        immediate += 1

    assert immediate == 100


def test_taking_several_tokens_at_once():
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=5, monotonic=clock)

    assert bucket.take(3) == 0.0
    assert bucket.take(3) == pytest.approx(0.1)
    clock.sleep(0.1)
    assert bucket.take(3) == 0.0


def test_a_slow_rate_still_holds_one_token():
    clock = FakeClock()
    bucket = TokenBucket(0.5, monotonic=clock)

    assert bucket.take() == 0.0
    assert bucket.take() == pytest.approx(2.0)


@pytest.mark.parametrize("rate, capacity, n", [(0, None, 1), (-1, None, 1), (10, 0.5, 1), (10, 5, 6)])
def test_impossible_buckets_and_takes_are_refused(rate, capacity, n):
    with pytest.raises(ValueError):
        TokenBucket(rate, capacity, monotonic=FakeClock()).take(n)


NOW = datetime(2026, 3, 10, 14, 0, tzinfo=SHANGHAI)


def minutes_ago(*minutes):
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_a_number_with_no_sms_may_get_one_now():
    assert next_allowed_for_number([], NOW, per_hour=5, per_day=20) is NOW


def test_under_the_hourly_limit_it_may_go_now():
    assert next_allowed_for_number(minutes_ago(50, 40, 30, 20), NOW, per_hour=5, per_day=20) is NOW


def test_at_the_hourly_limit_it_waits_until_the_oldest_send_is_an_hour_old():
    sent = minutes_ago(10, 50, 30, 20, 40)

    assert next_allowed_for_number(sent, NOW, per_hour=5, per_day=20) == NOW + timedelta(minutes=10)


def test_a_send_exactly_an_hour_ago_no_longer_counts():
    assert next_allowed_for_number(minutes_ago(60, 40, 30, 20, 10), NOW, per_hour=5, per_day=20) == NOW


def test_more_sends_than_the_limit_wait_for_enough_of_them_to_leave_the_hour():
    sent = minutes_ago(55, 50, 40, 30, 20, 10)  # one more than allowed, e.g. one in flight

    assert next_allowed_for_number(sent, NOW, per_hour=5, per_day=20) == NOW + timedelta(minutes=10)


def test_at_the_daily_limit_it_waits_for_the_next_shanghai_day():
    sent = [datetime(2026, 3, 10, 0, 10, tzinfo=SHANGHAI) + timedelta(minutes=30 * i) for i in range(20)]

    result = next_allowed_for_number(sent, NOW, per_hour=5, per_day=20)

    assert result == datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI)
    assert result.utcoffset() == timedelta(hours=8)


def test_yesterday_s_sends_do_not_count_towards_today():
    sent = [datetime(2026, 3, 9, 8, 0, tzinfo=SHANGHAI) + timedelta(minutes=30 * i) for i in range(20)]

    assert next_allowed_for_number(sent, NOW, per_hour=5, per_day=20) is NOW


def test_the_day_is_the_shanghai_calendar_day_not_the_utc_one():
    # 00:00-00:19 on 10 March in Shanghai is still 9 March in UTC.
    sent = [datetime(2026, 3, 9, 16, i, tzinfo=UTC) for i in range(20)]
    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 on 10 March in Shanghai

    assert next_allowed_for_number(sent, now, per_hour=0, per_day=20) == datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI)


def test_when_the_day_frees_up_the_hourly_limit_may_still_hold():
    evening = [datetime(2026, 3, 10, hour, 0, tzinfo=SHANGHAI) for hour in (9, 12, 15)]
    late = [datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI), datetime(2026, 3, 10, 23, 40, tzinfo=SHANGHAI)]
    now = datetime(2026, 3, 10, 23, 50, tzinfo=SHANGHAI)

    result = next_allowed_for_number(evening + late, now, per_hour=2, per_day=5)

    assert result == datetime(2026, 3, 11, 0, 30, tzinfo=SHANGHAI)


def test_zero_means_unlimited():
    sent = minutes_ago(*range(1, 50))

    assert next_allowed_for_number(sent, NOW, per_hour=0, per_day=0) is NOW
    assert next_allowed_for_number(sent, NOW, per_hour=0, per_day=100) is NOW
    assert next_allowed_for_number(sent, NOW, per_hour=100, per_day=0) is NOW


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError):
        next_allowed_for_number([], datetime(2026, 3, 10, 14, 0), per_hour=5, per_day=20)


def test_settings_from_config(monkeypatch):
    for key in ("SMS_PROVIDER_QPS", "SMS_PER_NUMBER_PER_HOUR", "SMS_PER_NUMBER_PER_DAY"):
        monkeypatch.delenv(key, raising=False)

    assert RateLimitSettings.from_config({}) == RateLimitSettings(100.0, 5, 20)
    assert RateLimitSettings.from_config({"SMS_PROVIDER_QPS": "20", "SMS_PER_NUMBER_PER_DAY": "0"}) == (
        RateLimitSettings(20.0, 5, 0)
    )
