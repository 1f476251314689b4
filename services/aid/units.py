"""The union units as aid knows them: from the registry's org_unit_created/updated events, and, for a unit named
before its event arrived (a unit made a moment ago), from the registry's answer, learnt at once."""

from sqlalchemy import update

from services.aid.models import campaigns, donations, donors, org_units
from shared import org_paths, org_unit_copy
from shared.domain_errors import Invalid

OWNED = (campaigns, donors, donations)  # records that belong to a unit, NULL (the root's) until aid knew the root


def learn(session, unit) -> None:
    """Keep the unit as told; the root, once known, is the unit of the records made before it (an installation filed
    before the union tree), in the caller's transaction."""
    told = org_unit_copy.learn(session, org_units, unit)
    if told["parent_id"] is None:
        for table in OWNED:
            session.execute(update(table).where(table.c.org_unit_id.is_(None)).values(org_unit_id=told["org_unit_id"]))


def root_id(session) -> str | None:
    return org_unit_copy.root_id(session, org_units)


def path_of(session, unit_id: str, ask_registry) -> str | None:
    """The unit's path, asked of the registry when aid has not learnt it yet; None: no such unit."""
    return org_unit_copy.asked_path(session, org_units, unit_id, ask_registry)


def owner_path(session, unit_id: str | None, ask_registry) -> str | None:
    """The path of a record's unit, a NULL unit being the root's (EVERYWHERE); None: no such unit."""
    return org_paths.EVERYWHERE if unit_id is None else path_of(session, unit_id, ask_registry)


def known_path(session, unit_id: str) -> str:
    """The path of a unit an event names; one whose own event has not arrived yet fails, so the event is retried."""
    path = org_unit_copy.path_of(session, org_units, unit_id)
    if path is None:
        raise LookupError(f"union unit {unit_id} not learnt yet")
    return path


def scope_path(session, scope: str | None, ask_registry) -> str:
    return org_unit_copy.scope_path(session, org_units, scope, ask_registry)


def owner(session, named: str | None, caller_scope: str | None, ask_registry) -> str | None:
    """The unit a new record (a campaign, a donor, a gift) belongs to: the one named, when it is in the caller's scope
    (one outside it is answered as one that does not exist), else the caller's own (the root's users: the root, NULL
    until aid knows it)."""
    if named is None:
        return caller_scope or root_id(session)
    path = path_of(session, named, ask_registry)
    if path is None or not org_paths.within(path, scope_path(session, caller_scope, ask_registry)):
        raise Invalid({"org_unit_id": ["未知的组织"]})
    return named


def levels_on(session, paths, ask_registry=None) -> dict[str | None, list[str]]:
    """{path: the levels of its units, root first} for each of `paths` (None, an application of the root's: the
    root's level). A unit aid has not learnt is asked of the registry when `ask_registry` is given (an approval must
    not skip a level it has not heard of yet), else left out."""
    paths = set(paths)
    ids = {unit_id for path in paths if path for unit_id in org_paths.lineage(path)}
    root = root_id(session)
    level_of = org_unit_copy.levels(session, org_units, ids | {root} if root else ids)
    for unit_id in sorted(ids - set(level_of)) if ask_registry else ():
        if path_of(session, unit_id, ask_registry) is not None:
            level_of |= org_unit_copy.levels(session, org_units, [unit_id])
    return {
        path: [level_of[unit_id] for unit_id in (org_paths.lineage(path) if path else [root]) if unit_id in level_of]
        for path in paths
    }


def level_of_scope(session, scope: str | None, ask_registry) -> str | None:
    """The level of the caller's unit (None: the root's users, the root's level); None while aid knows no root."""
    unit_id = scope or root_id(session)
    if unit_id is None or (scope is not None and path_of(session, unit_id, ask_registry) is None):
        return None
    return org_unit_copy.levels(session, org_units, [unit_id]).get(unit_id)
