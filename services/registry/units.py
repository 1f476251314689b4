"""The union tree's units of work: each change writes the unit and its event together; org_rules decides.

A caller works inside a scope (scope.py). A unit outside it is answered as one that does not exist: 404 when asked for,
400 on the field when a body names it.
"""

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.registry import org_rules
from services.registry.answers import OrgUnitPageSchema, OrgUnitSchema
from services.registry.models import imports, org_units, outbox
from services.registry.models import workers as workers_table
from services.registry.scope import UNIT as WHAT
from services.registry.scope import scope_path, within_scope
from shared import org_paths
from shared.answers import Shown, page_of
from shared.errors import ServiceError, looks_like_id, not_found, validation_error
from shared.event_types import new_event
from shared.events import new_id, now_utc
from shared.outbox import add_events
from shared.validation import InvalidValue

UNIT, UNIT_PAGE = OrgUnitSchema(), OrgUnitPageSchema()


def view(row) -> dict:
    return UNIT.dump(_shown(row))


def _shown(row) -> Shown:
    """A unit as the API shows it (OrgUnitSchema): its ancestors' ids for its path."""
    return Shown(row, path=org_paths.ancestors(row.path))


def event_about(row) -> dict:
    return {
        "org_unit_id": row.org_unit_id,
        "name": row.name,
        "parent_id": row.parent_id,
        "level": row.level,
        "path": org_paths.ancestors(row.path),
        "version": row.version,
    }


def _place(row) -> org_rules.Place:
    return org_rules.Place(row.org_unit_id, row.level, row.path)


def _row(session, unit_id: str):
    return session.execute(select(org_units).where(org_units.c.org_unit_id == unit_id)).first()


def _find(session, unit_id: str, scope: str | None):
    row = _row(session, unit_id) if looks_like_id(unit_id) else None
    return row if row is not None and org_paths.within(row.path, scope_path(session, scope)) else None


def load(session, unit_id: str, scope: str | None):
    row = _find(session, unit_id, scope)
    if row is None:
        raise not_found(WHAT)
    return row


def named_in_body(session, unit_id: str, scope: str | None, field: str):
    row = _find(session, unit_id, scope)
    if row is None:
        raise validation_error({field: ["未知的组织"]})
    return row


def _child_names(session, parent_id: str | None) -> set[str]:
    return set(session.execute(select(org_units.c.name).where(org_units.c.parent_id == parent_id)).scalars())


def _has_records(session, unit) -> bool:
    """Whether files or imports belong to the unit itself (those below it belong to its children): they keep its
    path."""
    return session.execute(
        select(exists().where(workers_table.c.path == unit.path) | exists().where(imports.c.path == unit.path))
    ).scalar()


def _union_unit(row) -> org_rules.UnionUnit:
    return org_rules.UnionUnit(row.org_unit_id, row.name, row.path)


def unions_by_name(session, scope: str | None, name: str | None = None) -> dict[str, list[org_rules.UnionUnit]]:
    """The units of the scope (those of one name, when given) by name: names are unique among siblings only."""
    query = select(org_units.c.org_unit_id, org_units.c.name, org_units.c.path).where(
        within_scope(session, org_units.c.path, scope)
    )
    if name is not None:
        query = query.where(org_units.c.name == name)
    found: dict[str, list[org_rules.UnionUnit]] = {}
    for row in session.execute(query):
        found.setdefault(row.name, []).append(_union_unit(row))
    return found


def union_of(session, body: dict, scope: str | None) -> org_rules.UnionUnit:
    """The unit a worker's body names: `org_unit_id`, or else `union` by name among the units of the scope."""
    if body.get("org_unit_id") is not None:
        unit = _union_unit(named_in_body(session, body["org_unit_id"], scope, "org_unit_id"))
        if body.get("union", unit.name) != unit.name:
            raise validation_error({"union": ["与 org_unit_id 所指的工会组织不符"]})
        return unit
    try:
        return org_rules.union_named(body["union"], unions_by_name(session, scope, body["union"]))
    except InvalidValue as exc:
        raise validation_error({"union": [str(exc)]}) from None


