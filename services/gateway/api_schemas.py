"""The JSON the API answers with, for the OpenAPI document (services/gateway/openapi.py), and the query parameters
the gateway itself reads.

An answer a service (or the gateway) produces with a schema is documented by that same schema: the routes (api/)
take it from the service's answers.py. The answers below are only described here: their services still build them
as plain dicts (they may carry more fields than listed: EXCLUDE leaves the document open); tests/unit/test_answers.py
lists them.
"""

from marshmallow import Schema, fields

from services.aid.domain.statuses import STATUSES as APPLICATION_STATUSES
from services.aid.schemas import PROGRAMS
from shared.answers import Answer, Bool, Day, Int, Moment, Str, listed, one_of, optional, required


class ErrorDetailSchema(Answer):
    code = required(Str, metadata={"description": "错误码，如 validation_error、not_found、forbidden"})
    message = required(Str, metadata={"description": "给人看的中文说明"})
    fields = fields.Dict(metadata={"description": "仅校验错误：字段名 → 错误信息列表（嵌套对象按层级）"})


class ErrorSchema(Answer):
    error = fields.Nested(ErrorDetailSchema, required=True)


class BatchFailureSchema(Answer):
    application_id = required(Str)
    code = required(Str)
    message = required(Str)


class BatchApprovalSchema(Answer):
    approved = fields.List(Str(), required=True)
    failed = listed(BatchFailureSchema)


class PublicityItemSchema(Answer):
    name = required(Str)
    id_number = required(Str)
    union = required(Str)
    category = Str(allow_none=True, metadata={"description": "送温暖：困难类别"})
    level = Str(allow_none=True, metadata={"description": "金秋助学：学段"})
    amount_fen = required(Int)
    status = required(Str)
    publicity_ends_on = optional(Day)


class PublicitySchema(Answer):
    campaign_id = required(Str)
    name = required(Str)
    program = one_of(PROGRAMS)
    items = listed(PublicityItemSchema)


class PublicStatusSchema(Answer):
    status = one_of(APPLICATION_STATUSES)
    program = one_of(PROGRAMS)
    updated_at = required(Moment)


class CheckSchema(Answer):
    check = required(Str)
    expected = required(Int)
    actual = required(Int)
    ok = required(Bool)


class DifferenceSchema(CheckSchema):
    campaign_id = optional(Str)
    batch_id = optional(Str)


class BatchChecksSchema(Answer):
    batch_id = required(Str)
    checks = listed(CheckSchema)


class CampaignChecksSchema(Answer):
    campaign_id = required(Str)
    name = required(Str)
    checks = listed(CheckSchema)
    batches = listed(BatchChecksSchema)


class ReconciliationSchema(Answer):
    ok = required(Bool)
    ledger_total_fen = required(Int)
    differences = listed(DifferenceSchema)
    campaigns = listed(CampaignChecksSchema)


class DonorIncomeSchema(Answer):
    donor = required(Str, metadata={"description": "单位名称、脱敏姓名或“爱心人士”"})
    amount_fen = required(Int)


class IncomeSchema(Answer):
    by_donor = listed(DonorIncomeSchema)
    restricted_gifts_fen = required(Int)
    allocated_gifts_fen = required(Int)
    union_budget_fen = required(Int)


class ProgramSpendingSchema(Answer):
    program = required(Str)
    disbursed_fen = required(Int)


class SpendingSchema(Answer):
    by_program = listed(ProgramSpendingSchema)
    disbursed_fen = required(Int)
    committed_fen = required(Int)


class DisclosureSchema(Answer):
    campaign_id = required(Str)
    name = required(Str)
    program = one_of(PROGRAMS)
    year = required(Int)
    income = fields.Nested(IncomeSchema, required=True)
    spending = fields.Nested(SpendingSchema, required=True)
    recipients = required(Int)
    remaining_fen = required(Int)


class TracePaymentSchema(Answer):
    application_id = required(Str)
    program = one_of(PROGRAMS)
    recipient = required(Str, metadata={"description": "脱敏姓名"})
    amount_fen = required(Int)
    disbursed_at = required(Moment)


class TraceDonationSchema(Answer):
    donation_id = required(Str)
    amount_fen = required(Int)
    campaign_id = optional(Str)
    received_on = required(Day)
    receipt_no = required(Str)
    allocated_fen = required(Int)
    allocations = listed(TracePaymentSchema)


class DonorTraceSchema(Answer):
    donor_id = required(Str)
    donated_fen = required(Int)
    allocated_fen = required(Int)
    unallocated_fen = required(Int)
    donations = listed(TraceDonationSchema)


class ReceiptSchema(Answer):
    receipt_no = required(Str)
    donor = required(Str)
    amount_fen = required(Int)
    received_on = required(Day)
    campaign = required(Str)


class ResultLineErrorSchema(Answer):
    line = required(Int)
    application_id = optional(Str)
    message = required(Str)


class BatchResultsSchema(Answer):
    batch_id = required(Str)
    disbursed = required(Int)
    failed = required(Int)
    unchanged = required(Int)
    errors = listed(ResultLineErrorSchema)


class ProviderAnswerSchema(Answer):
    """Whatever acknowledgement the SMS provider expects back; its shape is the provider's."""


class RevealQuerySchema(Schema):
    reveal = Bool(metadata={"description": "1、true 或 yes：显示完整号码（仅 admin、caseworker，记入审计日志）"})


class ImportQuerySchema(Schema):
    filename = Str(metadata={"description": "原始请求体上传时的文件名（据扩展名区分 CSV 与 XLSX）"})
    async_ = Bool(data_key="async", metadata={"description": "1、true 或 yes：后台导入，立即返回 202"})


class StatusLookupQuerySchema(Schema):
    id_last4 = Str(required=True, metadata={"description": "身份证号后四位；不符时与申请不存在一样返回 404"})


class ReceiptQuerySchema(Schema):
    code = Str(required=True, metadata={"description": "收据上的验证码；不符时返回 404"})


class ReceiptCallbackQuerySchema(Schema):
    token = Str(metadata={"description": "回执地址中的密钥（阿里云、腾讯云）"})


def content(media_type: str, schema: dict | None = None) -> dict:
    return {media_type: {"schema": schema or {}}}


UPLOAD_BODY = {
    **content(
        "multipart/form-data",
        {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}},
    ),
    **content("text/csv", {"type": "string"}),
    **content("application/octet-stream", {"type": "string", "format": "binary"}),
}
PROVIDER_RECEIPT_BODY = content("application/json", {"description": "服务商自己的回执格式"})
BANK_FILE = content("text/csv", {"type": "string", "description": "GB18030 编码"})
HTML_PAGE = content("text/html", {"type": "string"})
METRICS_TEXT = content("text/plain", {"type": "string", "description": "Prometheus 文本格式 0.0.4"})
OPENAPI_DOCUMENT = content("application/json", {"type": "object"})
