"""The working calendar that 公示 counts on: the built-in official years, and the years an admin entered."""

from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from services.aid.answers import CalendarViewSchema
from services.aid.domain.workdays import (
    ENTERED,
    FIRST_YEAR,
    LAST_YEAR,
    Calendar,
    YearCalendar,
    entered_year,
    missing_years,
)
from services.aid.models import calendar_years
from services.aid.official_calendar import official_years
from shared.answers import Shown
from shared.domain_errors import Invalid, NotFound
from shared.events import now_utc


def _entered(row) -> YearCalendar:
    return YearCalendar(
        row.year,
        frozenset(map(date.fromisoformat, row.holidays)),
        frozenset(map(date.fromisoformat, row.workdays)),
        ENTERED,
    )


CALENDAR = CalendarViewSchema()


def year_view(calendar: YearCalendar, **entered) -> dict:
    """The year as the API shows it; an entered year's `entered_by` and `entered_at`."""
    return CALENDAR.dump(
        Shown(calendar, holidays=sorted(calendar.holidays), workdays=sorted(calendar.workdays), **entered)
    )


def working_calendar(session) -> Calendar:
    """Every year known. The official calendar wins over an entry for the same year (made before the package
    knew it)."""
    entered = {row.year: _entered(row) for row in session.execute(select(calendar_years))}
    return {**entered, **official_years()}


def view(session, year: int) -> dict:
    official = official_years().get(year)
    if official:
        return year_view(official)
    row = None
    if FIRST_YEAR <= year <= LAST_YEAR:
        row = session.execute(select(calendar_years).where(calendar_years.c.year == year)).first()
    if row is None:
        raise NotFound(f"{year}年的节假日安排", f"尚无{year}年的节假日安排（国务院通常在上一年秋季公布）")
    return year_view(_entered(row), entered_by=row.entered_by, entered_at=row.entered_at)


def enter(session, year: int, data: dict, actor: str) -> dict:
    """Enter (or enter again) a year that the official calendar does not know; `data` as CalendarSchema loads it."""
    calendar, problems = entered_year(year, data["holidays"], data["workdays"], official_years())
    if problems:
        raise Invalid(problems)
    row = {**year_view(calendar), "entered_by": actor, "entered_at": now_utc()}
    del row["source"]
    for attempt in range(2):
        try:
            session.execute(delete(calendar_years).where(calendar_years.c.year == year))
            session.execute(insert(calendar_years).values(**row))
            session.commit()
            break
        except IntegrityError:  # another admin entered the same year at the same moment: replace theirs
            session.rollback()
            if attempt:
                raise
    return view(session, year)


def missing(session, today: date) -> list[int]:
    return missing_years(today, working_calendar(session))