def _count_child(session, parent, step: int) -> None:
    """The parent gains (or loses) a child, unless it moved since it was read."""
    counted = session.execute(
        update(org_units)
        .where(org_units.c.org_unit_id == parent.org_unit_id, org_units.c.path == parent.path)
        .values(children=org_units.c.children + step)
    ).rowcount
    if not counted:
        raise changed_meanwhile()


def changed_meanwhile() -> ServiceError:
    return ServiceError("conflict", "组织刚被他人调整，请刷新后重试", 409)


def _written(session, name: str, write, announce):
    """Run the writes, announce the unit as written and commit; a sibling of the same name (the unique constraint,
    also against one committed meanwhile) or a unit changed meanwhile is refused, nothing written."""
    try:
        unit_id = write()
        row = _row(session, unit_id)
        add_events(session, outbox, [announce(row)])
        session.commit()
    except IntegrityError:
        session.rollback()
        raise org_rules.duplicate_name(name) from None
    except ServiceError:
        session.rollback()
        raise
    return row


def create(session, data: dict, scope: str | None):
    parent = named_in_body(session, data["parent_id"], scope, "parent_id")
    org_rules.check_new_unit(_place(parent), data["level"], data["name"], _child_names(session, parent.org_unit_id))
    session.rollback()  # end the read before writing (SQLite)

    def write() -> str:
        unit_id, now = new_id(), now_utc()
        session.execute(
            insert(org_units).values(
                org_unit_id=unit_id,
                name=data["name"],
                parent_id=parent.org_unit_id,
                level=data["level"],
                path=org_paths.child_path(parent.path, unit_id),
                depth=parent.depth + 1,
                children=0,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        _count_child(session, parent, 1)
        return unit_id

    return _written(session, data["name"], write, lambda row: new_event("org_unit_created", **event_about(row)))


def change(session, unit_id: str, changes: dict, scope: str | None):
    """A rename, a move, or both; the same values again write nothing."""
    unit = load(session, unit_id, scope)
    name, parent_id = changes.get("name", unit.name), changes.get("parent_id", unit.parent_id)
    if (name, parent_id) == (unit.name, unit.parent_id):
        session.rollback()
        return unit
    parent = None
    if parent_id != unit.parent_id:
        parent = named_in_body(session, parent_id, scope, "parent_id")
        has_records = unit.children > 0 or _has_records(session, unit)
        org_rules.check_move(_place(unit), _place(parent), has_records, _child_names(session, parent_id), name)
    else:
        org_rules.check_unique(name, _child_names(session, parent_id) - {unit.name})
    session.rollback()  # end the read before writing (SQLite)

    def write() -> str:
        values = {"name": name, "version": unit.version + 1, "updated_at": now_utc()}
        conditions = [org_units.c.org_unit_id == unit_id, org_units.c.version == unit.version]
        if parent is not None:
            values.update(parent_id=parent_id, path=org_paths.child_path(parent.path, unit_id), depth=parent.depth + 1)
            conditions.append(org_units.c.children == 0)
        if not session.execute(update(org_units).where(*conditions).values(**values)).rowcount:
            raise changed_meanwhile()
        if name != unit.name:  # the files keep their union's name; a new version, so no write of the old one follows
            session.execute(
                update(workers_table)
                .where(workers_table.c.path == unit.path)
                .values(union=name, version=workers_table.c.version + 1)
            )
        if parent is not None:
            _count_child(session, _row(session, unit.parent_id), -1)
            _count_child(session, parent, 1)
        return unit_id

    return _written(session, name, write, lambda row: new_event("org_unit_updated", **event_about(row)))


def subtree(session, scope: str | None, page: int, per_page: int) -> dict:
    """The units of the scope, from the top down (a parent before its children), each level by name."""
    within = within_scope(session, org_units.c.path, scope)
    total = session.execute(select(func.count()).select_from(org_units).where(within)).scalar()
    rows = session.execute(
        select(org_units)
        .where(within)
        .order_by(org_units.c.depth, org_units.c.name, org_units.c.org_unit_id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    session.rollback()
    return page_of(UNIT_PAGE, [_shown(row) for row in rows], total, page, per_page)


def root(session):
    row = session.execute(select(org_units).where(org_units.c.parent_id.is_(None))).one()
    session.rollback()
    return row
