"""The aid area's campaign pages, with their money: the list, each campaign's charts and quotas, creating one and
setting its quotas (admin)."""

from dataclasses import dataclass
from uuid import uuid4

from services.gateway import units
from services.gateway.auth import MONEY_READERS, STAFF
from services.gateway.backends import Backend
from services.gateway.console.charts import money_chart, status_chart
from services.gateway.console.forms import fen_from_yuan, field_messages, filled, whole_number
from services.gateway.console.labels import CATEGORIES, LEVELS, PROGRAMS
from services.gateway.console.nav import ADMIN
from services.gateway.console.web import redirect
from services.gateway.routes import Area
from shared.errors import ServiceError
from shared.org_levels import ORG_LEVEL_LABELS, ORG_LEVELS

AMOUNT_KEYS = {**CATEGORIES, **LEVELS}
CAMPAIGNS_SHOWN = 100
BATCHES_SHOWN = 50
CHOICES = 500


def campaign_payload(form: dict) -> dict:
    """The API's campaign body; amounts typed in yuan, one per category or school level that was filled in; the
    review levels ticked (the form lists them lower first), the unit chosen (none: the maker's own)."""
    payload = filled(form, "program", "name", "opens_on", "closes_on")
    payload["review_levels"] = form.get("review_levels", [])
    if form.get("org_unit_id"):
        payload["org_unit_id"] = form["org_unit_id"]
    for field in ("year", "publicity_days"):
        payload[field] = whole_number(form.get(field, ""))
    payload["budget_fen"] = fen_from_yuan(form, "budget_fen")
    payload["amounts"] = {
        key: fen_from_yuan(form, f"amounts.{key}") for key in AMOUNT_KEYS if form.get(f"amounts.{key}")
    }
    return payload


def campaign_choices(aid: Backend, scope: str | None) -> list[tuple[str, str]]:
    """(campaign_id, name and year) of the latest campaigns the user sees, for the forms that choose one."""
    campaigns = aid.call("list_campaigns", {"per_page": CHOICES}, scope)["items"]
    return [(campaign["campaign_id"], f"{campaign['name']}（{campaign['year']}）") for campaign in campaigns]


@dataclass(frozen=True)
class Uses:
    db: object
    aid: Backend


area = Area(Uses)


@area.page("GET", "/campaigns", roles=STAFF)
def console_campaigns(uses: Uses, visit):
    return campaign_list(uses, visit, {}, {})


def campaign_list(uses: Uses, visit, values, errors, problem=None, http_status=200):
    page_number = whole_number(visit.request.args.get("page", "1"))
    listing = uses.aid.call(
        "list_campaigns", {"per_page": CAMPAIGNS_SHOWN, "page": page_number}, visit.user.org_unit_id
    )
    return visit.page(
        "campaigns.html",
        http_status,
        listing=listing,
        values=values,
        errors=errors,
        problem=problem,
        programs=PROGRAMS.items(),
        amount_keys=AMOUNT_KEYS.items(),
        org_units=units.choices(uses.db, visit.user.org_unit_id),
        review_levels=[(level, ORG_LEVEL_LABELS[level]) for level in reversed(ORG_LEVELS)],
    )


@area.page("POST", "/campaigns", roles=ADMIN)
def console_create_campaign(uses: Uses, visit):
    form = {**visit.form(), "review_levels": visit.request.form.getlist("review_levels")}
    try:
        campaign = uses.aid.call("create_campaign", campaign_payload(form), visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        return campaign_list(uses, visit, form, field_messages(error), error.message, error.status)
    return redirect(f"/campaigns/{campaign['campaign_id']}")


@area.page("GET", "/campaigns/<campaign_id>", roles=STAFF)
def console_campaign(uses: Uses, visit, campaign_id):
    notice = {"allocation": "划拨已完成，资金已计入本项目", "quota": "配额已保存"}.get(visit.request.args.get("done"))
    return campaign_page(uses, visit, campaign_id, notice=notice)


@area.page("POST", "/campaigns/<campaign_id>/quotas", roles=ADMIN)
def console_set_quota(uses: Uses, visit, campaign_id):
    form = visit.form()
    try:
        payload = {"amount_fen": fen_from_yuan(form, "amount_fen"), **filled(form, "org_unit_id")}
        uses.aid.call("set_quota", campaign_id, payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        quota_form = {"values": form, "errors": field_messages(error), "problem": error.message}
        return campaign_page(uses, visit, campaign_id, http_status=error.status, quota_form=quota_form)
    return redirect(f"/campaigns/{campaign_id}?done=quota")


def campaign_page(uses, visit, campaign_id, errors=None, problem=None, notice=None, http_status=200, quota_form=None):
    """A campaign with its owner, charts, quotas and, for money readers, its batches; finance allocates gifts to it
    here (finance_pages), an admin sets quotas for the units of its subtree."""
    aid = uses.aid
    campaign = aid.call("get_campaign", campaign_id, visit.user.org_unit_id)
    unit_choices = units.choices(uses.db, visit.user.org_unit_id) if visit.user.role == "admin" else []
    named = [campaign["org_unit_id"], *(quota["org_unit_id"] for quota in campaign["quotas"])]
    batches = []
    if visit.user.role in MONEY_READERS:
        batches = aid.call(
            "list_disbursement_batches", {"campaign_id": campaign_id, "per_page": BATCHES_SHOWN}, visit.user.org_unit_id
        )["items"]
    return visit.page(
        "campaign.html",
        http_status,
        campaign=campaign,
        batches=batches,
        errors=errors or {},
        problem=problem,
        notice=notice,
        money_chart=money_chart(campaign),
        status_chart=status_chart(campaign),
        allocation_ref=f"console-{uuid4().hex}",
        unit_names=units.names(uses.db, named),
        unit_choices=unit_choices,
        quota_form=quota_form or {"values": {}, "errors": {}, "problem": None},
    )  # the form sent twice moves the money once
