"""The roll-up report's console page (统计报表): a unit's figures (the visitor's own unit unless another of their
subtree is asked for) for a year, a table row and a chart per child unit, each child's name leading to its own
report; the same report the API answers (api/reports.py)."""

from dataclasses import dataclass

from services.gateway import reports
from services.gateway.auth import STAFF
from services.gateway.backends import Backend
from services.gateway.console.charts import figures_chart
from services.gateway.console.labels import APPLICATION_STATUSES, CATEGORIES
from services.gateway.http import query_args
from services.gateway.routes import Area


@dataclass(frozen=True)
class Uses:
    aid: Backend
    registry: Backend
    config: dict


area = Area(Uses)


@area.page("GET", "/reports", roles=STAFF)
def console_report(uses: Uses, visit):
    query = query_args(visit.request)
    report = reports.asked(uses.aid, uses.registry, uses.config, query, visit.user.org_unit_id)
    return visit.page(
        "report.html",
        report=report,
        asked_for=query.get("org_unit_id"),
        rows=[("本级", report["own"]), *((child["name"], child) for child in report["children"])],
        charts={child["org_unit_id"]: figures_chart(child["name"], child) for child in report["children"]},
        categories=CATEGORIES,
        statuses=APPLICATION_STATUSES,
    )
