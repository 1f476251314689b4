"""The union tree's console page (组织机构): the units of the visitor's subtree as a tree; an admin adds a unit under
one of them and renames them."""

from dataclasses import dataclass
from urllib.parse import urlencode

from services.gateway import units
from services.gateway.auth import STAFF
from services.gateway.backends import Backend
from services.gateway.console.forms import field_messages, filled
from services.gateway.console.nav import ADMIN
from services.gateway.console.web import redirect
from services.gateway.routes import Area
from shared.errors import ServiceError
from shared.org_levels import ORG_LEVEL_LABELS

MOST_UNITS = 500  # one page of the registry's list: a city's tree, down to its base unions


@dataclass(frozen=True)
class Uses:
    db: object
    registry: Backend


area = Area(Uses)


def tree(items: list[dict]) -> list[dict]:
    """The units as nested nodes {"unit", "children"}, from the top units of the list (those whose parent it does not
    hold) down; the list has every parent before its children, siblings in order."""
    nodes = {item["org_unit_id"]: {"unit": item, "children": []} for item in items}
    tops = []
    for item in items:
        parent = nodes.get(item["parent_id"])
        (parent["children"] if parent else tops).append(nodes[item["org_unit_id"]])
    return tops


def org_units_page(
    uses: Uses, visit, http_status: int = 200, values=None, errors=None, problem=None, notice=None, moving=None
):
    """The tree and the admin's forms; a refused move (`moving`: {"org_unit_id", "parent_id", "errors", "problem"})
    is shown again at its unit's form with its messages."""
    listing = uses.registry.call("list_org_units", {"per_page": MOST_UNITS}, visit.user.org_unit_id)
    return visit.page(
        "org_units.html",
        http_status,
        tree=tree(listing["items"]),
        parents=[(item["org_unit_id"], item["name"]) for item in listing["items"]],
        levels=ORG_LEVEL_LABELS.items(),
        values=values or {},
        errors=errors or {},
        problem=problem,
        notice=notice,
        moving=moving,
    )


@area.page("GET", "/org-units", roles=STAFF)
def console_org_units(uses: Uses, visit):
    done = visit.request.args.get("done")
    return org_units_page(uses, visit, notice=f"已保存组织“{done}”" if done else None)


@area.page("POST", "/org-units", roles=ADMIN)
def console_create_org_unit(uses: Uses, visit):
    form = visit.form()
    try:
        unit = uses.registry.call("create_org_unit", filled(form, "name", "parent_id", "level"), visit.user.org_unit_id)
    except ServiceError as error:
        return org_units_page(uses, visit, error.status, form, field_messages(error), error.message)
    units.kept(uses.db, unit)
    return redirect("/org-units?" + urlencode({"done": unit["name"]}))


@area.page("POST", "/org-units/<org_unit_id>/rename", roles=ADMIN)
def console_rename_org_unit(uses: Uses, visit, org_unit_id):
    try:
        unit = uses.registry.call("change_org_unit", org_unit_id, filled(visit.form(), "name"), visit.user.org_unit_id)
    except ServiceError as error:
        problem = "；".join(field_messages(error).get("name", [])) or error.message
        return org_units_page(uses, visit, error.status, problem=problem)
    units.kept(uses.db, unit)
    return redirect("/org-units?" + urlencode({"done": unit["name"]}))


@area.page("POST", "/org-units/<org_unit_id>/move", roles=ADMIN)
def console_move_org_unit(uses: Uses, visit, org_unit_id):
    """The API's PATCH with a new parent_id: the unit moved under another unit of the scope; the registry refuses a
    cycle, a parent not of a higher level and a unit that already has units, files or imports below it."""
    form = visit.form()
    try:
        unit = uses.registry.call(
            "change_org_unit", org_unit_id, {"parent_id": form.get("parent_id", "")}, visit.user.org_unit_id
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        errors = field_messages(error)
        moving = {
            "org_unit_id": org_unit_id,
            "parent_id": form.get("parent_id", ""),
            "errors": errors,
            "problem": None if errors else error.message,
        }
        return org_units_page(uses, visit, error.status, moving=moving)
    units.kept(uses.db, unit)
    return redirect("/org-units?" + urlencode({"done": unit["name"]}))
