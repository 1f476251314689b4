"""The aid service's own figures for /metrics."""

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.aid.domain.statuses import STATUSES
from services.aid.models import applications


def application_figures(session, seen):
    """Applications by status, among those the scope rule's condition `seen` keeps (scope.applications_seen)."""
    counted = select(applications.c.status, func.count()).where(seen).group_by(applications.c.status)
    by_status = dict(session.execute(counted).all())
    family = GaugeMetricFamily("hardship_applications", "Applications by status", labels=["status"])
    for status in STATUSES:
        family.add_metric([status], by_status.get(status, 0))
    return [family]
