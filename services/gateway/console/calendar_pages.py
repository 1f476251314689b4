"""The aid area's working calendar (工作日历): any year's holidays and make-up days, entering a year the built-in official
calendar does not know yet (admin), and the warning staff see while a year the notices need is missing."""

import re
from dataclasses import dataclass

from services.gateway.auth import STAFF
from services.gateway.backends import Backend
from services.gateway.console.forms import field_messages
from services.gateway.console.nav import ADMIN
from services.gateway.console.web import redirect
from services.gateway.routes import Area
from shared import clock
from shared.errors import ServiceError


def split_dates(text: str) -> list[str]:
    """The dates typed into a box, one per line or separated by spaces or commas (Chinese ones too)."""
    return [part for part in re.split(r"[\s,，、;；]+", text) if part]


def year_of(text: str, default: int) -> int:
    return int(text) if text.isascii() and text.isdigit() else default


def calendar_warning(aid: Backend, visit) -> list[int]:
    """The years with no calendar that staff must hear about (this year; next year from November)."""
    if visit.user is None or visit.user.role not in STAFF:
        return []
    return aid.call("missing_calendar_years")


@dataclass(frozen=True)
class Uses:
    aid: Backend
    config: dict


area = Area(Uses)


@area.page("GET", "/calendar", roles=STAFF)  # as the API: any staff read it; entering a year is the admin's
def console_calendar(uses: Uses, visit):
    missing = calendar_warning(uses.aid, visit)
    year = year_of(visit.request.args.get("year", ""), missing[0] if missing else clock.today(uses.config).year)
    notice = f"{year}年的放假调休安排已保存" if visit.request.args.get("done") else None
    return calendar_page(uses, visit, year, missing, notice=notice)


def calendar_page(
    uses: Uses,
    visit,
    year: int,
    missing: list[int],
    values=None,
    errors=None,
    problem=None,
    notice=None,
    http_status=200,
):
    try:
        shown = uses.aid.call("get_calendar", year)
    except ServiceError as error:
        if error.status != 404:
            raise
        shown = None
    if values is None and shown:
        values = {name: "\n".join(shown[name]) for name in ("holidays", "workdays")}
    return visit.page(
        "calendar.html",
        http_status,
        year=year,
        shown=shown,
        values=values or {},
        errors=errors or {},
        problem=problem,
        notice=notice,
        calendar_warning=missing,
    )


@area.page("POST", "/calendar", roles=ADMIN)
def console_enter_calendar(uses: Uses, visit):
    form = visit.form()
    year = year_of(form.get("year", ""), 0)
    payload = {name: split_dates(form.get(name, "")) for name in ("holidays", "workdays")}
    try:
        uses.aid.call("enter_calendar", year, payload, visit.user.actor)
    except ServiceError as error:
        return calendar_page(
            uses,
            visit,
            year,
            calendar_warning(uses.aid, visit),
            form,
            field_messages(error),
            error.message,
            http_status=error.status,
        )
    # redirect after the POST, so refreshing the page does not send the form again
    return redirect(f"/calendar?year={year}&done=1")
