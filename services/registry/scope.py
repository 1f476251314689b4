"""A caller's scope in the registry's queries, in one place: the records of the caller's unit and of every unit below.

The scope is the unit the caller's account belongs to (None: the root's users, everywhere). Each record that belongs
to a unit (a unit itself, a worker's file, an import) keeps that unit's path (shared/org_paths.py), so a scope is one
prefix condition on the record itself; change requests and audit entries are in scope through their worker's file.
A record out of scope is answered as one that does not exist.
"""

from sqlalchemy import exists, select, true

from services.registry.models import org_units, workers
from shared import org_paths
from shared.errors import looks_like_id, not_found

UNIT = "组织"


def scope_path(session, scope: str | None) -> str:
    """The path every record in the scope starts with."""
    if scope is None:
        return org_paths.EVERYWHERE
    path = None
    if looks_like_id(scope):
        path = session.execute(select(org_units.c.path).where(org_units.c.org_unit_id == scope)).scalar()
    if path is None:
        raise not_found(UNIT)
    return path


def under(path_column, prefix: str):
    """The WHERE condition that keeps the rows whose `path_column` lies at or below the unit whose path is `prefix`."""
    if prefix == org_paths.EVERYWHERE:
        return true()
    return path_column.like(org_paths.subtree_pattern(prefix))


def units_under(unit_column, prefix: str):
    """The WHERE condition that keeps the rows whose unit (`unit_column`, an org_unit_id) lies at or below the unit
    whose path is `prefix`, by the units' own paths: for a query that reads no record's path (the roll-up report)."""
    if prefix == org_paths.EVERYWHERE:
        return true()
    return unit_column.in_(select(org_units.c.org_unit_id).where(under(org_units.c.path, prefix)))


def within_scope(session, path_column, scope: str | None):
    """The WHERE condition that keeps the rows whose `path_column` lies in the scope."""
    return under(path_column, scope_path(session, scope))


def worker_within_scope(session, worker_id_column, scope: str | None):
    """The WHERE condition that keeps the rows about a worker (`worker_id_column`) whose file lies in the scope."""
    prefix = scope_path(session, scope)
    if prefix == org_paths.EVERYWHERE:
        return true()
    scoped = workers.alias("scoped")  # its own name: a query that joins the files too would take the EXISTS as its own
    return exists().where(scoped.c.worker_id == worker_id_column, under(scoped.c.path, prefix))


def owner(session, scope: str | None) -> tuple[str, str]:
    """(org_unit_id, path) of the unit a record the caller makes belongs to: theirs, or the root for the root's users."""
    columns = select(org_units.c.org_unit_id, org_units.c.path)
    if scope is None:
        return tuple(session.execute(columns.where(org_units.c.parent_id.is_(None))).one())
    row = session.execute(columns.where(org_units.c.org_unit_id == scope)).first() if looks_like_id(scope) else None
    if row is None:
        raise not_found(UNIT)
    return row.org_unit_id, row.path
