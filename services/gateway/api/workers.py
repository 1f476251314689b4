"""The API of the workers area: worker files, their imports and the change requests of their bank details."""

from dataclasses import dataclass

from services.gateway import api_schemas as answers
from services.gateway.answers import ImportStartedSchema
from services.gateway.auth import CASEWORK, STAFF, require
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies
from services.gateway.http import flag, json_response, query_args
from services.gateway.imports import start_import, upload_to_registry
from services.gateway.routes import BACKEND, JSON_BODY, Area
from services.registry.answers import (
    AuditTrailSchema,
    ChangeRequestPageSchema,
    ChangeRequestViewSchema,
    ImportProgressSchema,
    ImportResultSchema,
    PayeeChangePendingSchema,
    WorkerPageSchema,
    WorkerSchema,
    WorkerWithHistorySchema,
)
from services.registry.schemas import (
    ChangeDecisionSchema,
    ChangeRequestQuerySchema,
    StatusChangeSchema,
    WorkerChangeSchema,
    WorkerCreateSchema,
    WorkerQuerySchema,
)
from shared.errors import ServiceError, import_not_awaited


@dataclass(frozen=True)
class Uses:
    registry: Backend
    bodies: Bodies


area = Area(Uses)
TAGS = ("职工档案",)
IMPORT_STARTED = ImportStartedSchema()
# Every registry call takes the caller's unit as its scope (user.org_unit_id): what lies outside it answers 404.
IN_SCOPE = "只涉及本人所属工会组织及其下级组织的档案；范围外的与不存在的一样答复（404）。"
UNION = "union 为本人组织范围内某个工会组织的名称（也可改用 org_unit_id），未知的名称 400（未知的工会组织）。"


@area.api(
    "POST",
    "/api/v1/workers",
    roles=CASEWORK,
    summary="新建困难职工档案",
    tags=TAGS,
    description=UNION + "同一身份证号再次建档返回 409 duplicate_worker，并给出已有档案的 worker_id。",
    body=WorkerCreateSchema,
    responses={201: WorkerSchema},
    errors=JSON_BODY + (409,) + BACKEND,
)
def register_worker(uses: Uses, request, user):
    return json_response(
        uses.registry.call("register_worker", uses.bodies.json(request), user.actor, user.org_unit_id), 201
    )


