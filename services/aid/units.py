"""The union units as aid knows them: from the registry's org_unit_created/updated events, and, for a unit named
before its event arrived (a unit made a moment ago), from the registry's answer, learnt at once."""

from services.aid.models import org_units
from shared import org_paths, org_unit_copy
from shared.domain_errors import Refused
from shared.errors import ServiceError, looks_like_id


def learn(session, unit) -> None:
    org_unit_copy.learn(session, org_units, unit)


def root_id(session) -> str | None:
    return org_unit_copy.root_id(session, org_units)


def path_of(session, unit_id: str, ask_registry) -> str | None:
    """The unit's path; one aid has not learnt yet is asked of the registry (`ask_registry(unit_id)`, its
    get_org_unit answer) and kept. None: no such unit."""
    path = org_unit_copy.path_of(session, org_units, unit_id)
    if path is not None or not looks_like_id(unit_id):
        return path
    try:
        unit = ask_registry(unit_id)
    except ServiceError as error:
        if error.status == 404:
            return None
        raise
    learn(session, unit)
    session.commit()
    return org_unit_copy.path_of(session, org_units, unit_id)


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
    """The path every unit of the caller's scope starts with; the root's users, whether their account names the root
    or nothing, see every path, records of the root kept as NULL included."""
    if scope is None:
        return org_paths.EVERYWHERE
    path = path_of(session, scope, ask_registry)
    if path is None:
        raise Refused("conflict", "本人所属的组织在系统中不存在，请联系管理员")
    return org_paths.EVERYWHERE if not org_paths.ancestors(path) else path


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
