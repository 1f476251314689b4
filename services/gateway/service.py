"""The gateway: the HTTP API under /api/v1, bearer-token auth, health, and the web console (console/)."""

import base64
import functools
import uuid
from typing import BinaryIO, NamedTuple

import eventlet
from marshmallow import ValidationError
from nameko.dependency_providers import Config
from nameko.exceptions import UnknownService
from sqlalchemy import text
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from services.aid.schemas import (
    AllocationSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    ApproveSchema,
    BatchApproveSchema,
    BatchCreateSchema,
    CalendarSchema,
    CampaignSchema,
    DisburseSchema,
    DonationSchema,
    DonorSchema,
    ReasonSchema,
    ReconciliationQuerySchema,
)
from services.gateway import accounts, metrics
from services.gateway import api_schemas as answers
from services.gateway.auth import (
    CASEWORK,
    DONOR_READERS,
    EVERYONE,
    FINANCE,
    STAFF,
    TokenLookups,
    authenticate,
    create_user,
    require,
)
from services.gateway.console.routes import ConsoleRoutes
from services.gateway.docs_page import render
from services.gateway.health import HealthReports
from services.gateway.http import (
    ApiEndpoint,
    BoundedBody,
    flag,
    handles_errors,
    json_response,
    query_args,
    read_body,
    read_json,
)
from services.gateway.openapi import openapi_document
from services.gateway.rate_limit import RateLimits
from services.gateway.routes import ROUTES, Route
from services.gateway.schemas import NoFieldsSchema, UserCreateSchema
from services.notify.schemas import NotificationQuerySchema, OptOutSchema
from services.registry.filenames import checked_filename
from services.registry.schemas import (
    ChangeDecisionSchema,
    ChangeRequestQuerySchema,
    StatusChangeSchema,
    WorkerCreateSchema,
    WorkerFieldsSchema,
    WorkerQuerySchema,
)
from shared.coalesce import Coalescing
from shared.config import setting
from shared.db import Database
from shared.errors import ServiceError, import_not_awaited, validation_error
from shared.request_ids import RequestIds
from shared.request_ids import current as current_request_id
from shared.rpc_proxy import TimedRpcProxy
from shared.schemas import PagedQuerySchema, load_or_400
from shared.upload_parts import send_parts

METRICS_READERS = ("admin", "auditor", "metrics")  # metrics: the METRICS_TOKEN, for Prometheus
CHECKED_SERVICES = ("registry", "aid", "notify")
HEALTH_TIMEOUT_SECONDS = 3
# Error statuses, for the OpenAPI document: a JSON body can be malformed, too large or not JSON; every
# route that asks a backend service can find it not answering.
JSON_BODY = (400, 413, 415)
BACKEND = (503,)


def empty_upload() -> ServiceError:
    return validation_error({"file": ["上传的文件是空的"]})


class Upload(NamedTuple):
    """An upload stored in the registry's import parts, as registry.import_workers takes it (with the actor)."""

    import_id: str
    parts: int
    filename: str | None


def require_own_donor(user, donor_id: str) -> None:
    """A donor sees only their own record; staff roles see every donor (read-only for the auditor)."""
    if user.role == "donor" and user.donor_id != donor_id:
        raise ServiceError("forbidden", "捐赠人只能查看自己的捐赠去向", 403)


def endpoint(
    method: str,
    url: str,
    roles=None,
    *,
    summary=None,
    description="",
    tags=(),
    query=None,
    body=None,
    responses=None,
    errors=(),
    hidden=False,
):
    """An API route; with roles, the caller must present a token of one of them.

    The keywords describe it for the OpenAPI document (see routes.Route); hidden routes are left out of it.
    """

    def decorator(handler):
        ROUTES.append(
            Route(
                name=handler.__name__,
                methods=tuple(method.split(",")),
                url=url,
                roles=roles,
                summary=summary,
                description=description,
                tags=tuple(tags),
                query=query,
                body=body,
                responses=responses or {},
                errors=tuple(errors),
                hidden=hidden,
            )
        )

        @functools.wraps(handler)
        @handles_errors
        def wrapper(self, request, **path):
            user = self.authenticated(request, roles) if roles else None
            return handler(self, request, user, **path)

        return ApiEndpoint.decorator(method, url)(wrapper)

    return decorator