@area.api(
    "GET",
    "/api/v1/workers",
    roles=STAFF,
    summary="查询职工档案（脱敏）",
    tags=TAGS,
    description=IN_SCOPE + "org_unit_id 只查该组织及其下级组织的档案（范围外的组织 404）。",
    query=WorkerQuerySchema,
    responses={200: WorkerPageSchema},
    errors=(400, 404) + BACKEND,
)
def list_workers(uses: Uses, request, user):
    return json_response(uses.registry.call("list_workers", query_args(request), user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/workers/<worker_id>",
    roles=STAFF,
    summary="查看一份职工档案及其状态变更",
    tags=TAGS,
    description=IN_SCOPE + "默认脱敏；reveal=1 显示完整号码，仅限 admin、caseworker，并记入审计日志。",
    query=answers.RevealQuerySchema,
    responses={200: WorkerWithHistorySchema},
    errors=(404,) + BACKEND,
)
def get_worker(uses: Uses, request, user, worker_id):
    reveal = flag(request, "reveal")
    if reveal:
        require(user, CASEWORK)
    return json_response(uses.registry.call("get_worker", worker_id, user.actor, user.org_unit_id, reveal=reveal))


@area.api(
    "GET",
    "/api/v1/workers/<worker_id>/audit",
    roles=("admin", "auditor"),
    summary="档案的审计记录（含查看完整号码）",
    tags=TAGS,
    description=IN_SCOPE,
    responses={200: AuditTrailSchema},
    errors=(404,) + BACKEND,
)
def worker_audit_trail(uses: Uses, request, user, worker_id):
    return json_response(uses.registry.call("audit_trail", worker_id, user.org_unit_id))


@area.api(
    "PATCH",
    "/api/v1/workers/<worker_id>",
    roles=CASEWORK,
    summary="修改档案字段（身份证号不可改）",
    tags=TAGS,
    description="银行信息（bank）不直接修改：提出收款账户变更申请，由另一位经办人或管理员审批，返回 202；"
    "同一请求中的其他字段照常生效。调到本人组织范围内的另一工会组织（union 或 org_unit_id）须给出 reason，"
    "记入审计日志。" + IN_SCOPE,
    body=WorkerChangeSchema(partial=True),
    responses={200: WorkerSchema, 202: PayeeChangePendingSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def update_worker(uses: Uses, request, user, worker_id):
    answer = uses.registry.call("update_worker", worker_id, uses.bodies.json(request), user.actor, user.org_unit_id)
    return json_response(answer, 202 if "change_request_id" in answer else 200)


@area.api(
    "GET",
    "/api/v1/change-requests",
    roles=STAFF,
    summary="收款账户变更申请（新旧账户均脱敏）",
    tags=TAGS,
    description=IN_SCOPE,
    query=ChangeRequestQuerySchema,
    responses={200: ChangeRequestPageSchema},
    errors=(400,) + BACKEND,
)
def list_change_requests(uses: Uses, request, user):
    return json_response(uses.registry.call("list_change_requests", query_args(request), user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/change-requests/<change_request_id>/approve",
    roles=CASEWORK,
    summary="批准收款账户变更",
    tags=TAGS,
    description="提出人本人不能审批（409 same_user）；已处理的申请 409 invalid_transition。批准后新账户生效。",
    body=ChangeDecisionSchema,
    responses={200: ChangeRequestViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def approve_change_request(uses: Uses, request, user, change_request_id):
    return decide_change_request(uses, request, user, change_request_id, approve=True)


@area.api(
    "POST",
    "/api/v1/change-requests/<change_request_id>/reject",
    roles=CASEWORK,
    summary="驳回收款账户变更",
    tags=TAGS,
    description="提出人本人不能审批（409 same_user）；已处理的申请 409 invalid_transition。",
    body=ChangeDecisionSchema,
    responses={200: ChangeRequestViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def reject_change_request(uses: Uses, request, user, change_request_id):
    return decide_change_request(uses, request, user, change_request_id, approve=False)


def decide_change_request(uses: Uses, request, user, change_request_id, approve: bool):
    payload = uses.bodies.json(request)
    return json_response(
        uses.registry.call("decide_change_request", change_request_id, approve, payload, user.actor, user.org_unit_id)
    )


@area.api(
    "POST",
    "/api/v1/workers/<worker_id>/status",
    roles=CASEWORK,
    summary="变更档案状态（在档、暂停、退出）",
    tags=TAGS,
    body=StatusChangeSchema,
    responses={200: WorkerWithHistorySchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def change_worker_status(uses: Uses, request, user, worker_id):
    return json_response(
        uses.registry.call("change_status", worker_id, uses.bodies.json(request), user.actor, user.org_unit_id)
    )


@area.api(
    "POST",
    "/api/v1/workers/import",
    roles=CASEWORK,
    summary="导入帮扶中心的档案表（CSV 或 XLSX）",
    tags=TAGS,
    description="表单字段 file 或原始请求体；async=1 时后台导入并返回 202。“所属工会”按本人组织范围内的工会组织名称识别，"
    "未知名称的行被拒绝，并列在 unknown_unions 中。",
    query=answers.ImportQuerySchema,
    body=answers.UPLOAD_BODY,
    responses={200: ImportResultSchema, 202: ImportStartedSchema},
    errors=(400, 413) + BACKEND,
)
def import_workers(uses: Uses, request, user):
    upload = upload_to_registry(uses.registry, uses.bodies, request)
    if flag(request, "async"):
        return json_response(import_started(start_import(uses.registry, upload, user)), 202)
    try:
        return json_response(uses.registry.call("import_workers", *upload, user.actor, user.org_unit_id))
    except ServiceError as error:
        if error.code == "service_unavailable":
            raise import_not_awaited(upload.import_id) from None
        raise


def import_started(import_id: str) -> dict:
    """The answer to an import started in the background (ImportStartedSchema): where to follow it."""
    return IMPORT_STARTED.dump(
        {"import_id": import_id, "status": "running", "progress_url": f"/api/v1/imports/{import_id}"}
    )


@area.api(
    "GET",
    "/api/v1/imports/<import_id>",
    roles=STAFF,
    summary="后台导入的进度",
    tags=TAGS,
    description="只能查看本人组织范围内发起的导入。",
    responses={200: ImportProgressSchema},
    errors=(404,) + BACKEND,
)
def import_progress(uses: Uses, request, user, import_id):
    return json_response(uses.registry.call("import_progress", import_id, user.org_unit_id))
