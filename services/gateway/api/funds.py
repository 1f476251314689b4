"""The API of the funds area: donors and their gifts, allocations, disbursement batches, reconciliation, trace."""

import base64
from dataclasses import dataclass

from services.aid.answers import (
    AllocationViewSchema,
    ApplicationWithHistorySchema,
    BatchResultsSchema,
    BatchViewSchema,
    DonationViewSchema,
    DonorTraceSchema,
    DonorViewSchema,
    ReconciliationSchema,
)
from services.aid.schemas import (
    AllocationSchema,
    BatchCreateSchema,
    DisburseSchema,
    DonationSchema,
    DonorSchema,
    ReconciliationQuerySchema,
)
from services.gateway import api_schemas as answers
from services.gateway.auth import DONOR_READERS, FINANCE, MONEY_READERS
from services.gateway.backends import Backend
from services.gateway.bank_files import bank_file
from services.gateway.bodies import Bodies
from services.gateway.http import json_response, query_args
from services.gateway.routes import BACKEND, JSON_BODY, Area
from shared.errors import ServiceError


@dataclass(frozen=True)
class Uses:
    aid: Backend
    bodies: Bodies


area = Area(Uses)
FUNDS, PAYMENTS = ("捐赠与资金",), ("银行发放",)
# Donors and gifts are scoped by the unit that took them on, batches and reconciliation by their campaign's unit
# (services/aid/scope.py): what lies outside the caller's subtree answers 404 and is in no list.
IN_SCOPE = "只涉及本人所属组织及其下级组织的记录（捐赠人、捐款按收款组织，发放批次按项目所属组织）；范围外的与不存在的一样答复（404）。"


def require_own_donor(user, donor_id: str) -> None:
    """A donor's account asks for its own record alone (403 for another's, a role's limit); which records each caller
    sees is aid's scope rule (a donor's own account: its donor, whatever its unit)."""
    if user.own_donor not in (None, donor_id):
        raise ServiceError("forbidden", "捐赠人只能查看自己的捐赠去向", 403)


