"""Working days for the public notice (公示), on the official calendar of the People's Republic of China.

A year's calendar is its public holidays (days off, whatever the weekday) and its make-up days (调休,
weekends that are worked); every other day is a working day from Monday to Friday. A year with no
calendar is never guessed: counting into it is refused with calendar_missing, naming the year.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from shared.domain_errors import Refused

OFFICIAL, ENTERED = "official", "entered"
FIRST_YEAR, LAST_YEAR = 2000, 2100  # as a campaign's year
WARN_FROM_MONTH = 11  # the State Council announces next year's arrangement in the autumn
WEEKDAY_NAMES = "一二三四五六日"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]  # make-up days (调休)
    source: str  # OFFICIAL (the built-in calendar) or ENTERED (by an admin)


Calendar = Mapping[int, YearCalendar]
NO_CALENDAR: Calendar = MappingProxyType({})  # for changes that start no notice: counting on it is calendar_missing


def calendar_missing(year: int) -> Refused:
    return Refused(
        "calendar_missing",
        f"尚无{year}年的节假日安排，无法计算公示截止日期。请管理员在“工作日历”页录入国务院公布的{year}年放假调休安排后再审批",
        extra={"year": year},
    )


def is_working_day(day: date, calendar: Calendar) -> bool:
    year = calendar.get(day.year)
    if year is None:
        raise calendar_missing(day.year)
    if day in year.workdays:
        return True
    return day.weekday() < 5 and day not in year.holidays


def publicity_end(approved_on: date, working_days: int, calendar: Calendar) -> date:
    """The last day of a notice that runs `working_days` working days from the day after approval."""
    day, counted = approved_on, 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return day


def missing_years(today: date, known_years) -> list[int]:
    """The years staff must be warned of: this year, and from November next year, when no calendar has them."""
    wanted = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    return [year for year in wanted if year not in known_years]


def _dates(year: int, texts: list[str], problems: list[str]) -> set[date]:
    days = set()
    for text in texts:
        try:
            if not ISO_DATE.fullmatch(text):  # fromisoformat alone would take 20270101 and week dates too
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            problems.append(f"“{text}”不是有效日期，应为 YYYY-MM-DD")
            continue
        if day.year != year:
            problems.append(f"{text} 不在{year}年内")
        else:
            days.add(day)
    return days


def entered_year(
    year: int, holidays: list[str], workdays: list[str], known: Calendar
) -> tuple[YearCalendar | None, dict]:
    """A year's calendar as an admin typed it: (the calendar, {}) or (None, messages by field).

    A year of the official calendar is not entered (calendar_official): the maintained source is right where
    a typing error would not be. A year entered before may be entered again, and replaces it.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, {"year": [f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间"]}
    if year in known and known[year].source == OFFICIAL:
        raise Refused("calendar_official", f"{year}年的放假调休安排由内置的官方日历提供，不能另行录入")
    problems: dict[str, list[str]] = {"holidays": [], "workdays": []}
    off = _dates(year, holidays, problems["holidays"])
    on = _dates(year, workdays, problems["workdays"])
    if not holidays:
        problems["holidays"].append("请填写该年的法定节假日（元旦、春节、国庆等放假的日期）")
    for day in sorted(off & on):
        problems["workdays"].append(f"{day} 不能既放假又调休上班")
    for day in sorted(on):
        if day.weekday() < 5:
            problems["workdays"].append(
                f"{day} 是星期{WEEKDAY_NAMES[day.weekday()]}，本来就上班；调休上班日应为周六或周日"
            )
    problems = {field: messages for field, messages in problems.items() if messages}
    if problems:
        return None, problems
    return YearCalendar(year, frozenset(off), frozenset(on), ENTERED), {}
