"""The aid service's own figures for /metrics."""

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.aid.domain.statuses import STATUSES
from services.aid.models import applications


def application_figures(session):
    by_status = dict(session.execute(select(applications.c.status, func.count()).group_by(applications.c.status)).all())
    family = GaugeMetricFamily("hardship_applications", "Applications by status", labels=["status"])
    for status in STATUSES:
        family.add_metric([status], by_status.get(status, 0))
    return [family]