@area.api(
    "GET",
    "/api/v1/reconciliation",
    roles=MONEY_READERS,
    summary="对账报告",
    tags=FUNDS,
    description=IN_SCOPE + "账本、项目数字、申请、付款与银行结果逐项核对，ok 为 false 时列出每处差异。",
    query=ReconciliationQuerySchema,
    responses={200: ReconciliationSchema},
    errors=(400, 404) + BACKEND,
)
def reconciliation(uses: Uses, request, user):
    return json_response(uses.aid.call("reconciliation", query_args(request), user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/donors",
    roles=FINANCE,
    summary="登记捐赠人",
    description=IN_SCOPE,
    tags=FUNDS,
    body=DonorSchema,
    responses={201: DonorViewSchema},
    errors=JSON_BODY + BACKEND,
)
def create_donor(uses: Uses, request, user):
    return json_response(uses.aid.call("create_donor", uses.bodies.json(request), user.actor, user.org_unit_id), 201)


@area.api(
    "GET",
    "/api/v1/donors/<donor_id>",
    roles=DONOR_READERS,
    summary="一位捐赠人",
    tags=FUNDS,
    description=IN_SCOPE + "捐赠人账号只能查看自己，不论账号属于哪个组织。",
    responses={200: DonorViewSchema},
    errors=(404,) + BACKEND,
)
def get_donor(uses: Uses, request, user, donor_id):
    require_own_donor(user, donor_id)
    return json_response(uses.aid.call("get_donor", donor_id, user.org_unit_id, user.own_donor))


@area.api(
    "GET",
    "/api/v1/donors/<donor_id>/trace",
    roles=DONOR_READERS,
    summary="捐款去向，精确到分",
    tags=FUNDS,
    description=IN_SCOPE + "捐赠人账号只能查看自己的每一笔捐款，不论账号属于哪个组织；受助人姓名脱敏。",
    responses={200: DonorTraceSchema},
    errors=(404,) + BACKEND,
)
def donor_trace(uses: Uses, request, user, donor_id):
    require_own_donor(user, donor_id)
    return json_response(uses.aid.call("donor_trace", donor_id, user.org_unit_id, user.own_donor))


@area.api(
    "POST",
    "/api/v1/donations",
    roles=FINANCE,
    summary="登记一笔捐款",
    tags=FUNDS,
    description=IN_SCOPE
    + "campaign_id 为 null 或省略即未定向。同一 external_ref 再次提交返回 200 和原来那笔，不重复入账；"
    "捐赠人、金额或项目不同返回 409 idempotency_conflict。",
    body=DonationSchema,
    responses={201: DonationViewSchema, 200: DonationViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def donate(uses: Uses, request, user):
    answer = uses.aid.call("donate", uses.bodies.json(request), user.actor, user.org_unit_id)
    return json_response(answer["donation"], 201 if answer["created"] else 200)


@area.api(
    "POST",
    "/api/v1/campaigns/<campaign_id>/allocations",
    roles=FINANCE,
    summary="把未定向捐款划入项目",
    tags=FUNDS,
    description=IN_SCOPE + "从本人组织范围内收到的最早的捐款开始划拨；余额不足返回 409 budget_exhausted。"
    "同一 external_ref 再次提交返回 200 和原来那笔，不重复划拨；金额或项目不同返回 409 idempotency_conflict。",
    body=AllocationSchema,
    responses={201: AllocationViewSchema, 200: AllocationViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def allocate(uses: Uses, request, user, campaign_id):
    answer = uses.aid.call("allocate", campaign_id, uses.bodies.json(request), user.actor, user.org_unit_id)
    return json_response(answer["allocation"], 201 if answer["created"] else 200)


@area.api(
    "POST",
    "/api/v1/disbursement-batches",
    roles=FINANCE,
    summary="新建银行发放批次",
    tags=PAYMENTS,
    description=IN_SCOPE + "项目中所有 ready 与 payment_failed 的申请进入批次，状态变为 paying；没有可发放的返回 409。",
    body=BatchCreateSchema,
    responses={201: BatchViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def create_disbursement_batch(uses: Uses, request, user):
    return json_response(
        uses.aid.call("create_disbursement_batch", uses.bodies.json(request), user.actor, user.org_unit_id), 201
    )


@area.api(
    "GET",
    "/api/v1/disbursement-batches/<batch_id>",
    roles=MONEY_READERS,
    summary="一个发放批次",
    description=IN_SCOPE,
    tags=PAYMENTS,
    responses={200: BatchViewSchema},
    errors=(404,) + BACKEND,
)
def get_disbursement_batch(uses: Uses, request, user, batch_id):
    return json_response(uses.aid.call("get_disbursement_batch", batch_id, user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/disbursement-batches/<batch_id>/file",
    roles=("finance",),
    summary="下载银行批量代发文件",
    tags=PAYMENTS,
    description=IN_SCOPE + "GB18030 编码的 CSV，含完整银行卡号，只给财务：收款人户名和账号为建批次时的档案，"
    "只列仍在付款中（paying）的行；每次下载记入批次的 downloads。",
    responses={200: answers.BANK_FILE},
    errors=(404,) + BACKEND,
)
def disbursement_file(uses: Uses, request, user, batch_id):
    return bank_file(uses.aid, batch_id, user.actor, user.org_unit_id)


@area.api(
    "POST",
    "/api/v1/disbursement-batches/<batch_id>/results",
    roles=FINANCE,
    summary="导入银行返回的发放结果",
    tags=PAYMENTS,
    description=IN_SCOPE + "CSV：application_id,result,bank_ref,reason；重复提交不产生变化，有问题的行列在 errors 中。",
    body=answers.UPLOAD_BODY,
    responses={200: BatchResultsSchema},
    errors=(400, 404, 413) + BACKEND,
)
def disbursement_results(uses: Uses, request, user, batch_id):
    content, _filename = uses.bodies.upload(request)
    return json_response(
        uses.aid.call(
            "disbursement_results", batch_id, base64.b64encode(content).decode(), user.actor, user.org_unit_id
        )
    )


@area.api(
    "POST",
    "/api/v1/applications/<application_id>/disburse",
    roles=FINANCE,
    summary="手工发放一件 ready 的申请",
    description=IN_SCOPE,
    tags=PAYMENTS,
    body=DisburseSchema,
    responses={200: ApplicationWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def disburse_application(uses: Uses, request, user, application_id):
    return json_response(
        uses.aid.call("disburse", application_id, uses.bodies.json(request), user.actor, user.org_unit_id)
    )
