"""公示 counts working days on the official calendar: holidays off, make-up days (调休) on, unknown years refused."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from nameko.exceptions import deserialize, serialize

from services.aid.domain.workdays import (
    ENTERED,
    NO_CALENDAR,
    OFFICIAL,
    YearCalendar,
    calendar_missing,
    entered_year,
    is_working_day,
    missing_years,
    publicity_end,
)
from services.aid.official_calendar import official_years
from shared.domain_errors import Refused
from shared.edge import service_error

OFFICIAL_YEARS = official_years()


def days(*texts: str) -> frozenset[date]:
    return frozenset(map(date.fromisoformat, texts))


def missing_year_of(refusal) -> tuple:
    error = service_error(refusal.value)  # as the HTTP contract has it
    return error.code, error.status, error.body()["error"]["year"], str(error.extra["year"]) in error.message


@pytest.mark.parametrize(
    "approved_on, working_days, ends_on",
    [
        (
            "2026-02-11",
            5,
            "2026-02-25",
        ),  # 春节: Saturday 2-14 is worked, 2-15..2-23 are off (Monday to Friday gave 2-18)
        ("2026-09-30", 3, "2026-10-10"),  # 国庆: 10-1..10-7 off, then Thursday, Friday and the make-up Saturday 10-10
        ("2026-09-18", 1, "2026-09-20"),  # a make-up Sunday (9-20) is the first working day after a Friday
        ("2026-08-10", 5, "2026-08-17"),  # an ordinary week: Monday to Friday, over one weekend
        ("2026-08-07", 1, "2026-08-10"),  # approved on a Friday: the notice starts Monday
        ("2026-08-10", 0, "2026-08-10"),
    ],
)
def test_the_notice_counts_working_days_of_the_official_calendar(approved_on, working_days, ends_on):
    assert publicity_end(date.fromisoformat(approved_on), working_days, OFFICIAL_YEARS) == date.fromisoformat(ends_on)


def test_an_entered_year_counts_like_an_official_one():
    calendar = {2031: YearCalendar(2031, days("2031-01-01", "2031-01-02"), days("2031-01-04"), ENTERED)}
    assert is_working_day(date(2031, 1, 4), calendar)  # a Saturday, worked
    assert not is_working_day(date(2031, 1, 2), calendar)  # a Thursday, off
    assert publicity_end(date(2031, 1, 1), 2, calendar) == date(2031, 1, 4)


def test_a_notice_running_into_a_year_with_no_calendar_is_refused_naming_that_year():
    with pytest.raises(Refused) as refusal:
        publicity_end(date(2026, 12, 28), 5, OFFICIAL_YEARS)
    assert missing_year_of(refusal) == ("calendar_missing", 409, 2027, True)


def test_a_notice_ending_before_the_missing_year_is_counted():
    assert publicity_end(date(2026, 12, 21), 5, OFFICIAL_YEARS) == date(2026, 12, 28)


def test_no_calendar_knows_no_year():
    with pytest.raises(Refused) as refusal:
        publicity_end(date(2026, 8, 10), 1, NO_CALENDAR)
    assert missing_year_of(refusal) == ("calendar_missing", 409, 2026, True)


def test_the_built_in_calendar_knows_the_years_of_the_package_and_agrees_with_it_day_by_day():
    assert (min(OFFICIAL_YEARS), max(OFFICIAL_YEARS)) == (2004, 2026)  # chinesecalendar 1.11.0
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert is_working_day(day, OFFICIAL_YEARS) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert all(year.source == OFFICIAL for year in OFFICIAL_YEARS.values())


@pytest.mark.parametrize(
    "today, known, missing",
    [
        ("2026-10-31", {2026}, []),  # before November next year is not asked for
        ("2026-11-01", {2026}, [2027]),
        ("2026-12-31", {2026, 2027}, []),
        ("2027-01-04", {2026}, [2027]),  # this year missing: warned all year
        ("2027-11-15", set(), [2027, 2028]),
    ],
)
def test_staff_are_warned_of_missing_years_from_november(today, known, missing):
    assert missing_years(date.fromisoformat(today), known) == missing


def test_an_entered_year_keeps_its_dates():
    calendar, problems = entered_year(2027, ["2027-01-01", "2027-02-06", "2027-02-06"], ["2027-02-14"], OFFICIAL_YEARS)
    assert problems == {}
    assert calendar == YearCalendar(
        2027, frozenset({date(2027, 1, 1), date(2027, 2, 6)}), frozenset({date(2027, 2, 14)}), "entered"
    )


@pytest.mark.parametrize(
    "holidays, workdays, expected",
    [
        (
            ["2026-12-31", "2027-13-01", "20270101", "2027-W01-1"],
            [],
            {
                "holidays": [
                    "2026-12-31 不在2027年内",
                    "“2027-13-01”不是有效日期，应为 YYYY-MM-DD",
                    "“20270101”不是有效日期，应为 YYYY-MM-DD",
                    "“2027-W01-1”不是有效日期，应为 YYYY-MM-DD",
                ]
            },
        ),
        (["2027-02-06"], ["2027-02-06"], {"workdays": ["2027-02-06 不能既放假又调休上班"]}),
        (["2027-01-01"], ["2027-02-10"], {"workdays": ["2027-02-10 是星期三，本来就上班；调休上班日应为周六或周日"]}),
        (
            [],
            ["2028-02-12"],
            {
                "holidays": ["请填写该年的法定节假日（元旦、春节、国庆等放假的日期）"],
                "workdays": ["2028-02-12 不在2027年内"],
            },
        ),
    ],
)
def test_a_mistyped_year_is_refused_with_a_message_for_each_date(holidays, workdays, expected):
    assert entered_year(2027, holidays, workdays, OFFICIAL_YEARS) == (None, expected)


def test_an_official_year_is_not_entered_and_the_year_must_be_plausible():
    with pytest.raises(Refused) as refusal:
        entered_year(2026, ["2026-01-01"], [], OFFICIAL_YEARS)
    assert (refusal.value.code, service_error(refusal.value).status) == ("calendar_official", 409)
    assert entered_year(1999, ["1999-01-01"], [], OFFICIAL_YEARS) == (None, {"year": ["年份应在2000至2100之间"]})


def test_the_missing_year_crosses_rpc_as_a_number():
    refusal = deserialize(serialize(service_error(calendar_missing(2027))))
    assert (refusal.code, refusal.status, refusal.body()["error"]["year"]) == ("calendar_missing", 409, 2027)
