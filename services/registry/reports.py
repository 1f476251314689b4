"""The worker files' side of the roll-up report (统计报表): the report's unit, the units right below it, and the active
files of its subtree counted in one GROUP BY by unit and category, and the path of every unit of the subtree, which
places each unit's counts (current files: a report of any year counts the files as they are now)."""

from sqlalchemy import func, select

from services.registry import units
from services.registry.models import org_units, workers
from services.registry.scope import under, units_under
from shared import org_paths

ACTIVE = "active"


def _unit(session, org_unit_id: str | None, scope: str | None):
    """The report's unit: the one named, in the caller's scope (404 otherwise), else the caller's own, or the root."""
    named = org_unit_id or scope
    if named is None:
        return session.execute(select(org_units).where(org_units.c.parent_id.is_(None))).one()
    return units.load(session, named, scope)


def _worker_figures(rows) -> list[dict]:
    """One item per unit, {"org_unit_id", "workers": {"active", "by_category"}}, from rows (org_unit_id, category,
    count)."""
    found: dict[str, dict] = {}
    for org_unit_id, category, count in rows:
        item = found.setdefault(org_unit_id, {"org_unit_id": org_unit_id, "workers": {"active": 0, "by_category": {}}})
        item["workers"]["active"] += count
        item["workers"]["by_category"][category] = count
    return list(found.values())


def report(session, org_unit_id: str | None, scope: str | None) -> dict:
    """{"unit", "children", "paths", "figures"}: units as {"org_unit_id", "name", "path"} (the stored path), `paths`
    those of every unit of the subtree by id. The units are read after the counts, so every unit counted (here, or by
    aid before this was asked) is among them."""
    unit = _unit(session, org_unit_id, scope)
    prefix = org_paths.EVERYWHERE if unit.parent_id is None else unit.path
    rows = session.execute(
        select(workers.c.org_unit_id, workers.c.category, func.count())
        .where(workers.c.status == ACTIVE, units_under(workers.c.org_unit_id, prefix))
        .group_by(workers.c.org_unit_id, workers.c.category)
    ).all()
    subtree = session.execute(
        select(org_units.c.org_unit_id, org_units.c.parent_id, org_units.c.name, org_units.c.path)
        .where(under(org_units.c.path, prefix))
        .order_by(org_units.c.name, org_units.c.org_unit_id)
    ).all()
    session.rollback()
    return {
        "unit": {"org_unit_id": unit.org_unit_id, "name": unit.name, "path": unit.path},
        "children": [
            {"org_unit_id": child.org_unit_id, "name": child.name, "path": child.path}
            for child in subtree
            if child.parent_id == unit.org_unit_id
        ],
        "paths": {row.org_unit_id: row.path for row in subtree},
        "figures": _worker_figures(rows),
    }
