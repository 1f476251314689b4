"""The OpenAPI 3 document of the HTTP API, built from what each route declares and the marshmallow schemas."""

import functools
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from services.gateway.api import ROUTES
from services.gateway.api_schemas import ErrorSchema
from services.gateway.rate_limit import PUBLIC_PREFIX
from services.gateway.routes import Route

API_VERSION = "1.0.0"
RATE_LIMITED_PUBLIC_PREFIX = "/api/v1/public/"
SECURITY_SCHEME = "bearerAuth"
ROLE_NAMES = {
    "admin": "管理员",
    "caseworker": "经办人",
    "finance": "财务",
    "auditor": "审计",
    "donor": "捐赠人",
    "metrics": "指标抓取令牌（METRICS_TOKEN）",
}
STATUS_TEXT = {
    200: "成功",
    201: "已创建",
    202: "已受理，在后台处理",
    400: "请求有误：JSON 格式错误、字段校验失败（error.fields 逐字段说明）或查询参数重复",
    401: "未提供访问令牌或令牌无效",
    403: "当前角色无权执行此操作",
    404: "对象不存在（或公开查询的凭据不符）",
    409: "违反业务规则，error.code 说明原因",
    413: "请求体或上传文件超过上限",
    415: "请求体不是 JSON（应为 Content-Type: application/json）",
    429: "请求过于频繁（公开接口的调用或令牌校验失败次数超限），请按 Retry-After 稍后再试",
    503: "后台服务暂时无响应，请稍后重试",
}
INTRODUCTION = (
    "工会困难职工帮扶系统的 HTTP API。金额一律以分为单位的整数（字段名以 _fen 结尾）；日期为 YYYY-MM-DD，"
    "时间为带时区的 ISO 8601。除公开接口外，每个请求都要带 `Authorization: Bearer <令牌>`。"
    '错误统一为 `{"error": {"code", "message", "fields"?}}`。列表为 '
    '`{"items", "total", "page", "per_page"}`，每页最多 500 条。'
)


def roles_text(route: Route) -> str:
    if route.public:
        return "公开接口，无需令牌。"
    return "允许的角色：" + "、".join(f"{ROLE_NAMES[role]}（{role}）" for role in route.roles) + "。"


def _content(answer) -> dict:
    """A marshmallow schema (class or instance) is JSON, a tuple of them JSON of any one of their shapes; a dict is
    already an OpenAPI content map."""
    if isinstance(answer, dict):
        return answer
    return {"application/json": {"schema": {"oneOf": list(answer)} if isinstance(answer, tuple) else answer}}


def _responses(route: Route) -> dict:
    answers = {
        str(status): {"description": STATUS_TEXT[status], "content": _content(answer)}
        for status, answer in route.responses.items()
    }
    errors = set(route.errors) | ({401, 403, 429} if route.roles else set())
    if route.url.startswith(PUBLIC_PREFIX):
        errors.add(429)
    for status in sorted(errors - set(route.responses)):
        answers[str(status)] = {"description": STATUS_TEXT[status], "content": _content(ErrorSchema)}
    return dict(sorted(answers.items()))


def _request_body(body) -> dict:
    """A JSON body is optional when none of its fields is required (`…/approve` takes a bare POST)."""
    if isinstance(body, dict):
        return {"required": True, "content": body}
    schema = body if isinstance(body, Schema) else body()
    needed = not schema.partial and any(field.required for field in schema.fields.values())
    return {"required": needed, "content": _content(body)}


def _parameters(route: Route) -> list:
    parameters = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{([a-z_]+)}", route.path)
    ]
    if route.query:
        parameters.append({"in": "query", "schema": route.query})
    return parameters


def operation(route: Route) -> dict:
    described = {
        "operationId": route.name,
        "summary": route.summary,
        "description": " ".join(filter(None, (roles_text(route), route.description))),
        "tags": list(route.tags),
        "x-roles": list(route.roles or ()),
        "security": [{SECURITY_SCHEME: []}] if route.roles else [],
        "parameters": _parameters(route),
        "responses": _responses(route),
    }
    if route.body is not None:
        described["requestBody"] = _request_body(route.body)
    return described


@functools.lru_cache(maxsize=1)
def openapi_document() -> dict:
    spec = APISpec(
        title="工会困难职工帮扶系统 API",
        version=API_VERSION,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": INTRODUCTION},
    )
    spec.components.security_scheme(SECURITY_SCHEME, {"type": "http", "scheme": "bearer"})
    for route in ROUTES:
        if route.hidden:
            continue
        for method in route.methods:
            spec.path(path=route.path, operations={method.lower(): operation(route)})
    return spec.to_dict()
