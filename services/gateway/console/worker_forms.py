"""The workers area's forms: filing a new worker (the API's POST /workers) and editing a file (its PATCH): contact and
household fields, a move to another unit of the visitor's scope (with a reason), and new bank details, which open a
change request for a second person to approve."""

import re
from dataclasses import dataclass

from services.gateway import units
from services.gateway.auth import CASEWORK
from services.gateway.backends import Backend
from services.gateway.console.forms import fen_from_yuan, field_messages, filled, whole_number
from services.gateway.console.labels import CATEGORIES, REASONS
from services.gateway.console.web import redirect
from services.gateway.routes import Area
from shared.errors import ServiceError

REASON_CHOICES = 4  # the registry takes 1 to 4 reasons, the main one first (rules.check_reasons)
FAMILY_ROWS = 6  # blank family-member rows a form offers
MEMBER_FIELDS = ("name", "relation", "id_number", "school")
MEMBER_OPTIONAL = ("id_number", "school")  # left blank: null, as the API's FamilyMemberSchema allows
# Fields the masked view shows starred (the edit form cannot prefill them): typed in only to change them.
MASKED = ("name", "phone")
# Fields the masked view shows as they are: prefilled on the edit form and sent only when changed.
SHOWN_TEXT = ("employer", "category")


@dataclass(frozen=True)
class Uses:
    db: object  # the units of the visitor's subtree, to pick the worker's union among them
    registry: Backend


area = Area(Uses)


def reasons_of(form: dict) -> list[str]:
    """The reasons chosen, in the order of their selects (the first is the main one), blanks left out."""
    return [form[f"reasons.{i}"] for i in range(REASON_CHOICES) if form.get(f"reasons.{i}")]


def family_of(form: dict) -> tuple[list[dict], list[int]]:
    """The family members of the rows that have anything filled in, and the form row of each (for the messages)."""
    members, rows = [], []
    for row in range(FAMILY_ROWS):
        member = {name: form.get(f"family.{row}.{name}", "") for name in MEMBER_FIELDS}
        if any(member.values()):
            members.append(
                {name: (value or None) if name in MEMBER_OPTIONAL else value for name, value in member.items()}
            )
            rows.append(row)
    return members, rows


def messages(error: ServiceError, family_rows: list[int]) -> dict[str, list[str]]:
    """The error's messages by form field: a family member's by the row it was typed in (blank rows are not sent)."""

    def form_field(key: str) -> str:
        found = re.fullmatch(r"family\.(\d+)(\..*)?", key)
        if found and int(found.group(1)) < len(family_rows):
            return f"family.{family_rows[int(found.group(1))]}{found.group(2) or ''}"
        return key

    shown: dict[str, list[str]] = {}
    for key, texts in field_messages(error).items():
        shown.setdefault(form_field(key), []).extend(texts)
    return shown


def new_worker_payload(form: dict) -> tuple[dict, list[int]]:
    """The API's POST /workers body from the form (empty fields left out, as an API client would), and the form rows
    of its family members."""
    payload = filled(form, "name", "id_number", "phone", "employer", "org_unit_id", "category", "filed_on")
    if form.get("household_size"):
        payload["household_size"] = whole_number(form["household_size"])
    income = fen_from_yuan(form, "household_monthly_income_fen")
    if income is not None:
        payload["household_monthly_income_fen"] = income
    if reasons_of(form):
        payload["reasons"] = reasons_of(form)
    bank = {name: form.get(f"bank.{name}", "") for name in ("name", "account")}
    if any(bank.values()):
        payload["bank"] = bank
    payload["family"], rows = family_of(form)
    return payload, rows


def yuan_text(fen: int) -> str:
    """An amount in fen as the form takes it in yuan: 450001 -> '4500.01'."""
    yuan, cents = divmod(fen, 100)
    return f"{yuan}.{cents:02d}" if cents else str(yuan)


def prefilled(worker: dict) -> dict:
    """The edit form's values from the masked file: what it shows as it is; a starred value is never prefilled."""
    values = {name: worker[name] for name in SHOWN_TEXT}
    values.update(
        org_unit_id=worker["org_unit_id"],
        household_size=str(worker["household_size"]),
        household_monthly_income_fen=yuan_text(worker["household_monthly_income_fen"]),
        filed_on=worker["filed_on"],
        **{"bank.name": worker["bank"]["name"]},
        **{f"reasons.{i}": reason for i, reason in enumerate(worker["reasons"])},
    )
    return values


def as_loaded(form: dict, worker: dict) -> dict:
    """The values the page gave the form when it was loaded (its hidden `was.` fields). A field is sent when the visitor
    changed it, not when the file changed since: someone else's edit of a field the visitor left alone is kept.
    Without them (a form from elsewhere), the file as it is now."""
    loaded = {key.removeprefix("was."): value for key, value in form.items() if key.startswith("was.")}
    return loaded or prefilled(worker)


