"""The API of the admin area: accounts, health and metrics."""

from dataclasses import dataclass

from werkzeug.wrappers import Response

from services.aid.schemas import ReasonSchema
from services.gateway import api_schemas as answers
from services.gateway import metrics
from services.gateway.accounts import Accounts
from services.gateway.answers import HealthSchema, UserCreatedSchema, UserPageSchema, UserSchema, UserTokenSchema
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies
from services.gateway.health import HealthReports, check
from services.gateway.http import json_response, query_args
from services.gateway.routes import BACKEND, JSON_BODY, Area
from services.gateway.schemas import NoFieldsSchema, UserCreateSchema
from services.gateway.scope import sees_everything
from shared.schemas import PagedQuerySchema, load_or_400


@dataclass(frozen=True)
class Uses:
    db: object
    backends: dict[str, Backend]
    health_reports: HealthReports
    accounts: Accounts
    bodies: Bodies


area = Area(Uses)
METRICS_READERS = ("admin", "auditor", "metrics")  # metrics: the METRICS_TOKEN, for Prometheus
ADMIN = ("admin",)
ACCOUNTS = ("账号",)


@area.api(
    "GET",
    "/health",
    summary="健康检查：数据库与各服务是否应答",
    tags=("运维与文档",),
    description="结果缓存 2 秒；同一客户端每分钟最多 HEALTH_RATE_LIMIT_PER_MINUTE 次，超过返回 429。",
    responses={200: HealthSchema, 503: HealthSchema},
    errors=(429,),
)
def health(uses: Uses, request, _user):
    report = uses.health_reports.latest(lambda: check(uses.db, uses.backends))
    return json_response(report, 200 if report["status"] == "ok" else 503)


@area.api(
    "GET",
    "/metrics",
    roles=METRICS_READERS,
    summary="运行指标（Prometheus 文本格式）",
    tags=("运维",),
    description="网关自身与各服务（registry、aid、notify）的指标。Prometheus 可用 METRICS_TOKEN 作为 Bearer 令牌抓取。"
    "METRICS_TOKEN 与根组织的账号看到全系统的指标；下级组织的管理员、审计只看到本组织及其下级组织的申请数与短信数（按状态），"
    "网关自身、事件收发与死信队列等无法按组织区分的指标不向他们提供。",
    responses={200: answers.METRICS_TEXT},
)
def metrics_exposition(uses: Uses, request, user):
    scope = None if sees_everything(uses.db, user.org_unit_id) else user.org_unit_id
    uses.db.rollback()  # as in Backend.call: no connection held while the services answer
    text = metrics.scrape({name: backend.proxy for name, backend in uses.backends.items()}, scope)
    return Response(text, 200, content_type=metrics.CONTENT_TYPE)


@area.api(
    "POST",
    "/api/v1/users",
    roles=ADMIN,
    summary="新建账号并发放访问令牌（只显示一次）",
    tags=ACCOUNTS,
    description="org_unit_id 须在本管理员的组织范围内，范围外的与不存在的一样答复 400；不给则与管理员同属一个组织。"
    "捐赠人账号（role 为 donor）须给 donor_id，且须是本管理员组织范围内登记的捐赠人："
    "范围外的与不存在的一样答复 400（validation_error，在 donor_id 上），不建账号。",
    body=UserCreateSchema,
    responses={201: UserCreatedSchema},
    errors=JSON_BODY + BACKEND,
)
def create_user(uses: Uses, request, user):
    return json_response(uses.accounts.add(uses.bodies.json(request), user), 201)


@area.api(
    "GET",
    "/api/v1/users",
    roles=ADMIN,
    summary="本组织及下级组织的账号列表（不含令牌）",
    tags=ACCOUNTS,
    description="只列出属于本管理员所属组织及其下级组织的账号，total 也只计这些。"
    "status：active 有效、expired 令牌已过期（TOKEN_TTL_DAYS）、revoked 已吊销。",
    query=PagedQuerySchema,
    responses={200: UserPageSchema},
    errors=(400,),
)
def list_users(uses: Uses, request, user):
    query = load_or_400(PagedQuerySchema(), query_args(request))
    return json_response(uses.accounts.listing(query["page"], query["per_page"], user))


@area.api(
    "POST",
    "/api/v1/users/<user_id>/revoke",
    roles=ADMIN,
    summary="吊销账号：令牌与控制台登录立即失效",
    tags=ACCOUNTS,
    description="所有网关实例立即拒绝（401）。本管理员组织范围外的账号与不存在的一样答复 404。"
    "不能吊销自己（409 same_user）或引导管理员（409 not_revocable）；已吊销的账号 409 invalid_transition。",
    body=ReasonSchema,
    responses={200: UserSchema},
    errors=JSON_BODY + (404, 409),
)
def revoke_user(uses: Uses, request, user, user_id):
    return json_response(uses.accounts.revoke(user_id, uses.bodies.json(request), user))


@area.api(
    "POST",
    "/api/v1/users/<user_id>/token",
    roles=ADMIN,
    summary="换发访问令牌（只显示一次），旧令牌立即失效",
    tags=ACCOUNTS,
    description="旧令牌及用它登录的控制台会话立即失效；新令牌的有效期重新计算。"
    "本管理员组织范围外的账号与不存在的一样答复 404。"
    "已吊销的账号不能换发（409 invalid_transition），引导管理员 409 not_revocable。",
    body=NoFieldsSchema,
    responses={200: UserTokenSchema},
    errors=JSON_BODY + (404, 409),
)
def issue_user_token(uses: Uses, request, user, user_id):
    load_or_400(NoFieldsSchema(), uses.bodies.json(request))
    return json_response(uses.accounts.issue_token(user_id, user))