class GatewayService(ConsoleRoutes):
    name = "gateway"

    config = Config()
    db = Database("gateway")
    registry = TimedRpcProxy("registry")
    aid = TimedRpcProxy("aid")
    notify = TimedRpcProxy("notify")
    submissions = Coalescing()
    request_ids = RequestIds()
    rate_limits = RateLimits()
    token_lookups = TokenLookups()
    health_reports = HealthReports()

    def authenticated(self, request, roles):
        authorization = request.headers.get("Authorization")
        admin_token, metrics_token = setting("HARDSHIP_ADMIN_TOKEN", self.config), setting("METRICS_TOKEN", self.config)
        user = self.rate_limits.sign_in(
            request,
            lambda: authenticate(
                self.db,
                authorization,
                admin_token,
                metrics_token,
                self.token_lookups,
                ttl_days=self.token_lookups.ttl_days,
            ),
        )
        require(user, roles)
        return user

    def call(self, method, *args, timeout=None, **kwargs):
        """The RPC's answer; it waits RPC_TIMEOUT seconds (shared/rpc_proxy.py), or `timeout` when shorter."""
        # A worker waiting on another service holds no database connection: a hung service would drain the pool.
        self.db.rollback()
        with metrics.timed_call(method), eventlet.Timeout(timeout):
            return method(*args, **kwargs)

    def json_body(self, request):
        return read_json(request, int(setting("MAX_BODY_BYTES", self.config)))

    @endpoint(
        "GET",
        "/health",
        summary="健康检查：数据库与各服务是否应答",
        tags=("运维与文档",),
        description="结果缓存 2 秒；同一客户端每分钟最多 HEALTH_RATE_LIMIT_PER_MINUTE 次，超过返回 429。",
        responses={200: answers.HealthSchema, 503: answers.HealthSchema},
        errors=(429,),
    )
    def health(self, request, _user):
        report = self.health_reports.latest(self.check_health)
        return json_response(report, 200 if report["status"] == "ok" else 503)

    def check_health(self) -> dict:
        checks = {}
        try:
            self.db.execute(text("SELECT 1"))
            checks["gateway"] = "ok"
        except Exception as exc:  # any database failure means unhealthy, whatever its type
            checks["gateway"] = f"database unavailable: {type(exc).__name__}"
        for service in CHECKED_SERVICES:
            try:
                self.call(getattr(self, service).ping, timeout=HEALTH_TIMEOUT_SECONDS)
                checks[service] = "ok"
            except (eventlet.Timeout, UnknownService, ServiceError):  # UnknownService: not started (no queue) yet
                checks[service] = "no answer"
        healthy = all(value == "ok" for value in checks.values())
        return {"status": "ok" if healthy else "unavailable", "checks": checks}

    @endpoint(
        "GET",
        "/metrics",
        roles=METRICS_READERS,
        summary="运行指标（Prometheus 文本格式）",
        tags=("运维",),
        description="网关自身与各服务（registry、aid、notify）的指标。Prometheus 可用 METRICS_TOKEN 作为 Bearer 令牌抓取。",
        responses={200: answers.METRICS_TEXT},
    )
    def metrics_exposition(self, request, user):
        self.db.rollback()  # as in call(): no connection held while the services answer
        text = metrics.scrape({service: getattr(self, service) for service in CHECKED_SERVICES})
        return Response(text, 200, content_type=metrics.CONTENT_TYPE)

    @endpoint(
        "POST",
        "/api/v1/users",
        roles=("admin",),
        summary="新建账号并发放访问令牌（只显示一次）",
        tags=("账号",),
        body=UserCreateSchema,
        responses={201: answers.UserCreatedSchema},
        errors=JSON_BODY,
    )
    def create_user(self, request, user):
        return json_response(self.add_user(self.json_body(request)), 201)

    def add_user(self, payload: dict) -> dict:
        """A new account from the API's body; the answer holds its token, shown this once."""
        try:
            data = UserCreateSchema().load(payload)
        except ValidationError as exc:
            raise validation_error(exc.messages) from None
        return create_user(self.db, data["name"], data["role"], data["donor_id"])

    @endpoint(
        "GET",
        "/api/v1/users",
        roles=("admin",),
        summary="账号列表（不含令牌）",
        tags=("账号",),
        description="status：active 有效、expired 令牌已过期（TOKEN_TTL_DAYS）、revoked 已吊销。",
        query=PagedQuerySchema,
        responses={200: answers.UserPageSchema},
        errors=(400,),
    )
    def list_users(self, request, user):
        query = load_or_400(PagedQuerySchema(), query_args(request))
        return json_response(
            accounts.list_accounts(self.db, query["page"], query["per_page"], self.token_lookups.ttl_days)
        )

    @endpoint(
        "POST",
        "/api/v1/users/<user_id>/revoke",
        roles=("admin",),
        summary="吊销账号：令牌与控制台登录立即失效",
        tags=("账号",),
        description="所有网关实例立即拒绝（401）。不能吊销自己（409 same_user）或引导管理员"
        "（409 not_revocable）；已吊销的账号 409 invalid_transition。",
        body=ReasonSchema,
        responses={200: answers.UserSchema},
        errors=JSON_BODY + (404, 409),
    )
    def revoke_user(self, request, user, user_id):
        return json_response(self.revoke_account(user_id, self.json_body(request), user))

    def revoke_account(self, user_id: str, payload: dict, admin) -> dict:
        reason = load_or_400(ReasonSchema(), payload)["reason"]
        return accounts.revoke(self.db, user_id, reason, admin, self.token_lookups.ttl_days)

    @endpoint(
        "POST",
        "/api/v1/users/<user_id>/token",
        roles=("admin",),
        summary="换发访问令牌（只显示一次），旧令牌立即失效",
        tags=("账号",),
        description="旧令牌及用它登录的控制台会话立即失效；新令牌的有效期重新计算。"
        "已吊销的账号不能换发（409 invalid_transition），引导管理员 409 not_revocable。",
        body=NoFieldsSchema,
        responses={200: answers.UserTokenSchema},
        errors=JSON_BODY + (404, 409),
    )
    def issue_user_token(self, request, user, user_id):
        load_or_400(NoFieldsSchema(), self.json_body(request))
        return json_response(self.issue_token(user_id))

    def issue_token(self, user_id: str) -> dict:
        return accounts.issue_token(self.db, user_id, self.token_lookups.ttl_days)

    @endpoint(
        "POST",
        "/api/v1/workers",
        roles=CASEWORK,
        summary="新建困难职工档案",
        tags=("职工档案",),
        description="同一身份证号再次建档返回 409 duplicate_worker，并给出已有档案的 worker_id。",
        body=WorkerCreateSchema,
        responses={201: answers.WorkerSchema},
        errors=JSON_BODY + (409,) + BACKEND,
    )
    def register_worker(self, request, user):
        return json_response(self.call(self.registry.register_worker, self.json_body(request), user.actor), 201)

    @endpoint(
        "GET",
        "/api/v1/workers",
        roles=STAFF,
        summary="查询职工档案（脱敏）",
        tags=("职工档案",),
        query=WorkerQuerySchema,
        responses={200: answers.WorkerPageSchema},
        errors=(400,) + BACKEND,
    )
    def list_workers(self, request, user):
        return json_response(self.call(self.registry.list_workers, query_args(request)))

    @endpoint(
        "GET",
        "/api/v1/workers/<worker_id>",
        roles=STAFF,
        summary="查看一份职工档案及其状态变更",
        tags=("职工档案",),
        description="默认脱敏；reveal=1 显示完整号码，仅限 admin、caseworker，并记入审计日志。",
        query=answers.RevealQuerySchema,
        responses={200: answers.WorkerWithHistorySchema},
        errors=(404,) + BACKEND,
    )
    def get_worker(self, request, user, worker_id):
        reveal = flag(request, "reveal")
        if reveal:
            require(user, CASEWORK)
        return json_response(self.call(self.registry.get_worker, worker_id, user.actor, reveal=reveal))

    @endpoint(
        "GET",
        "/api/v1/workers/<worker_id>/audit",
        roles=("admin", "auditor"),
        summary="档案的审计记录（含查看完整号码）",
        tags=("职工档案",),
        responses={200: answers.AuditTrailSchema},
        errors=(404,) + BACKEND,
    )
    def worker_audit_trail(self, request, user, worker_id):
        return json_response(self.call(self.registry.audit_trail, worker_id))

    @endpoint(
        "PATCH",
        "/api/v1/workers/<worker_id>",
        roles=CASEWORK,
        summary="修改档案字段（身份证号不可改）",
        tags=("职工档案",),
        description="银行信息（bank）不直接修改：提出收款账户变更申请，由另一位经办人或管理员审批，返回 202；"
        "同一请求中的其他字段照常生效。",
        body=WorkerFieldsSchema(partial=True),
        responses={200: answers.WorkerSchema, 202: answers.PayeeChangePendingSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def update_worker(self, request, user, worker_id):
        answer = self.call(self.registry.update_worker, worker_id, self.json_body(request), user.actor)
        return json_response(answer, 202 if "change_request_id" in answer else 200)

    @endpoint(
        "GET",
        "/api/v1/change-requests",
        roles=STAFF,
        summary="收款账户变更申请（新旧账户均脱敏）",
        tags=("职工档案",),
        query=ChangeRequestQuerySchema,
        responses={200: answers.ChangeRequestPageSchema},
        errors=(400,) + BACKEND,
    )
    def list_change_requests(self, request, user):
        return json_response(self.call(self.registry.list_change_requests, query_args(request)))

    @endpoint(
        "POST",
        "/api/v1/change-requests/<change_request_id>/approve",
        roles=CASEWORK,
        summary="批准收款账户变更",
        tags=("职工档案",),
        description="提出人本人不能审批（409 same_user）；已处理的申请 409 invalid_transition。批准后新账户生效。",
        body=ChangeDecisionSchema,
        responses={200: answers.ChangeRequestViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def approve_change_request(self, request, user, change_request_id):
        return self.decide_change_request(request, user, change_request_id, approve=True)

    @endpoint(
        "POST",
        "/api/v1/change-requests/<change_request_id>/reject",
        roles=CASEWORK,
        summary="驳回收款账户变更",
        tags=("职工档案",),
        description="提出人本人不能审批（409 same_user）；已处理的申请 409 invalid_transition。",
        body=ChangeDecisionSchema,
        responses={200: answers.ChangeRequestViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def reject_change_request(self, request, user, change_request_id):
        return self.decide_change_request(request, user, change_request_id, approve=False)

    def decide_change_request(self, request, user, change_request_id, approve: bool):
        return json_response(
            self.call(
                self.registry.decide_change_request, change_request_id, approve, self.json_body(request), user.actor
            )
        )

    @endpoint(
        "POST",
        "/api/v1/workers/<worker_id>/status",
        roles=CASEWORK,
        summary="变更档案状态（在档、暂停、退出）",
        tags=("职工档案",),
        body=StatusChangeSchema,
        responses={200: answers.WorkerWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def change_worker_status(self, request, user, worker_id):
        return json_response(self.call(self.registry.change_status, worker_id, self.json_body(request), user.actor))

    @endpoint(
        "POST",
        "/api/v1/workers/import",
        roles=CASEWORK,
        summary="导入帮扶中心的档案表（CSV 或 XLSX）",
        tags=("职工档案",),
        description="表单字段 file 或原始请求体；async=1 时后台导入并返回 202。",
        query=answers.ImportQuerySchema,
        body=answers.UPLOAD_BODY,
        responses={200: answers.ImportResultSchema, 202: answers.ImportStartedSchema},
        errors=(400, 413) + BACKEND,
    )
    def import_workers(self, request, user):
        upload = self.upload_to_registry(request)
        if flag(request, "async"):
            import_id = self.start_import(upload, user.actor)
            return json_response(
                {"import_id": import_id, "status": "running", "progress_url": f"/api/v1/imports/{import_id}"}, 202
            )
        try:
            return json_response(self.call(self.registry.import_workers, *upload, user.actor))
        except ServiceError as error:
            if error.code == "service_unavailable":
                raise import_not_awaited(upload.import_id) from None
            raise

    def start_import(self, upload: Upload, actor: str) -> str:
        """Run an import in the background; returns its import_id, whose progress can be asked for at once."""
        # Recorded before answering, so the progress is never a 404 for this import.
        self.call(self.registry.start_import, upload.import_id, upload.filename, actor)
        self.registry.import_workers.call_async(*upload, actor)
        return upload.import_id

    @endpoint(
        "GET",
        "/api/v1/imports/<import_id>",
        roles=STAFF,
        summary="后台导入的进度",
        tags=("职工档案",),
        responses={200: answers.ImportProgressSchema},
        errors=(404,) + BACKEND,
    )
    def import_progress(self, request, user, import_id):
        return json_response(self.call(self.registry.import_progress, import_id))

    @endpoint(
        "POST",
        "/api/v1/campaigns",
        roles=("admin",),
        summary="新建帮扶项目（送温暖或金秋助学）",
        tags=("帮扶项目",),
        body=CampaignSchema,
        responses={201: answers.CampaignViewSchema},
        errors=JSON_BODY + BACKEND,
    )
    def create_campaign(self, request, user):
        return json_response(self.call(self.aid.create_campaign, self.json_body(request), user.actor), 201)

    @endpoint(
        "GET",
        "/api/v1/campaigns",
        roles=EVERYONE,
        summary="帮扶项目列表及资金、各状态申请数",
        tags=("帮扶项目",),
        query=PagedQuerySchema,
        responses={200: answers.CampaignPageSchema},
        errors=(400,) + BACKEND,
    )
    def list_campaigns(self, request, user):
        return json_response(self.call(self.aid.list_campaigns, query_args(request)))

    @endpoint(
        "GET",
        "/api/v1/campaigns/<campaign_id>",
        roles=EVERYONE,
        summary="一个帮扶项目及其资金、各状态申请数",
        tags=("帮扶项目",),
        responses={200: answers.CampaignViewSchema},
        errors=(404,) + BACKEND,
    )
    def get_campaign(self, request, user, campaign_id):
        return json_response(self.call(self.aid.get_campaign, campaign_id))

    @endpoint(
        "POST",
        "/api/v1/applications",
        roles=CASEWORK,
        summary="提交帮扶申请",
        tags=("申请与审核",),
        description="金额取自项目标准表。拒绝：not_eligible、campaign_closed、duplicate_application（409）。",
        body=ApplicationSchema,
        responses={201: answers.ApplicationWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def submit_application(self, request, user):
        return json_response(self.submit(self.json_body(request), user.actor), 201)

    def submit(self, payload: dict, actor: str) -> dict:
        """The submitted application's view, or its refusal raised as a ServiceError (API and console alike)."""
        self.db.rollback()  # as in call(): this worker may wait on another's RPC to aid
        outcome = self.submissions(
            {"payload": payload, "actor": actor, "request_id": current_request_id()}, self.submit_many
        )
        if "error" in outcome:
            raise ServiceError(*outcome["error"])
        return outcome["application"]

    def submit_many(self, submissions: list[dict]) -> list[dict]:
        """Applications submitted at the same moment travel to aid in one call (see shared/coalesce.py)."""
        return self.call(self.aid.submit_applications, submissions)

    @endpoint(
        "GET",
        "/api/v1/applications",
        roles=STAFF,
        summary="查询申请",
        tags=("申请与审核",),
        query=ApplicationQuerySchema,
        responses={200: answers.ApplicationPageSchema},
        errors=(400,) + BACKEND,
    )
    def list_applications(self, request, user):
        return json_response(self.call(self.aid.list_applications, query_args(request)))

    @endpoint(
        "POST",
        "/api/v1/applications/approve-batch",
        roles=CASEWORK,
        summary="批量审批通过",
        tags=("申请与审核",),
        description="逐件审批；未通过的列在 failed 中并给出错误码。",
        body=BatchApproveSchema,
        responses={200: answers.BatchApprovalSchema},
        errors=JSON_BODY + BACKEND,
    )
    def approve_batch(self, request, user):
        return json_response(self.call(self.aid.approve_batch, self.json_body(request), user.actor))

    @endpoint(
        "GET",
        "/api/v1/applications/<application_id>",
        roles=STAFF,
        summary="一件申请及其状态历史",
        tags=("申请与审核",),
        responses={200: answers.ApplicationWithHistorySchema},
        errors=(404,) + BACKEND,
    )
    def get_application(self, request, user, application_id):
        return json_response(self.call(self.aid.get_application, application_id))

    @endpoint(
        "POST",
        "/api/v1/applications/<application_id>/approve",
        roles=CASEWORK,
        summary="审批通过",
        tags=("申请与审核",),
        description="提交人本人不能审批（409 same_user）；资金不足 409 budget_exhausted。",
        body=ApproveSchema,
        responses={200: answers.ApplicationWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def approve_application(self, request, user, application_id):
        return self.review(request, user, self.aid.approve, application_id)

    @endpoint(
        "POST",
        "/api/v1/applications/<application_id>/reject",
        roles=CASEWORK,
        summary="驳回申请",
        tags=("申请与审核",),
        description="提交人本人不能驳回（409 same_user）。",
        body=ReasonSchema,
        responses={200: answers.ApplicationWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def reject_application(self, request, user, application_id):
        return self.review(request, user, self.aid.reject, application_id)

    @endpoint(
        "POST",
        "/api/v1/applications/<application_id>/withdraw",
        roles=CASEWORK,
        summary="撤回申请",
        tags=("申请与审核",),
        body=ReasonSchema,
        responses={200: answers.ApplicationWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def withdraw_application(self, request, user, application_id):
        return self.review(request, user, self.aid.withdraw, application_id)

    @endpoint(
        "POST",
        "/api/v1/applications/<application_id>/objection",
        roles=CASEWORK,
        summary="公示期内登记异议",
        tags=("申请与审核",),
        description="申请退回 submitted，释放已承诺的资金。",
        body=ReasonSchema,
        responses={200: answers.ApplicationWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def object_to_application(self, request, user, application_id):
        return self.review(request, user, self.aid.object, application_id)

    def review(self, request, user, method, application_id):
        return json_response(self.call(method, application_id, self.json_body(request), user.actor))

    @endpoint(
        "GET",
        "/api/v1/calendar/<int:year>",
        roles=STAFF,
        summary="一年的节假日与调休上班日（公示按工作日计算）",
        tags=("工作日历",),
        description="source 为 official（内置的国务院官方安排）或 entered（管理员录入）；两者都没有的年份返回 404。",
        responses={200: answers.CalendarViewSchema},
        errors=(404,) + BACKEND,
    )
    def get_calendar(self, request, user, year):
        return json_response(self.call(self.aid.get_calendar, year))

    @endpoint(
        "PUT",
        "/api/v1/calendar/<int:year>",
        roles=("admin",),
        summary="录入内置日历尚未包含的一年的放假调休安排",
        tags=("工作日历",),
        description="国务院每年秋季公布下一年的安排。日期须在该年内，同一天不能既放假又调休上班，"
        "调休上班日应为周六或周日；再次录入即替换。内置官方日历已有的年份不能录入（409 calendar_official）。",
        body=CalendarSchema,
        responses={200: answers.CalendarViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def enter_calendar(self, request, user, year):
        return json_response(self.call(self.aid.enter_calendar, year, self.json_body(request), user.actor))

    @endpoint(
        "GET",
        "/api/v1/public/campaigns/<campaign_id>/publicity",
        summary="公示名单（脱敏）",
        tags=("公开查询",),
        responses={200: answers.PublicitySchema},
        errors=(404,) + BACKEND,
    )
    def public_publicity(self, request, _user, campaign_id):
        return json_response(self.call(self.aid.public_publicity, campaign_id))

    @endpoint(
        "GET",
        "/api/v1/reconciliation",
        roles=("admin", "finance", "auditor"),
        summary="对账报告",
        tags=("捐赠与资金",),
        description="账本、项目数字、申请、付款与银行结果逐项核对，ok 为 false 时列出每处差异。",
        query=ReconciliationQuerySchema,
        responses={200: answers.ReconciliationSchema},
        errors=(400, 404) + BACKEND,
    )
    def reconciliation(self, request, user):
        return json_response(self.call(self.aid.reconciliation, query_args(request)))

    @endpoint(
        "GET",
        "/api/v1/public/campaigns/<campaign_id>/disclosure",
        summary="项目资金公开：收入、支出与受助人数",
        tags=("公开查询",),
        responses={200: answers.DisclosureSchema},
        errors=(404,) + BACKEND,
    )
    def public_disclosure(self, request, _user, campaign_id):
        return json_response(self.call(self.aid.public_disclosure, campaign_id))

    @endpoint(
        "GET",
        "/api/v1/public/applications/<application_id>/status",
        summary="职工凭身份证后四位查询申请进度",
        tags=("公开查询",),
        description="application_id 可以是完整的申请编号，也可以是短信中的 6 位编号（不分大小写）。",
        query=answers.StatusLookupQuerySchema,
        responses={200: answers.PublicStatusSchema},
        errors=(404,) + BACKEND,
    )
    def public_status(self, request, _user, application_id):
        return json_response(self.call(self.aid.public_status, application_id, request.args.get("id_last4", "")))

    @endpoint(
        "POST",
        "/api/v1/donors",
        roles=FINANCE,
        summary="登记捐赠人",
        tags=("捐赠与资金",),
        body=DonorSchema,
        responses={201: answers.DonorViewSchema},
        errors=JSON_BODY + BACKEND,
    )
    def create_donor(self, request, user):
        return json_response(self.call(self.aid.create_donor, self.json_body(request), user.actor), 201)

    @endpoint(
        "GET",
        "/api/v1/donors/<donor_id>",
        roles=DONOR_READERS,
        summary="一位捐赠人",
        tags=("捐赠与资金",),
        description="捐赠人账号只能查看自己。",
        responses={200: answers.DonorViewSchema},
        errors=(404,) + BACKEND,
    )
    def get_donor(self, request, user, donor_id):
        require_own_donor(user, donor_id)
        return json_response(self.call(self.aid.get_donor, donor_id))

    @endpoint(
        "GET",
        "/api/v1/donors/<donor_id>/trace",
        roles=DONOR_READERS,
        summary="捐款去向，精确到分",
        tags=("捐赠与资金",),
        description="捐赠人账号只能查看自己；受助人姓名脱敏。",
        responses={200: answers.DonorTraceSchema},
        errors=(404,) + BACKEND,
    )
    def donor_trace(self, request, user, donor_id):
        require_own_donor(user, donor_id)
        return json_response(self.call(self.aid.donor_trace, donor_id))

    @endpoint(
        "POST",
        "/api/v1/donations",
        roles=FINANCE,
        summary="登记一笔捐款",
        tags=("捐赠与资金",),
        description="campaign_id 为 null 或省略即未定向。同一 external_ref 再次提交返回 200 和原来那笔，不重复入账；"
        "捐赠人、金额或项目不同返回 409 idempotency_conflict。",
        body=DonationSchema,
        responses={201: answers.DonationViewSchema, 200: answers.DonationViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def donate(self, request, user):
        answer = self.call(self.aid.donate, self.json_body(request), user.actor)
        return json_response(answer["donation"], 201 if answer["created"] else 200)

    @endpoint(
        "POST",
        "/api/v1/campaigns/<campaign_id>/allocations",
        roles=FINANCE,
        summary="把未定向捐款划入项目",
        tags=("捐赠与资金",),
        description="从最早的捐款开始划拨；余额不足返回 409 budget_exhausted。"
        "同一 external_ref 再次提交返回 200 和原来那笔，不重复划拨；金额或项目不同返回 409 idempotency_conflict。",
        body=AllocationSchema,
        responses={201: answers.AllocationViewSchema, 200: answers.AllocationViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def allocate(self, request, user, campaign_id):
        answer = self.call(self.aid.allocate, campaign_id, self.json_body(request), user.actor)
        return json_response(answer["allocation"], 201 if answer["created"] else 200)

    @endpoint(
        "GET",
        "/api/v1/public/receipts/<receipt_no>",
        summary="凭验证码核验捐赠收据",
        tags=("公开查询",),
        query=answers.ReceiptQuerySchema,
        responses={200: answers.ReceiptSchema},
        errors=(404,) + BACKEND,
    )
    def public_receipt(self, request, _user, receipt_no):
        return json_response(self.call(self.aid.public_receipt, receipt_no, request.args.get("code", "")))

    @endpoint(
        "POST",
        "/api/v1/disbursement-batches",
        roles=FINANCE,
        summary="新建银行发放批次",
        tags=("银行发放",),
        description="项目中所有 ready 与 payment_failed 的申请进入批次，状态变为 paying；没有可发放的返回 409。",
        body=BatchCreateSchema,
        responses={201: answers.BatchViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def create_disbursement_batch(self, request, user):
        return json_response(self.call(self.aid.create_disbursement_batch, self.json_body(request), user.actor), 201)

    @endpoint(
        "GET",
        "/api/v1/disbursement-batches/<batch_id>",
        roles=("admin", "finance", "auditor"),
        summary="一个发放批次",
        tags=("银行发放",),
        responses={200: answers.BatchViewSchema},
        errors=(404,) + BACKEND,
    )
    def get_disbursement_batch(self, request, user, batch_id):
        return json_response(self.call(self.aid.get_disbursement_batch, batch_id))

    @endpoint(
        "GET",
        "/api/v1/disbursement-batches/<batch_id>/file",
        roles=("finance",),
        summary="下载银行批量代发文件",
        tags=("银行发放",),
        description="GB18030 编码的 CSV，含完整银行卡号，只给财务：收款人户名和账号为建批次时的档案，"
        "只列仍在付款中（paying）的行；每次下载记入批次的 downloads。",
        responses={200: answers.BANK_FILE},
        errors=(404,) + BACKEND,
    )
    def disbursement_file(self, request, user, batch_id):
        return self.bank_file(batch_id, user.actor)

    def bank_file(self, batch_id: str, actor: str) -> Response:
        """The bank's upload file of a batch, as a download: full account numbers, for finance only."""
        content = base64.b64decode(self.call(self.aid.disbursement_file, batch_id, actor))
        return Response(
            content,
            200,
            headers={
                "Content-Type": "text/csv; charset=gb18030",
                "Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"',
                "Cache-Control": "no-store",
            },
        )

    @endpoint(
        "POST",
        "/api/v1/disbursement-batches/<batch_id>/results",
        roles=FINANCE,
        summary="导入银行返回的发放结果",
        tags=("银行发放",),
        description="CSV：application_id,result,bank_ref,reason；重复提交不产生变化，有问题的行列在 errors 中。",
        body=answers.UPLOAD_BODY,
        responses={200: answers.BatchResultsSchema},
        errors=(400, 404, 413) + BACKEND,
    )
    def disbursement_results(self, request, user, batch_id):
        content, _filename = self.uploaded_file(request)
        return json_response(
            self.call(
                self.aid.disbursement_results,
                batch_id,
                base64.b64encode(content).decode(),
                user.actor,
            )
        )

    @endpoint(
        "POST",
        "/api/v1/applications/<application_id>/disburse",
        roles=FINANCE,
        summary="手工发放一件 ready 的申请",
        tags=("银行发放",),
        body=DisburseSchema,
        responses={200: answers.ApplicationWithHistorySchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def disburse_application(self, request, user, application_id):
        return json_response(self.call(self.aid.disburse, application_id, self.json_body(request), user.actor))

    @endpoint(
        "GET",
        "/api/v1/notifications",
        roles=STAFF,
        summary="短信记录",
        tags=("短信",),
        query=NotificationQuerySchema,
        responses={200: answers.NotificationPageSchema},
        errors=(400,) + BACKEND,
    )
    def list_notifications(self, request, user):
        return json_response(self.call(self.notify.list_notifications, query_args(request)))

    @endpoint(
        "POST",
        "/api/v1/notifications/<notification_id>/resend",
        roles=CASEWORK,
        summary="重发一条发送失败的短信",
        tags=("短信",),
        description="只有 failed 的短信可以重发，否则 409 invalid_transition。",
        responses={200: answers.NotificationViewSchema},
        errors=JSON_BODY + (404, 409) + BACKEND,
    )
    def resend_notification(self, request, user, notification_id):
        self.json_body(request)
        return json_response(self.call(self.notify.resend, notification_id, user.actor))

    @endpoint(
        "GET",
        "/api/v1/sms/opt-outs",
        roles=STAFF,
        summary="不再接收短信的职工",
        tags=("短信",),
        query=PagedQuerySchema,
        responses={200: answers.OptOutPageSchema},
        errors=(400,) + BACKEND,
    )
    def list_sms_opt_outs(self, request, user):
        return json_response(self.call(self.notify.list_opt_outs, query_args(request)))

    @endpoint(
        "POST",
        "/api/v1/workers/<worker_id>/sms-opt-out",
        roles=CASEWORK,
        summary="职工退订短信",
        tags=("短信",),
        body=OptOutSchema,
        responses={200: answers.OptOutStateSchema},
        errors=JSON_BODY + (404,) + BACKEND,
    )
    def sms_opt_out(self, request, user, worker_id):
        return json_response(self.call(self.notify.opt_out, worker_id, self.json_body(request), user.actor))

    @endpoint(
        "DELETE",
        "/api/v1/workers/<worker_id>/sms-opt-out",
        roles=CASEWORK,
        summary="职工恢复接收短信",
        tags=("短信",),
        responses={200: answers.OptOutStateSchema},
        errors=BACKEND,
    )
    def sms_opt_in(self, request, user, worker_id):
        return json_response(self.call(self.notify.opt_in, worker_id, user.actor))

    @endpoint(
        "GET",
        "/api/v1/sms/receipts/<provider>",
        summary="短信服务商校验回执地址",
        tags=("短信",),
        description="不用令牌：以回执地址中的密钥验证服务商。",
        query=answers.ReceiptCallbackQuerySchema,
        responses={200: answers.ProviderAnswerSchema},
        errors=(401, 404) + BACKEND,
    )
    def sms_receipt_probe(self, request, _user, provider):
        answer = self.call(self.notify.receipt_probe, provider, request.args.to_dict())
        return json_response(answer["body"], answer["status"])

    @endpoint(
        "POST",
        "/api/v1/sms/receipts/<provider>",
        summary="短信服务商推送送达回执（服务商自己的格式）",
        tags=("短信",),
        description="不用令牌：以回执地址中的密钥验证服务商；同一回执推送两次只计一次。",
        query=answers.ReceiptCallbackQuerySchema,
        body=answers.PROVIDER_RECEIPT_BODY,
        responses={200: answers.ProviderAnswerSchema},
        errors=(400, 401, 404, 413) + BACKEND,
    )
    def sms_receipts(self, request, _user, provider):
        body = read_body(request, int(setting("MAX_BODY_BYTES", self.config)))
        headers = {name.lower(): value for name, value in request.headers.items()}
        answer = self.call(
            self.notify.receive_receipts, provider, base64.b64encode(body).decode(), headers, request.args.to_dict()
        )
        return json_response(answer["body"], answer["status"])

    @endpoint(
        "GET",
        "/api/v1/openapi.json",
        summary="本 API 的 OpenAPI 3 文档",
        tags=("运维与文档",),
        responses={200: answers.OPENAPI_DOCUMENT},
    )
    def openapi_json(self, request, _user):
        return json_response(openapi_document())

    @endpoint(
        "GET",
        "/api/v1/docs",
        summary="本 API 的说明页（HTML）",
        tags=("运维与文档",),
        responses={200: answers.HTML_PAGE},
    )
    def api_docs(self, request, _user):
        return Response(render(openapi_document()), 200, mimetype="text/html")

    @endpoint("GET,POST,PUT,PATCH,DELETE", "/api/<path:path>", hidden=True)
    def unknown_route(self, request, _user, path):
        raise ServiceError("not_found", "没有这个接口", 404)

    def uploaded_stream(self, request) -> tuple[BinaryIO, str | None]:
        """The uploaded file (form field `file`, else the raw body) as a stream that stops at IMPORT_MAX_BYTES.

        A form's file is already in a temporary file (werkzeug puts any over 500 KB on disk) when this returns;
        the raw body is read as the stream is.
        """
        limit = int(setting("IMPORT_MAX_BYTES", self.config))
        if request.mimetype == "multipart/form-data":
            request.max_content_length = limit
            try:
                upload = request.files.get("file")
            except RequestEntityTooLarge:
                raise ServiceError("payload_too_large", f"文件超过上限 {limit} 字节", 413) from None
            if upload is None:
                raise validation_error({"file": ["请在表单字段 file 中上传 CSV 或 XLSX 文件"]})
            return upload.stream, upload.filename
        return BoundedBody(request, limit), request.args.get("filename")

    def uploaded_file(self, request) -> tuple[bytes, str | None]:
        """The uploaded file whole, for the bank's results (a line per application, nowhere near a registry sheet)."""
        stream, filename = self.uploaded_stream(request)
        content = stream.read()
        if not content:
            raise empty_upload()
        return content, filename

    def upload_to_registry(self, request) -> Upload:
        """Pass the uploaded file on to the registry part by part as it is read (shared/upload_parts.py).

        Parts of an upload refused or broken off on the way are dropped at once, or by the registry a day later
        should even that fail.
        """
        stream, filename = self.uploaded_stream(request)
        checked_filename(filename)  # refused before a part is sent
        import_id = uuid.uuid4().hex
        try:
            parts = send_parts(lambda *part: self.call(self.registry.add_import_part, *part), import_id, stream)
        except BaseException:
            self.registry.discard_import_parts.call_async(import_id)
            raise
        if not parts:
            raise empty_upload()
        return Upload(import_id, parts, filename)
