from datetime import UTC, datetime, time, timedelta

import pytest

from services.notify.quiet_hours import NO_QUIET_HOURS, QuietHours
from shared.clock import SHANGHAI

NIGHT = QuietHours(time(22), time(8))
LUNCH = QuietHours(time(12), time(13))


def shanghai(day, hour, minute=0, second=0, microsecond=0):
    return datetime(2026, 3, day, hour, minute, second, microsecond, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "now, expected",
    [
        (shanghai(10, 21, 59, 59, 999999), shanghai(10, 21, 59, 59, 999999)),
        (shanghai(10, 22), shanghai(11, 8)),
        (shanghai(10, 23), shanghai(11, 8)),
        (shanghai(10, 23, 59, 59), shanghai(11, 8)),
        (shanghai(11, 0), shanghai(11, 8)),
        (shanghai(11, 3), shanghai(11, 8)),
        (shanghai(11, 7, 59, 59, 999999), shanghai(11, 8)),
        (shanghai(11, 8), shanghai(11, 8)),
        (shanghai(11, 12), shanghai(11, 12)),
    ],
)
def test_night_quiet_hours_boundaries(now, expected):
    assert NIGHT.next_allowed(now) == expected


def test_quiet_hours_end_at_08_00_shanghai_in_shanghai_time():
    result = NIGHT.next_allowed(shanghai(10, 23))

    assert result.utcoffset() == timedelta(hours=8)
    assert (result.hour, result.minute) == (8, 0)


def test_an_allowed_moment_comes_back_unchanged():
    now = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 Shanghai

    assert NIGHT.next_allowed(now) is now


def test_a_utc_now_is_judged_in_shanghai_time():
    fifteen_utc = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 23:00 Shanghai

    result = NIGHT.next_allowed(fifteen_utc)

    assert result == datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    assert result.tzinfo is not None


def test_a_utc_evening_that_is_already_the_shanghai_morning():
    half_past_eleven_utc = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 07:30 on the 11th in Shanghai

    assert NIGHT.next_allowed(half_past_eleven_utc) == shanghai(11, 8)


def test_a_utc_afternoon_that_is_a_shanghai_evening_is_allowed():
    one_pm_utc = datetime(2026, 3, 10, 13, 59, tzinfo=UTC)  # 21:59 Shanghai

    assert not NIGHT.is_quiet(one_pm_utc)


def test_quiet_hours_cross_the_year_end():
    now = datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI)

    assert NIGHT.next_allowed(now) == datetime(2027, 1, 1, 8, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "now, expected",
    [
        (shanghai(10, 11, 59), shanghai(10, 11, 59)),
        (shanghai(10, 12), shanghai(10, 13)),
        (shanghai(10, 12, 59), shanghai(10, 13)),
        (shanghai(10, 13), shanghai(10, 13)),
        (shanghai(10, 23), shanghai(10, 23)),
    ],
)
def test_a_same_day_window(now, expected):
    assert LUNCH.next_allowed(now) == expected


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError):
        NIGHT.next_allowed(datetime(2026, 3, 10, 23, 0))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("22:00-08:00", NIGHT),
        (" 22:00 - 8:00 ", NIGHT),
        ("12:00-13:00", LUNCH),
        ("21:30-07:45", QuietHours(time(21, 30), time(7, 45))),
    ],
)
def test_parse(text, expected):
    assert QuietHours.parse(text) == expected


@pytest.mark.parametrize("text", ["", "off", " OFF "])
def test_parse_off_disables_quiet_hours(text):
    quiet = QuietHours.parse(text)

    assert quiet == NO_QUIET_HOURS
    for hour in range(24):
        now = shanghai(10, hour)
        assert quiet.next_allowed(now) is now


@pytest.mark.parametrize("text", ["22-08", "22:00", "22:00-25:00", "22:60-08:00", "night"])
def test_parse_refuses_malformed_windows(text):
    with pytest.raises(ValueError):
        QuietHours.parse(text)


def test_from_config_reads_sms_quiet_hours(monkeypatch):
    monkeypatch.delenv("SMS_QUIET_HOURS", raising=False)

    assert QuietHours.from_config({}) == NIGHT
    assert QuietHours.from_config({"SMS_QUIET_HOURS": "12:00-13:00"}) == LUNCH
