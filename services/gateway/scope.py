"""An admin's scope over the accounts, in one place: the accounts of the admin's unit and of every unit below it.

An account keeps only its unit's id; the unit's path is in the gateway's copy of the units (units.learn), so the scope
is one prefix condition on that path, taken as a semi-join (the account's unit among the subtree's units), which the
count, the page and the lookup before a change all carry. An account out of scope is answered as one that does not
exist.

The same copy tells whether a user sees the whole system (the root's users), which /metrics asks.
"""

from services.gateway.models import org_units, users
from shared import org_paths, org_unit_copy


def scope_path(session, admin_unit: str | None) -> str | None:
    """The path every unit in the admin's subtree starts with: everywhere for the root's admins (None); None for a unit
    the gateway has not learnt yet, a scope of nothing until it has."""
    return org_paths.EVERYWHERE if admin_unit is None else org_unit_copy.path_of(session, org_units, admin_unit)


def accounts_within(session, admin_unit: str | None):
    """The WHERE condition on users that keeps the accounts in the admin's subtree."""
    return org_unit_copy.in_subtree(org_units, users.c.org_unit_id, scope_path(session, admin_unit))


def sees_everything(session, unit: str | None) -> bool:
    """Whether the users of that unit see the whole system: the root's (None: the root, not learnt yet, as for the
    bootstrap admin and METRICS_TOKEN). A unit the gateway has not learnt yet is not taken for the root."""
    path = scope_path(session, unit)
    return path is not None and not org_paths.ancestors(path)
