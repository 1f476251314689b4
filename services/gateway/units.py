"""The union units as the gateway knows them, from the registry's org_unit_created/updated events (and its answers,
so a unit just made through this gateway is known at once): which unit an account may be put in, and the root, which
the bootstrap admin and the accounts made before the tree belong to."""

from sqlalchemy import select, update

from services.gateway.models import org_units, users
from shared import org_paths
from shared.db import insert_or_skip
from shared.errors import looks_like_id, validation_error

FIELDS = ("org_unit_id", "name", "parent_id", "level", "path", "version")


def learn(session, unit) -> None:
    """Keep the unit as told (an event, or an answer: `path` its ancestors, root first) unless a later version is kept
    already; the root, once known, is the unit of the accounts made before it. In the caller's transaction."""
    told = {field: unit[field] if isinstance(unit, dict) else getattr(unit, field) for field in FIELDS}
    values = {**told, "path": org_paths.stored_path(list(told["path"]), told["org_unit_id"])}
    if not insert_or_skip(session, org_units, values):
        session.execute(
            update(org_units)
            .where(org_units.c.org_unit_id == told["org_unit_id"], org_units.c.version < told["version"])
            .values(**values)
        )
    if told["parent_id"] is None:
        session.execute(update(users).where(users.c.org_unit_id.is_(None)).values(org_unit_id=told["org_unit_id"]))


def kept(session, unit: dict) -> dict:
    """The registry's answer about a unit, learnt and committed at once: an account can be put in it at the next
    request, before the registry's event about it arrives."""
    learn(session, unit)
    session.commit()
    return unit


def root_id(session) -> str | None:
    """The root's id, None until the gateway has learnt it."""
    return session.execute(select(org_units.c.org_unit_id).where(org_units.c.parent_id.is_(None))).scalar()


def _path(session, unit_id: str) -> str | None:
    if not looks_like_id(unit_id):
        return None
    return session.execute(select(org_units.c.path).where(org_units.c.org_unit_id == unit_id)).scalar()


def for_new_account(session, admin_unit: str | None, named: str | None) -> str | None:
    """The unit a new account goes in: the one named, when it is in the admin's subtree (one outside it is answered
    as one that does not exist), else the admin's own (None: the root's, not learnt yet)."""
    if named is None:
        return admin_unit or root_id(session)
    scope = org_paths.EVERYWHERE if admin_unit is None else _path(session, admin_unit)
    path = _path(session, named)
    if path is None or scope is None or not org_paths.within(path, scope):
        raise validation_error({"org_unit_id": ["未知的组织"]})
    return named
