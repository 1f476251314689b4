"""Who sees what in aid (CONTRACT "Scope"): the one place the rule is written, as SQLAlchemy conditions that the
queries apply. A caller's scope is given by its unit's path (shared/org_paths.py; EVERYWHERE for the root's users);
a record's unit is a column holding a unit id, NULL meaning the root; an application keeps its worker's unit path.
Campaigns are seen from below their unit too (a district files for the city's campaign); donors and donations (by
the receiving unit) and batches (by their campaign's unit) only within the caller's subtree. A donor's own account is
not staff: it sees its donor and that donor's gifts, wherever they and the account's unit lie, and no other donor."""

from sqlalchemy import ColumnElement, or_, select, true

from services.aid.models import applications, batches, campaigns, donations, donors, org_units
from shared import org_paths, org_unit_copy


def below(unit_column, scope_path: str) -> ColumnElement[bool]:
    """Records of a unit in the scope: the caller's unit or one under it."""
    return org_unit_copy.in_subtree(org_units, unit_column, scope_path)


def below_or_above(unit_column, scope_path: str) -> ColumnElement[bool]:
    """Records of a unit in the scope or of one above the caller's unit, the root's included."""
    if scope_path == org_paths.EVERYWHERE:
        return true()
    above = org_paths.ancestors(scope_path)
    return or_(unit_column.is_(None), unit_column.in_(above), below(unit_column, scope_path))


def campaigns_seen(scope_path: str) -> ColumnElement[bool]:
    """A district caseworker files for the city's campaign: a campaign is seen from below its unit too."""
    return below_or_above(campaigns.c.org_unit_id, scope_path)


def campaign_seen_at(campaign_path: str, scope_path: str) -> bool:
    """campaigns_seen for a campaign already read, by its unit's path (EVERYWHERE for the root's): the caller's unit
    is in the campaign's subtree or the campaign's unit in the caller's."""
    return org_paths.within(campaign_path, scope_path) or org_paths.within(scope_path, campaign_path)


def applications_seen(scope_path: str) -> ColumnElement[bool]:
    """An application is seen in the scope of its worker's unit, by the path it keeps (NULL, the root's, from the
    root only)."""
    if scope_path == org_paths.EVERYWHERE:
        return true()
    return applications.c.path.like(org_paths.subtree_pattern(scope_path))


def campaigns_owned(scope_path: str) -> ColumnElement[bool]:
    """Campaigns of a unit in the scope: the ones whose money the caller's unit handles (batches, allocations,
    reconciliation)."""
    return below(campaigns.c.org_unit_id, scope_path)


def batches_seen(scope_path: str) -> ColumnElement[bool]:
    """A disbursement batch is seen in the scope of its campaign's unit."""
    if scope_path == org_paths.EVERYWHERE:
        return true()
    return batches.c.campaign_id.in_(select(campaigns.c.campaign_id).where(campaigns_owned(scope_path)))


def donors_seen(scope_path: str | None, own_donor: str | None = None) -> ColumnElement[bool]:
    """A donor is seen in the scope of the unit that took them on; by a donor's own account (`own_donor`: its donor)
    that donor alone, whatever the scope (None: none)."""
    if own_donor is not None:
        return donors.c.donor_id == own_donor
    return below(donors.c.org_unit_id, scope_path)


def donations_seen(scope_path: str | None, own_donor: str | None = None) -> ColumnElement[bool]:
    """A gift is seen in the scope of the unit that received it; by a donor's own account (`own_donor`: its donor)
    that donor's gifts alone, whatever the scope (None: none)."""
    if own_donor is not None:
        return donations.c.donor_id == own_donor
    return below(donations.c.org_unit_id, scope_path)