def worker_changes(form: dict, worker: dict) -> tuple[dict, list[int]]:
    """The API's PATCH body: only the fields the visitor changed (as_loaded; a field the form did not send stays as it
    is; one emptied is sent, so the registry says it may not be empty). A starred value is sent only when something
    was typed in; bank details changed go in `bank`, which the registry turns into a change request."""
    was = as_loaded(form, worker)

    def changed(name: str) -> bool:
        return name in form and form[name] != was.get(name, "")

    payload = {name: form[name] for name in MASKED if form.get(name)}
    payload.update({name: form[name] for name in (*SHOWN_TEXT, "org_unit_id") if changed(name)})
    if changed("household_size"):
        payload["household_size"] = whole_number(form["household_size"]) if form["household_size"] else None
    if changed("household_monthly_income_fen"):
        payload["household_monthly_income_fen"] = fen_from_yuan(form, "household_monthly_income_fen")
    if changed("filed_on"):
        payload["filed_on"] = form["filed_on"] or None
    if any(f"reasons.{i}" in form for i in range(REASON_CHOICES)) and reasons_of(form) != reasons_of(was):
        payload["reasons"] = reasons_of(form)
    bank = {}
    if changed("bank.name"):
        bank["name"] = form["bank.name"]
    if form.get("bank.account"):
        bank["account"] = form["bank.account"]
    if bank:
        payload["bank"] = bank
    family, rows = family_of(form)
    if family or form.get("family_none"):
        payload["family"] = family
    if form.get("reason"):
        payload["reason"] = form["reason"]
    return payload, rows


def new_form(uses: Uses, visit, values=None, errors=None, problem=None, existing=None, http_status=200):
    return visit.page(
        "worker_new.html",
        http_status,
        values=values or {},
        errors=errors or {},
        problem=problem,
        existing=existing,
        org_units=units.choices(uses.db, visit.user.org_unit_id),
        categories=CATEGORIES.items(),
        reasons=REASONS.items(),
        reason_choices=range(REASON_CHOICES),
        family_rows=range(FAMILY_ROWS),
    )


@area.page("GET", "/workers/new", roles=CASEWORK)
def console_new_worker_form(uses: Uses, visit):
    return new_form(uses, visit)


@area.page("POST", "/workers/new", roles=CASEWORK)
def console_register_worker(uses: Uses, visit):
    form = visit.form()
    rows: list[int] = []
    try:
        payload, rows = new_worker_payload(form)
        created = uses.registry.call("register_worker", payload, visit.user.actor, visit.user.org_unit_id)
    except ServiceError as error:
        errors, existing = messages(error, rows), None
        if error.code == "duplicate_worker":  # the API's 409: the file already made for that ID number
            errors["id_number"] = [error.message]
            existing = (error.extra or {}).get("worker_id")
        return new_form(uses, visit, form, errors, error.message, existing, error.status)
    return redirect(f"/workers/{created['worker_id']}")


def unit_choices(uses: Uses, visit, worker: dict) -> list[tuple[str, str]]:
    """The units to move the worker to, the worker's own among them even before this gateway has learnt of it: the
    form must not show another unit as the one the worker is in (and so move them when saved)."""
    choices = units.choices(uses.db, visit.user.org_unit_id)
    if worker["org_unit_id"] not in {unit_id for unit_id, _ in choices}:
        choices.insert(0, (worker["org_unit_id"], worker["union"]))
    return choices


def edit_form(uses: Uses, visit, worker, values=None, errors=None, problem=None, http_status=200):
    """The form, prefilled from the file; after a refusal (`values`: the form sent), as sent, still compared with what
    the page first loaded."""
    return visit.page(
        "worker_edit.html",
        http_status,
        worker=worker,
        values=prefilled(worker) if values is None else values,
        loaded=prefilled(worker) if values is None else as_loaded(values, worker),
        errors=errors or {},
        problem=problem,
        org_units=unit_choices(uses, visit, worker),
        categories=CATEGORIES.items(),
        reasons=REASONS.items(),
        reason_choices=range(REASON_CHOICES),
        family_rows=range(FAMILY_ROWS),
    )


@area.page("GET", "/workers/<worker_id>/edit", roles=CASEWORK)
def console_edit_worker_form(uses: Uses, visit, worker_id):
    worker = uses.registry.call("get_worker", worker_id, visit.user.actor, visit.user.org_unit_id)
    return edit_form(uses, visit, worker)


@area.page("POST", "/workers/<worker_id>/edit", roles=CASEWORK)
def console_update_worker(uses: Uses, visit, worker_id):
    form = visit.form()
    scope = visit.user.org_unit_id
    worker = uses.registry.call("get_worker", worker_id, visit.user.actor, scope)  # out of scope: 404, as the API
    rows: list[int] = []
    try:
        payload, rows = worker_changes(form, worker)
        answer = uses.registry.call("update_worker", worker_id, payload, visit.user.actor, scope)
    except ServiceError as error:
        if error.status == 404:
            raise
        return edit_form(uses, visit, worker, form, messages(error, rows), error.message, error.status)
    if "change_request_id" in answer:  # the API's 202: the new bank details wait for a second person's approval
        return redirect(f"/change-requests?worker_id={worker_id}")
    return redirect(f"/workers/{worker_id}")
