"""The union units as the gateway knows them, from the registry's org_unit_created/updated events (and its answers,
so a unit just made through this gateway is known at once): which unit an account may be put in, and the root, which
the bootstrap admin and the accounts made before the tree belong to."""

from sqlalchemy import update

from services.gateway.models import org_units, users
from services.gateway.scope import scope_path
from shared import org_paths, org_unit_copy
from shared.errors import validation_error


def learn(session, unit) -> None:
    """Keep the unit as told (shared/org_unit_copy.py); the root, once known, is the unit of the accounts made before
    it. In the caller's transaction."""
    told = org_unit_copy.learn(session, org_units, unit)
    if told["parent_id"] is None:
        session.execute(update(users).where(users.c.org_unit_id.is_(None)).values(org_unit_id=told["org_unit_id"]))


def kept(session, unit: dict) -> dict:
    """The registry's answer about a unit, learnt and committed at once: an account can be put in it at the next
    request, before the registry's event about it arrives."""
    learn(session, unit)
    session.commit()
    return unit


def root_id(session) -> str | None:
    return org_unit_copy.root_id(session, org_units)


def _path(session, unit_id: str) -> str | None:
    return org_unit_copy.path_of(session, org_units, unit_id)


def for_new_account(session, admin_unit: str | None, named: str | None) -> str | None:
    """The unit a new account goes in: the one named, when it is in the admin's subtree (one outside it is answered
    as one that does not exist), else the admin's own (None: the root's, not learnt yet)."""
    if named is None:
        return admin_unit or root_id(session)
    scope = scope_path(session, admin_unit)
    path = _path(session, named)
    if path is None or scope is None or not org_paths.within(path, scope):
        raise validation_error({"org_unit_id": ["未知的组织"]})
    return named


def names(session, unit_ids) -> dict[str, str]:
    return org_unit_copy.names(session, org_units, unit_ids)


def choices(session, admin_unit: str | None) -> list[tuple[str, str]]:
    """The units a new account may be put in, as (id, name indented by its depth below the admin's unit)."""
    scope = scope_path(session, admin_unit)
    if scope is None:
        return []
    units = org_unit_copy.subtree(session, org_units, scope)
    top = min((depth for _, _, depth in units), default=0)
    return [(unit_id, "\u3000" * (depth - top) + name) for unit_id, name, depth in units]
