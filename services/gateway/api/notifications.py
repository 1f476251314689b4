"""The API of the notifications area: text messages, opt-outs, and the SMS providers' delivery receipts."""

import base64
from dataclasses import dataclass

from services.gateway import api_schemas as answers
from services.gateway.auth import CASEWORK, STAFF
from services.gateway.backends import Backend
from services.gateway.bodies import Bodies
from services.gateway.http import json_response, query_args
from services.gateway.routes import BACKEND, JSON_BODY, Area
from services.notify.answers import (
    PROVIDER_ACKS,
    NotificationPageSchema,
    NotificationViewSchema,
    OptOutPageSchema,
    OptOutStateSchema,
)
from services.notify.schemas import NotificationQuerySchema, OptOutQuerySchema, OptOutSchema


@dataclass(frozen=True)
class Uses:
    notify: Backend
    bodies: Bodies


area = Area(Uses)
TAGS = ("短信",)
# Every notify call takes the caller's unit as its scope (user.org_unit_id): messages and opt-outs of workers outside it
# answer 404 and are in no list.
IN_SCOPE = "只涉及本人所属工会组织及其下级组织的职工；范围外的与不存在的一样答复（404），也不计入列表。"


@area.api(
    "GET",
    "/api/v1/notifications",
    roles=STAFF,
    summary="短信记录",
    description=IN_SCOPE,
    tags=TAGS,
    query=NotificationQuerySchema,
    responses={200: NotificationPageSchema},
    errors=(400,) + BACKEND,
)
def list_notifications(uses: Uses, request, user):
    return json_response(uses.notify.call("list_notifications", query_args(request), user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/notifications/<notification_id>/resend",
    roles=CASEWORK,
    summary="重发一条发送失败的短信",
    tags=TAGS,
    description=IN_SCOPE + "只有 failed 的短信可以重发，否则 409 invalid_transition。",
    responses={200: NotificationViewSchema},
    errors=JSON_BODY + (404, 409) + BACKEND,
)
def resend_notification(uses: Uses, request, user, notification_id):
    uses.bodies.json(request)
    return json_response(uses.notify.call("resend", notification_id, user.actor, user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/sms/opt-outs",
    roles=STAFF,
    summary="不再接收短信的职工",
    description=IN_SCOPE + "worker_id：只看这一位职工的（没有退订时 items 为空）。",
    tags=TAGS,
    query=OptOutQuerySchema,
    responses={200: OptOutPageSchema},
    errors=(400,) + BACKEND,
)
def list_sms_opt_outs(uses: Uses, request, user):
    return json_response(uses.notify.call("list_opt_outs", query_args(request), user.org_unit_id))


@area.api(
    "POST",
    "/api/v1/workers/<worker_id>/sms-opt-out",
    roles=CASEWORK,
    summary="职工退订短信",
    description=IN_SCOPE,
    tags=TAGS,
    body=OptOutSchema,
    responses={200: OptOutStateSchema},
    errors=JSON_BODY + (404,) + BACKEND,
)
def sms_opt_out(uses: Uses, request, user, worker_id):
    return json_response(
        uses.notify.call("opt_out", worker_id, uses.bodies.json(request), user.actor, user.org_unit_id)
    )


@area.api(
    "DELETE",
    "/api/v1/workers/<worker_id>/sms-opt-out",
    roles=CASEWORK,
    summary="职工恢复接收短信",
    description=IN_SCOPE,
    tags=TAGS,
    responses={200: OptOutStateSchema},
    errors=(404,) + BACKEND,
)
def sms_opt_in(uses: Uses, request, user, worker_id):
    return json_response(uses.notify.call("opt_in", worker_id, user.actor, user.org_unit_id))


@area.api(
    "GET",
    "/api/v1/sms/receipts/<provider>",
    summary="短信服务商校验回执地址",
    tags=TAGS,
    description="不用令牌：以回执地址中的密钥验证服务商。",
    query=answers.ReceiptCallbackQuerySchema,
    responses={200: PROVIDER_ACKS},
    errors=(401, 404) + BACKEND,
)
def sms_receipt_probe(uses: Uses, request, _user, provider):
    answer = uses.notify.call("receipt_probe", provider, request.args.to_dict())
    return json_response(answer["body"], answer["status"])


@area.api(
    "POST",
    "/api/v1/sms/receipts/<provider>",
    summary="短信服务商推送送达回执（服务商自己的格式）",
    tags=TAGS,
    description="不用令牌：以回执地址中的密钥验证服务商；同一回执推送两次只计一次。",
    query=answers.ReceiptCallbackQuerySchema,
    body=answers.PROVIDER_RECEIPT_BODY,
    responses={200: PROVIDER_ACKS},
    errors=(400, 401, 404, 413) + BACKEND,
)
def sms_receipts(uses: Uses, request, _user, provider):
    body = base64.b64encode(uses.bodies.raw(request)).decode()
    headers = {name.lower(): value for name, value in request.headers.items()}
    answer = uses.notify.call("receive_receipts", provider, body, headers, request.args.to_dict())
    return json_response(answer["body"], answer["status"])
