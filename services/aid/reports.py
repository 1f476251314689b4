"""The applications' side of the roll-up report (统计报表): one GROUP BY over the applications of a year's campaigns
filed in a unit's subtree, by unit and status (domain/reports.py says what is counted)."""

from sqlalchemy import func, select

from services.aid import scope, units
from services.aid.domain.reports import unit_figures
from services.aid.models import applications, campaigns
from shared import org_paths
from shared.domain_errors import NotFound

UNIT = "组织"


def report_path(session, org_unit_id: str | None, caller_scope: str | None, ask_registry) -> str:
    """The path of the report's unit (the caller's own unless named; EVERYWHERE for the root, whose records kept
    before the tree have none); a unit out of the caller's scope is answered as one that does not exist."""
    caller = units.scope_path(session, caller_scope, ask_registry)
    if org_unit_id is None:
        return caller
    path = units.path_of(session, org_unit_id, ask_registry)
    if path is None or not org_paths.within(path, caller):
        raise NotFound(UNIT)
    return org_paths.EVERYWHERE if not org_paths.ancestors(path) else path


def figures(session, report_unit_path: str, year: int) -> list[dict]:
    rows = session.execute(
        select(applications.c.org_unit_id, applications.c.status, func.count(), func.sum(applications.c.amount_fen))
        .join(campaigns, campaigns.c.campaign_id == applications.c.campaign_id)
        .where(campaigns.c.year == year, scope.applications_seen(report_unit_path))
        .group_by(applications.c.org_unit_id, applications.c.status)
    ).all()
    session.rollback()
    return unit_figures(rows)
