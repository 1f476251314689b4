"""A service's own copy of the union units (帮扶中心网络), as the registry's org_unit_created/updated events (or its
answers) tell them: the table, the write that keeps each unit's latest version, and the reads every copy needs. The
path is stored as shared/org_paths.py lays it out, so a subtree is one prefix query."""

from sqlalchemy import Column, ColumnElement, Integer, String, Table, false, select, true, update

from shared import org_paths
from shared.db import insert_or_skip
from shared.domain_errors import Refused
from shared.errors import ServiceError, looks_like_id

FIELDS = ("org_unit_id", "name", "parent_id", "level", "path", "version")


def org_units_table(metadata) -> Table:
    return Table(
        "org_units",
        metadata,
        Column("org_unit_id", String(32), primary_key=True),
        Column("name", String(100), nullable=False),
        Column("parent_id", String(32)),
        Column("level", String(10), nullable=False),
        Column("path", String(1000), nullable=False),
        Column("version", Integer, nullable=False),
    )


def learn(session, table: Table, unit) -> dict:
    """Keep the unit as told (an event, or an answer: `path` its ancestors, root first) unless a later version is kept
    already, in the caller's transaction; the unit as told."""
    told = {field: unit[field] if isinstance(unit, dict) else getattr(unit, field) for field in FIELDS}
    values = {**told, "path": org_paths.stored_path(list(told["path"]), told["org_unit_id"])}
    if not insert_or_skip(session, table, values):
        session.execute(
            update(table)
            .where(table.c.org_unit_id == told["org_unit_id"], table.c.version < told["version"])
            .values(**values)
        )
    return told


def root_id(session, table: Table) -> str | None:
    """The root's id, None until the copy has learnt it."""
    return session.execute(select(table.c.org_unit_id).where(table.c.parent_id.is_(None))).scalar()


def path_of(session, table: Table, unit_id: str) -> str | None:
    """The stored path of a unit, None for one not learnt (or anything that is not an id)."""
    if not looks_like_id(unit_id):
        return None
    return session.execute(select(table.c.path).where(table.c.org_unit_id == unit_id)).scalar()


def names(session, table: Table, unit_ids) -> dict[str, str]:
    """{org_unit_id: name} of the units learnt among those asked for."""
    return _column_of(session, table, table.c.name, unit_ids)


def levels(session, table: Table, unit_ids) -> dict[str, str]:
    """{org_unit_id: level} of the units learnt among those asked for."""
    return _column_of(session, table, table.c.level, unit_ids)


def _column_of(session, table: Table, column, unit_ids) -> dict[str, str]:
    ids = [unit_id for unit_id in unit_ids if unit_id and looks_like_id(unit_id)]
    if not ids:
        return {}
    return dict(session.execute(select(table.c.org_unit_id, column).where(table.c.org_unit_id.in_(ids))).all())


def asked_path(session, table: Table, unit_id: str, ask_registry) -> str | None:
    """The unit's path; one not learnt yet is asked of the registry (`ask_registry(unit_id)`, its get_org_unit
    answer) and kept. None: no such unit."""
    path = path_of(session, table, unit_id)
    if path is not None or not looks_like_id(unit_id):
        return path
    try:
        unit = ask_registry(unit_id)
    except ServiceError as error:
        if error.status == 404:
            return None
        raise
    learn(session, table, unit)
    session.commit()
    return path_of(session, table, unit_id)


def scope_path(session, table: Table, scope: str | None, ask_registry) -> str:
    """The path every unit of the caller's scope starts with; the root's users, whether their account names the root
    or nothing, see every path, records of the root kept as NULL included."""
    if scope is None:
        return org_paths.EVERYWHERE
    path = asked_path(session, table, scope, ask_registry)
    if path is None:
        raise Refused("conflict", "本人所属的组织在系统中不存在，请联系管理员")
    return org_paths.EVERYWHERE if not org_paths.ancestors(path) else path


def in_subtree(table: Table, unit_column, scope_path: str | None) -> ColumnElement[bool]:
    """The condition that keeps records whose unit (`unit_column`, NULL: the root's) lies in the scope at
    `scope_path`, as a semi-join on the copy's paths (one prefix condition), so a unit renamed or moved needs no
    change to the records; a scope of None (a unit not learnt yet) holds nothing."""
    if scope_path is None:
        return false()
    if scope_path == org_paths.EVERYWHERE:
        return true()
    return unit_column.in_(select(table.c.org_unit_id).where(table.c.path.like(org_paths.subtree_pattern(scope_path))))


def subtree(session, table: Table, scope: str) -> list[tuple[str, str, int]]:
    """(org_unit_id, name, depth) of the units learnt under the scope's path (shared/org_paths.py), each after its
    parent, siblings in the order they were made (ids sort by time)."""
    rows = session.execute(
        select(table.c.org_unit_id, table.c.name, table.c.path)
        .where(table.c.path.like(org_paths.subtree_pattern(scope)))
        .order_by(table.c.path)
    ).all()
    return [(row.org_unit_id, row.name, len(org_paths.ancestors(row.path))) for row in rows]
