"""Working days for the public notice (公示): Monday to Friday, less holidays, plus make-up workdays (调休)."""
from datetime import date, timedelta


def parse_dates(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())


def is_working_day(day: date, holidays: frozenset[date], extra_workdays: frozenset[date]) -> bool:
    if day in extra_workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def publicity_end(approved_on: date, working_days: int, holidays=frozenset(), extra_workdays=frozenset()) -> date:
    """The last day of a notice that runs `working_days` working days from the day after approval."""
    day, counted = approved_on, 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, holidays, extra_workdays):
            counted += 1
    return day
