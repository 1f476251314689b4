"""Who sees which text messages and opt-outs (CONTRACT "Scope"), in one place: those of workers of the caller's unit
and of every unit below it. A message or opt-out keeps its worker's unit id (NULL: the root's); the units' paths are
notify's copy of the registry's tree, so a scope is one semi-join on that copy's paths (shared/org_unit_copy.py). A
record out of scope is answered as one that does not exist."""

from sqlalchemy import ColumnElement

from services.notify.models import messages, opt_outs, org_units
from shared import org_paths, org_unit_copy


def scope_path(session, scope: str | None, ask_registry) -> str:
    """The path every unit of the caller's scope starts with (scope: the caller's unit; None: the root's users)."""
    return org_unit_copy.scope_path(session, org_units, scope, ask_registry)


def messages_seen(scope_path: str) -> ColumnElement[bool]:
    return org_unit_copy.in_subtree(org_units, messages.c.org_unit_id, scope_path)


def opt_outs_seen(scope_path: str) -> ColumnElement[bool]:
    return org_unit_copy.in_subtree(org_units, opt_outs.c.org_unit_id, scope_path)


def worker_seen(applicant: dict | None, scope_path: str) -> bool:
    """Whether a worker, as the registry's `applicants` gives them (None: no such worker), is in the scope."""
    return applicant is not None and org_paths.within(applicant["path"], scope_path)
