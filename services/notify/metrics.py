"""The notify service's own figures for /metrics."""

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.notify.models import messages


def sms_figures(session):
    """SMS by their stored status (`claimed` and `sending` are held by a dispatcher; staff see them as queued)."""
    family = GaugeMetricFamily("hardship_sms_messages", "SMS by status", labels=["status"])
    for status, number in session.execute(select(messages.c.status, func.count()).group_by(messages.c.status)):
        family.add_metric([status], number)
    return [family]
