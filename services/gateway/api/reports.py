"""The API of the roll-up report (统计报表): a unit's figures, its own and each child's, adding up to its total."""

from dataclasses import dataclass

from services.gateway import reports
from services.gateway.answers import ReportSummarySchema
from services.gateway.auth import STAFF
from services.gateway.backends import Backend
from services.gateway.http import json_response, query_args
from services.gateway.routes import BACKEND, Area
from services.gateway.schemas import ReportQuerySchema


@dataclass(frozen=True)
class Uses:
    aid: Backend
    registry: Backend
    config: dict


area = Area(Uses)


@area.api(
    "GET",
    "/api/v1/reports/summary",
    roles=STAFF,
    summary="统计报表：本组织、各直属下级组织及合计",
    tags=("统计报表",),
    description="own 为直接属于该组织的档案与申请，children 每项为一个直属下级组织及其全部下级，own 与 children "
    "逐项相加等于 total（金额精确到分）。职工为当前在档档案（不分年度）；申请与金额取该年度的项目（按项目的 year）。"
    "只能统计本人所属组织及其下级组织，范围外的组织与不存在的一样答复（404）。",
    query=ReportQuerySchema,
    responses={200: ReportSummarySchema},
    errors=(400, 404) + BACKEND,
)
def report_summary(uses: Uses, request, user):
    report = reports.asked(uses.aid, uses.registry, uses.config, query_args(request), user.org_unit_id)
    return json_response(report)
