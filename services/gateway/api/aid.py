"""The API of the aid area: campaigns, applications and their review, and the working calendar."""

from dataclasses import dataclass

from services.aid.answers import (
    ApplicationPageSchema,
    ApplicationWithHistorySchema,
    BatchApprovalSchema,
    CalendarViewSchema,
    CampaignDetailSchema,
    CampaignPageSchema,
    CampaignViewSchema,
    QuotaViewSchema,
)
from services.aid.schemas import (
    ApplicationQuerySchema,
    ApplicationSchema,
    ApproveSchema,
    BatchApproveSchema,
    CalendarSchema,
    CampaignSchema,
    QuotaSchema,
    ReasonSchema,
)
from services.gateway.auth import CASEWORK, EVERYONE, STAFF
from services.gateway.backends import Backend, Submissions
from services.gateway.bodies import Bodies
from services.gateway.http import json_response, query_args
from services.gateway.routes import BACKEND, JSON_BODY, Area
from shared.schemas import PagedQuerySchema


@dataclass(frozen=True)
class Uses:
    aid: Backend
    submissions: Submissions
    bodies: Bodies


area = Area(Uses)
CAMPAIGNS, APPLICATIONS, CALENDAR = ("帮扶项目",), ("申请与审核",), ("工作日历",)
IN_SCOPE = "只能看到本人组织范围内的组织及其上级组织的项目；范围外的项目与不存在的一样答复（404）。"
REVIEW_STEPS = (
    "设有审核级别（review_levels）的项目逐级审核：职工所在组织路径上有的级别自下而上各审一次，路径上没有的级别跳过；"
    "每次批准完成下一级（review.next_level）的审核，应由该级别组织（职工本单位或其上级）的审核人员办理，否则 409 "
    "wrong_level；每一级由不同的人办理（409 same_user）。最后一级之前申请仍为 submitted，最后一级批准后进入公示并占用资金。"
)
APPLICATION_SCOPE = "申请按职工所属工会划分范围：只能看到和办理本人组织及其下级组织职工的申请，范围外的申请与不存在的一样答复（404），也不计入列表。"


@area.api(
    "POST",
    "/api/v1/campaigns",
    roles=("admin",),
    summary="新建帮扶项目（送温暖或金秋助学）",
    tags=CAMPAIGNS,
    description="项目属于一个组织（org_unit_id，默认本人所属组织；范围外的组织与不存在的一样，400 org_unit_id）。"
    + IN_SCOPE,
    body=CampaignSchema,
    responses={201: CampaignViewSchema},
    errors=JSON_BODY + BACKEND,
)
def create_campaign(uses: Uses, request, user):
    campaign = uses.aid.call("create_campaign", uses.bodies.json(request), user.actor, user.org_unit_id)
    return json_response(campaign, 201)


