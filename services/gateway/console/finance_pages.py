"""The funds area's pages for finance: donors and gifts, allocating gifts to a campaign (on its page), disbursement
batches with the bank's file and results, reconciliation."""

import base64
from dataclasses import dataclass

from services.gateway import units
from services.gateway.auth import FINANCE, MONEY_READERS
from services.gateway.backends import Backend
from services.gateway.bank_files import bank_file
from services.gateway.bodies import Bodies
from services.gateway.console.campaign_pages import campaign_choices, campaign_page
from services.gateway.console.forms import fen_from_yuan, field_messages, filled, whole_number
from services.gateway.console.labels import DONOR_KINDS
from services.gateway.console.web import redirect
from services.gateway.routes import Area
from services.gateway.scope import sees_everything
from shared.errors import ServiceError

SHOWN = 50
CHOICES = 500
BANK_FILE_ROLES = ("finance",)  # as the API: full account numbers go to finance alone


def donation_payload(form: dict) -> dict:
    payload = filled(form, "donor_id", "received_on", "external_ref")
    payload["amount_fen"] = fen_from_yuan(form, "amount_fen")
    payload["campaign_id"] = form.get("campaign_id") or None
    return _with_unit(payload, form)


def donor_payload(form: dict) -> dict:
    payload = filled(form, "name", "kind", "phone")
    payload["anonymous"] = form.get("anonymous") == "on"
    return _with_unit(payload, form)


def _with_unit(payload: dict, form: dict) -> dict:
    """The unit chosen for the donor or the gift; none: the maker's own."""
    return {**payload, "org_unit_id": form["org_unit_id"]} if form.get("org_unit_id") else payload


@dataclass(frozen=True)
class Uses:
    db: object
    aid: Backend
    registry: Backend
    bodies: Bodies


area = Area(Uses)


@area.page("GET", "/donations", roles=FINANCE)
def console_donations(uses: Uses, visit):
    return donations_page(uses, visit)


def donations_page(uses: Uses, visit, values=None, errors=None, problem=None, recorded=None, http_status=200):
    page_number = whole_number(visit.request.args.get("page", "1"))
    donors = uses.aid.call("list_donors", {"per_page": CHOICES}, visit.user.org_unit_id)["items"]
    return visit.page(
        "donations.html",
        http_status,
        values=values or {},
        errors=errors or {},
        problem=problem,
        recorded=recorded,
        donations=uses.aid.call("list_donations", {"per_page": SHOWN, "page": page_number}, visit.user.org_unit_id),
        donors={donor["donor_id"]: donor for donor in donors},
        campaigns=campaign_choices(uses.aid, visit.user.org_unit_id),
        kinds=DONOR_KINDS.items(),
        org_units=units.choices(uses.db, visit.user.org_unit_id),
    )


