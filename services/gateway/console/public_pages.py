"""The public area's pages, for anyone, signed in or not: the 公示 list, each campaign's public account, status and
receipt checks.

The lookups are posted forms, so the last four of an ID number never travel in a URL or a log line.
"""

from dataclasses import dataclass

from services.gateway.backends import Backend
from services.gateway.console.charts import disclosure_chart
from services.gateway.routes import Area
from shared.application_numbers import short_number
from shared.errors import ServiceError


@dataclass(frozen=True)
class Uses:
    aid: Backend


area = Area(Uses)


@area.page("GET", "/public/campaigns/<campaign_id>/publicity")
def console_publicity(uses: Uses, visit, campaign_id):
    return visit.page("publicity.html", notice=uses.aid.call("public_publicity", campaign_id))


@area.page("GET", "/public/campaigns/<campaign_id>/disclosure")
def console_disclosure(uses: Uses, visit, campaign_id):
    disclosure = uses.aid.call("public_disclosure", campaign_id)
    return visit.page("disclosure.html", disclosure=disclosure, chart=disclosure_chart(disclosure))


@area.page("GET", "/public/status")
def console_status_form(uses: Uses, visit):
    return visit.page("status.html", values={}, found=None, problem=None)


@area.page("POST", "/public/status")
def console_status(uses: Uses, visit):
    form = visit.form()
    typed = form.get("application_id", "")
    return lookup(
        visit,
        "status.html",
        "found",
        lambda: uses.aid.call("public_status", typed, form.get("id_last4", "")),
        typed={"application_id": typed},
        problem="没有找到这份申请：请核对短信上的编号和身份证号后四位",
        number=short_number(typed.strip()),
    )


@area.page("GET", "/public/receipts")
def console_receipt_form(uses: Uses, visit):
    return visit.page("receipt.html", values={}, receipt=None, problem=None)


@area.page("POST", "/public/receipts")
def console_receipt(uses: Uses, visit):
    form = visit.form()
    return lookup(
        visit,
        "receipt.html",
        "receipt",
        lambda: uses.aid.call("public_receipt", form.get("receipt_no", ""), form.get("code", "")),
        typed={"receipt_no": form.get("receipt_no", "")},
        problem="收据号或核验码不正确，未能核验",
    )


def lookup(visit, template: str, shown_as: str, ask, typed: dict, problem: str, **shown):
    """A check's answer on its page as `shown_as`; none found (an unknown id and a wrong code alike) is the form again,
    with what was typed and `problem`."""
    try:
        answer = ask()
    except ServiceError as error:
        if error.status != 404:
            raise
        return visit.page(template, 404, values=typed, problem=problem, **{shown_as: None})
    return visit.page(template, values={}, problem=None, **{shown_as: answer}, **shown)