@area.api(
    "GET",
    "/api/v1/campaigns",
    roles=EVERYONE,
    summary="帮扶项目列表及资金、各状态申请数",
    tags=CAMPAIGNS,
    description=IN_SCOPE,
    query=PagedQuerySchema,
    responses={200: CampaignPageSchema},
    errors=(400,) + BACKEND,
)
def list_campaigns(uses: Uses, request, user):
    return json_response(uses.aid.call("list_campaigns", query_args(request), user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/campaigns/<campaign_id>",
    roles=EVERYONE,
    summary="一个帮扶项目及其资金、各状态申请数、各组织配额",
    tags=CAMPAIGNS,
    description=IN_SCOPE,
    responses={200: CampaignDetailSchema},
    errors=(404,) + BACKEND,
)
def get_campaign(uses: Uses, request, user, campaign_id):
    return json_response(uses.aid.call("get_campaign", campaign_id, user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/campaigns/<campaign_id>/quotas",
    roles=("admin",),
    summary="为下级组织分配项目配额（新设或改设）",
    tags=CAMPAIGNS,
    description="项目所属组织在本人组织范围内的管理员可设；否则 403。配额归该组织及其下级组织共用。"
    "组织不在项目所属组织之下 409 conflict；各配额合计超过项目预算、或低于已占用金额 409 budget_exhausted。",
    body=QuotaSchema,
    responses={200: QuotaViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def set_quota(uses: Uses, request, user, campaign_id):
    quota = uses.aid.call("set_quota", campaign_id, uses.bodies.json(request), user.actor, user.org_unit_id)
    return json_response(quota)


@area.api(
    "POST",
    "/api/v1/applications",
    roles=CASEWORK,
    summary="提交帮扶申请",
    tags=APPLICATIONS,
    description="金额取自项目标准表。拒绝：not_eligible（含职工不在项目所属组织及其下级组织）、campaign_closed、"
    "duplicate_application（409）；范围外的项目或职工档案 404。",
    body=ApplicationSchema,
    responses={201: ApplicationWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def submit_application(uses: Uses, request, user):
    return json_response(uses.submissions.submit(uses.bodies.json(request), user.actor, user.org_unit_id), 201)


@area.api(
    "GET",
    "/api/v1/applications",
    roles=STAFF,
    summary="查询申请",
    tags=APPLICATIONS,
    description=APPLICATION_SCOPE,
    query=ApplicationQuerySchema,
    responses={200: ApplicationPageSchema},
    errors=(400,) + BACKEND,
)
def list_applications(uses: Uses, request, user):
    return json_response(uses.aid.call("list_applications", query_args(request), user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/applications/approve-batch",
    roles=CASEWORK,
    summary="批量审批通过",
    tags=APPLICATIONS,
    description="逐件审批，每件完成其下一步审核（见单件审批）；approved 含完成了一级审核、仍待上一级审核的申请；"
    "未通过的列在 failed 中并给出错误码（范围外的申请为 not_found，不是本级审核的为 wrong_level）。",
    body=BatchApproveSchema,
    responses={200: BatchApprovalSchema},
    errors=JSON_BODY + BACKEND,
)
def approve_batch(uses: Uses, request, user):
    return json_response(uses.aid.call("approve_batch", uses.bodies.json(request), user.actor, user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/applications/<application_id>",
    roles=STAFF,
    summary="一件申请及其状态历史",
    tags=APPLICATIONS,
    description=APPLICATION_SCOPE,
    responses={200: ApplicationWithHistorySchema},
    errors=(404,) + BACKEND,
)
def get_application(uses: Uses, request, user, application_id):
    return json_response(uses.aid.call("get_application", application_id, user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/applications/<application_id>/approve",
    roles=CASEWORK,
    summary="审批通过",
    tags=APPLICATIONS,
    description=REVIEW_STEPS + "提交人本人不能审批（409 same_user）；项目资金或职工所在组织的配额不足 409 "
    "budget_exhausted。" + APPLICATION_SCOPE,
    body=ApproveSchema,
    responses={200: ApplicationWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def approve_application(uses: Uses, request, user, application_id):
    return review(uses, request, user, "approve", application_id)


@area.api(
    "POST",
    "/api/v1/applications/<application_id>/reject",
    roles=CASEWORK,
    summary="驳回申请",
    tags=APPLICATIONS,
    description="提交人本人不能驳回（409 same_user）。" + APPLICATION_SCOPE,
    body=ReasonSchema,
    responses={200: ApplicationWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def reject_application(uses: Uses, request, user, application_id):
    return review(uses, request, user, "reject", application_id)


@area.api(
    "POST",
    "/api/v1/applications/<application_id>/withdraw",
    roles=CASEWORK,
    summary="撤回申请",
    tags=APPLICATIONS,
    description=APPLICATION_SCOPE,
    body=ReasonSchema,
    responses={200: ApplicationWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def withdraw_application(uses: Uses, request, user, application_id):
    return review(uses, request, user, "withdraw", application_id)


@area.api(
    "POST",
    "/api/v1/applications/<application_id>/objection",
    roles=CASEWORK,
    summary="公示期内登记异议",
    tags=APPLICATIONS,
    description="申请退回 submitted，释放已承诺的资金。" + APPLICATION_SCOPE,
    body=ReasonSchema,
    responses={200: ApplicationWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def object_to_application(uses: Uses, request, user, application_id):
    return review(uses, request, user, "object", application_id)


def review(uses: Uses, request, user, method: str, application_id):
    return json_response(uses.aid.call(method, application_id, uses.bodies.json(request), user.actor, user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/calendar/<int:year>",
    roles=STAFF,
    summary="一年的节假日与调休上班日（公示按工作日计算）",
    tags=CALENDAR,
    description="source 为 official（内置的国务院官方安排）或 entered（管理员录入）；两者都没有的年份返回 404。",
    responses={200: CalendarViewSchema},
    errors=(404,) + BACKEND,
)
def get_calendar(uses: Uses, request, user, year):
    return json_response(uses.aid.call("get_calendar", year))


@area.api(
    "PUT",
    "/api/v1/calendar/<int:year>",
    roles=("admin",),
    summary="录入内置日历尚未包含的一年的放假调休安排",
    tags=CALENDAR,
    description="国务院每年秋季公布下一年的安排。日期须在该年内，同一天不能既放假又调休上班，"
    "调休上班日应为周六或周日；再次录入即替换。内置官方日历已有的年份不能录入（409 calendar_official）。",
    body=CalendarSchema,
    responses={200: CalendarViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def enter_calendar(uses: Uses, request, user, year):
    return json_response(uses.aid.call("enter_calendar", year, uses.bodies.json(request), user.actor))