@area.page("POST", "/donations", roles=FINANCE)
def console_donate(uses: Uses, visit):
    form = visit.form()
    try:
        answer = uses.aid.call("donate", donation_payload(form), visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        return donations_page(uses, visit, form, field_messages(error), error.message, http_status=error.status)
    return donations_page(uses, visit, recorded=answer)


@area.page("POST", "/donors", roles=FINANCE)
def console_create_donor(uses: Uses, visit):
    form = visit.form()
    try:
        donor = uses.aid.call("create_donor", donor_payload(form), visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:  # the donor form's fields are named apart from the gift form's
        return donations_page(uses, visit, form, field_messages(error), error.message, http_status=error.status)
    return donations_page(uses, visit, {"donor_id": donor["donor_id"]})


@area.page("GET", "/batches", roles=MONEY_READERS)
def console_batches(uses: Uses, visit):
    return batches_page(uses, visit)


def batches_page(uses: Uses, visit, problem=None, http_status=200):
    page_number = whole_number(visit.request.args.get("page", "1"))
    batches = uses.aid.call(
        "list_disbursement_batches", {"per_page": SHOWN, "page": page_number}, visit.user.org_unit_id
    )
    return visit.page(
        "batches.html",
        http_status,
        batches=batches,
        campaigns=campaign_choices(uses.aid, visit.user.org_unit_id),
        problem=problem,
    )


@area.page("POST", "/batches", roles=FINANCE)
def console_create_batch(uses: Uses, visit):
    try:
        batch = uses.aid.call(
            "create_disbursement_batch", filled(visit.form(), "campaign_id"), visit.user.actor, visit.user.org_unit_id
        )
    except ServiceError as error:
        return batches_page(uses, visit, error.message, error.status)
    return redirect(f"/batches/{batch['batch_id']}")


@area.page("GET", "/batches/<batch_id>", roles=MONEY_READERS)
def console_batch(uses: Uses, visit, batch_id):
    return batch_page(uses, visit, batch_id)


def batch_page(uses: Uses, visit, batch_id, results=None, errors=None, http_status=200):
    batch = uses.aid.call("get_disbursement_batch", batch_id, visit.user.org_unit_id)
    return visit.page(
        "batch.html",
        http_status,
        batch=batch,
        results=results,
        errors=errors or {},
        campaign=uses.aid.call("get_campaign", batch["campaign_id"], visit.user.org_unit_id),
    )


@area.page("GET", "/batches/<batch_id>/file", roles=BANK_FILE_ROLES)
def console_bank_file(uses: Uses, visit, batch_id):
    return bank_file(uses.aid, batch_id, visit.user.actor, visit.user.org_unit_id)


@area.page("POST", "/batches/<batch_id>/results", roles=FINANCE)
def console_bank_results(uses: Uses, visit, batch_id):
    try:
        content, _filename = uses.bodies.upload(visit.request)
        results = uses.aid.call(
            "disbursement_results",
            batch_id,
            base64.b64encode(content).decode(),
            visit.user.actor,
            visit.user.org_unit_id,
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        return batch_page(
            uses, visit, batch_id, errors=field_messages(error) or {"file": [error.message]}, http_status=error.status
        )
    return batch_page(uses, visit, batch_id, results)


@area.page("GET", "/reconciliation", roles=MONEY_READERS)
def console_reconciliation(uses: Uses, visit):
    query = filled(visit.request.args.to_dict(), "campaign_id")
    return visit.page(
        "reconciliation.html",
        report=uses.aid.call("reconciliation", query, visit.user.org_unit_id),
        campaigns=dict(campaign_choices(uses.aid, visit.user.org_unit_id)),
        owned=owned_campaigns(uses, visit.user.org_unit_id),
        chosen=query.get("campaign_id", ""),
    )


def owned_campaigns(uses: Uses, scope: str | None) -> list[tuple[str, str]]:
    """(campaign_id, name and year) of the campaigns whose money the visitor's unit handles, those reconciliation
    takes (aid's scope rule: owned by the unit or one below it; an ancestor's campaign, which the visitor also sees, is
    not theirs to reconcile)."""
    everything = sees_everything(uses.db, scope)  # the root's users: every campaign, the root's (unit null) too
    subtree = {unit_id for unit_id, _name in units.choices(uses.db, scope)}
    campaigns = uses.aid.call("list_campaigns", {"per_page": CHOICES}, scope)["items"]
    return [
        (campaign["campaign_id"], f"{campaign['name']}（{campaign['year']}）")
        for campaign in campaigns
        if everything or campaign["org_unit_id"] in subtree
    ]


@area.page("POST", "/campaigns/<campaign_id>/allocations", roles=FINANCE)
def console_allocate(uses: Uses, visit, campaign_id):
    form = visit.form()
    try:
        payload = {"amount_fen": fen_from_yuan(form, "amount_fen"), **filled(form, "external_ref")}
        uses.aid.call("allocate", campaign_id, payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        if error.status == 404:
            raise
        return campaign_page(uses, visit, campaign_id, field_messages(error), error.message, http_status=error.status)
    # redirect after the POST: refreshing the page must not move the money a second time
    return redirect(f"/campaigns/{campaign_id}?done=allocation")
