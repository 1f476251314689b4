"""The notify service's own figures for /metrics."""

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.notify.models import messages


def sms_figures(session, seen):
    """SMS by their stored status (`claimed` and `sending` are held by a dispatcher; staff see them as queued), among
    those the scope rule's condition `seen` keeps (scope.messages_seen)."""
    family = GaugeMetricFamily("hardship_sms_messages", "SMS by status", labels=["status"])
    counted = select(messages.c.status, func.count()).where(seen).group_by(messages.c.status)
    for status, number in session.execute(counted):
        family.add_metric([status], number)
    return [family]
