"""The public API (no token, rate limited per client): the 公示 list, each campaign's public account, the status
lookup and receipt checks."""

from dataclasses import dataclass

from services.aid.answers import DisclosureSchema, PublicitySchema, PublicStatusSchema, ReceiptSchema
from services.gateway import api_schemas as answers
from services.gateway.backends import Backend
from services.gateway.http import json_response
from services.gateway.routes import BACKEND, Area


@dataclass(frozen=True)
class Uses:
    aid: Backend


area = Area(Uses)
TAGS = ("公开查询",)


@area.api(
    "GET",
    "/api/v1/public/campaigns/<campaign_id>/publicity",
    summary="公示名单（脱敏）",
    tags=TAGS,
    responses={200: PublicitySchema},
    errors=(404,) + BACKEND,
)
def public_publicity(uses: Uses, request, _user, campaign_id):
    return json_response(uses.aid.call("public_publicity", campaign_id))


@area.api(
    "GET",
    "/api/v1/public/campaigns/<campaign_id>/disclosure",
    summary="项目资金公开：收入、支出与受助人数",
    tags=TAGS,
    responses={200: DisclosureSchema},
    errors=(404,) + BACKEND,
)
def public_disclosure(uses: Uses, request, _user, campaign_id):
    return json_response(uses.aid.call("public_disclosure", campaign_id))


@area.api(
    "GET",
    "/api/v1/public/applications/<application_id>/status",
    summary="职工凭身份证后四位查询申请进度",
    tags=TAGS,
    description="application_id 可以是完整的申请编号，也可以是短信中的 6 位编号（不分大小写）。",
    query=answers.StatusLookupQuerySchema,
    responses={200: PublicStatusSchema},
    errors=(404,) + BACKEND,
)
def public_status(uses: Uses, request, _user, application_id):
    return json_response(uses.aid.call("public_status", application_id, request.args.get("id_last4", "")))


@area.api(
    "GET",
    "/api/v1/public/receipts/<receipt_no>",
    summary="凭验证码核验捐赠收据",
    tags=TAGS,
    query=answers.ReceiptQuerySchema,
    responses={200: ReceiptSchema},
    errors=(404,) + BACKEND,
)
def public_receipt(uses: Uses, request, _user, receipt_no):
    return json_response(uses.aid.call("public_receipt", receipt_no, request.args.get("code", "")))
