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


def org_units_page(uses: Uses, visit, http_status: int = 200, values=None, errors=None, problem=None, notice=None):
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
