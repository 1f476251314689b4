"""The official arrangement (the State Council's yearly notice of holidays and 调休) for the years that the
`chinese_calendar` package knows; upgrading the package brings the years announced since."""

import functools

import chinese_calendar

from services.aid.domain.workdays import OFFICIAL, YearCalendar


@functools.lru_cache(maxsize=1)
def official_years() -> dict[int, YearCalendar]:
    # The package knows every year from its first holiday's to its last holiday's (its own _validate_date
    # refuses any other with NotImplementedError).
    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    return {
        year: YearCalendar(
            year,
            frozenset(day for day in chinese_calendar.holidays if day.year == year),
            frozenset(day for day in chinese_calendar.workdays if day.year == year),
            OFFICIAL,
        )
        for year in range(first, last + 1)
    }
