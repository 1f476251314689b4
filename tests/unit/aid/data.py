"""Plain data for the core's unit tests: a campaign, an application, a worker as the registry gives them."""

from dataclasses import replace
from datetime import UTC, date, datetime

from services.aid.domain.model import Application, Campaign
from services.aid.domain.workdays import ENTERED, YearCalendar

AT = datetime(2031, 8, 11, 9, 30, tzinfo=UTC)
TODAY = date(2031, 8, 11)  # a Monday, in a year only the calendar below knows
MAKER, CHECKER = "caseworker:maker", "reviewer:checker"


def warmth(**changes) -> Campaign:
    campaign = Campaign(
        campaign_id="c" * 32,
        program="warmth",
        name="2031年送温暖",
        year=2031,
        opens_on=date(2031, 8, 1),
        closes_on=date(2031, 8, 31),
        amounts={"deep": 300_000, "relative": 150_000},
        publicity_days=5,
    )
    return replace(campaign, **changes)


def education(**changes) -> Campaign:
    return warmth(
        program="education",
        name="2031年金秋助学",
        amounts={"undergraduate": 500_000, "senior_high": 200_000},
        **changes,
    )


def application(status: str = "submitted", **changes) -> Application:
    return replace(
        Application(
            application_id="a" * 32,
            campaign_id="c" * 32,
            program="warmth",
            worker_id="w" * 32,
            status=status,
            amount_fen=300_000,
            submitted_by=MAKER,
        ),
        **changes,
    )


ROOT_ID = "r" * 32
ROOTS = {"org_unit_id": ROOT_ID, "path": f"{ROOT_ID}/"}  # a worker filed at the root unit, as `applicants` gives it


def worker(**changes) -> dict:
    return {
        "worker_id": "w" * 32,
        "status": "active",
        "category": "deep",
        "household": ["h1", "h2"],
        **ROOTS,
        **changes,
    }


def student(**changes) -> dict:
    return {
        "name": "王小明",
        "id_number": "110105200801011234",
        "level": "undergraduate",
        "admission_year": 2031,
        **changes,
    }


def calendar(holidays=(), workdays=()) -> dict:
    """2031 as data: the holidays and make-up days given, every other Monday to Friday worked."""
    return {
        2031: YearCalendar(
            2031, frozenset(map(date.fromisoformat, holidays)), frozenset(map(date.fromisoformat, workdays)), ENTERED
        )
    }
