"""The JSON the API answers with, and the query parameters the gateway itself reads, as marshmallow schemas.

They exist for the OpenAPI document (services/gateway/openapi.py); the services build their answers as
plain dicts. Responses may carry more fields than listed here (EXCLUDE: the document leaves them open).
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from services.aid.schemas import PROGRAMS
from services.aid.workflow import STATUSES as APPLICATION_STATUSES
from services.gateway.auth import ROLES
from services.notify.schemas import PUBLIC_STATUSES as SMS_STATUSES
from services.registry import payee_rules, rules

Str = fields.String
Int = fields.Integer
Bool = fields.Boolean
Date = fields.Date
Time = fields.DateTime


def required(field_class, *args, **kwargs):
    return field_class(*args, required=True, **kwargs)


def optional(field_class, *args, **kwargs):
    """A field that is always present but may be null."""
    return field_class(*args, required=True, allow_none=True, **kwargs)


def one_of(choices) -> Str:
    return Str(required=True, validate=validate.OneOf(choices))


def listed(schema) -> fields.List:
    return fields.List(fields.Nested(schema), required=True)


class ResponseSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class ErrorDetailSchema(ResponseSchema):
    code = required(Str, metadata={"description": "错误码，如 validation_error、not_found、forbidden"})
    message = required(Str, metadata={"description": "给人看的中文说明"})
    fields = fields.Dict(metadata={"description": "仅校验错误：字段名 → 错误信息列表（嵌套对象按层级）"})


class ErrorSchema(ResponseSchema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class PageSchema(ResponseSchema):
    total = required(Int)
    page = required(Int)
    per_page = required(Int)


class HealthSchema(ResponseSchema):
    status = one_of(("ok", "unavailable"))
    checks = fields.Dict(
        keys=Str(), values=Str(), required=True, metadata={"description": "每个组件：ok、no answer 或数据库错误"}
    )


class UserCreatedSchema(ResponseSchema):
    user_id = required(Str)
    name = required(Str)
    role = one_of(ROLES)
    donor_id = optional(Str)
    token = required(Str, metadata={"description": "访问令牌，只在此时显示一次"})


class UserSchema(ResponseSchema):
    user_id = required(Str)
    name = required(Str)
    role = one_of(ROLES)
    donor_id = optional(Str)
    status = one_of(("active", "expired", "revoked"))
    created_at = required(Time)
    token_issued_at = required(Time)
    token_expires_at = required(Time, metadata={"description": "令牌发放后 TOKEN_TTL_DAYS 天"})
    revoked_at = optional(Time)
    revoked_by = optional(Str, metadata={"description": "吊销它的管理员（角色:账号）"})
    revoke_reason = optional(Str)


class UserPageSchema(PageSchema):
    items = listed(UserSchema)


class UserTokenSchema(UserSchema):
    token = required(Str, metadata={"description": "新的访问令牌，只在此时显示一次"})


class BankViewSchema(ResponseSchema):
    name = required(Str)
    account = required(Str, metadata={"description": "银行卡号，默认脱敏（****0091）"})


class FamilyMemberViewSchema(ResponseSchema):
    name = required(Str)
    relation = required(Str)
    school = optional(Str)
    id_number = optional(Str)


class StatusChangeViewSchema(ResponseSchema):
    from_ = optional(Str, data_key="from")
    to = required(Str)
    at = required(Time)
    actor = optional(Str)
    reason = optional(Str)


class WorkerSchema(ResponseSchema):
    worker_id = required(Str)
    name = required(Str, metadata={"description": "姓名，默认脱敏"})
    id_number = required(Str, metadata={"description": "身份证号，默认脱敏（前6位 + 8个* + 后4位）"})
    phone = required(Str, metadata={"description": "手机号，默认脱敏（138****8000）"})
    employer = required(Str)
    union = required(Str)
    category = one_of(rules.CATEGORIES)
    reasons = fields.List(Str(), required=True)
    household_size = required(Int)
    household_monthly_income_fen = required(Int)
    per_capita_income_fen = required(Int)
    bank = fields.Nested(BankViewSchema, required=True)
    family = listed(FamilyMemberViewSchema)
    gender = one_of(("male", "female"))
    birth_date = Date(metadata={"description": "出生日期，仅 reveal=1 时给出（脱敏的身份证号隐去的正是它）"})
    birth_year = Int(metadata={"description": "出生年份，仅 reveal=1 时给出"})
    filed_on = required(Date)
    review_due_on = required(Date)
    status = one_of(rules.STATUSES)
    version = required(Int)
    created_at = required(Time)
    updated_at = required(Time)
    bank_changed_at = optional(Time, metadata={"description": "收款账户最近一次经审批变更的时间；从未变更为 null"})


class WorkerWithHistorySchema(WorkerSchema):
    status_history = listed(StatusChangeViewSchema)


class WorkerPageSchema(PageSchema):
    items = listed(WorkerSchema)


class AuditEntrySchema(ResponseSchema):
    at = required(Time)
    actor = required(Str)
    action = required(Str)
    details = optional(fields.Dict)


class AuditTrailSchema(ResponseSchema):
    items = listed(AuditEntrySchema)


class RejectedRowSchema(ResponseSchema):
    row = required(Int, metadata={"description": "表格行号，与 Excel 左侧的行号一致（表头在第1行时数据从第2行起）"})
    field = required(Str)
    column = required(Str, metadata={"description": "表格中的列名，如 家庭月收入(元)"})
    message = required(Str)


class PendingChangeSchema(ResponseSchema):
    row = required(Int, metadata={"description": "表格行号：这一行的银行信息与档案不同，未直接修改，已提出变更申请"})
    worker_id = required(Str)
    change_request_id = required(Str)


class ChangeRequestViewSchema(ResponseSchema):
    change_request_id = required(Str)
    worker_id = required(Str)
    name = required(Str, metadata={"description": "职工姓名（脱敏）"})
    status = one_of(payee_rules.STATUSES)
    source = one_of((payee_rules.FROM_API, payee_rules.FROM_IMPORT))
    old_bank = fields.Nested(BankViewSchema, required=True, metadata={"description": "提出申请时的收款账户（脱敏）"})
    new_bank = fields.Nested(BankViewSchema, required=True, metadata={"description": "申请改为的收款账户（脱敏）"})
    requested_by = required(Str)
    requested_at = required(Time)
    decided_by = optional(Str)
    decided_at = optional(Time)
    reason = optional(Str)


class ChangeRequestPageSchema(PageSchema):
    items = listed(ChangeRequestViewSchema)


class PayeeChangePendingSchema(ResponseSchema):
    change_request_id = required(Str)
    status = one_of((payee_rules.PENDING,))
    worker = fields.Nested(WorkerSchema, required=True, metadata={"description": "其他字段已生效后的档案"})


class SkippedLineSchema(ResponseSchema):
    row = required(Int, metadata={"description": "表格行号"})
    reason = required(Str, metadata={"description": "未导入的原因：合计行、表格下方的备注或签名行"})


class ImportResultSchema(ResponseSchema):
    import_id = required(Str)
    total_rows = required(Int)
    created = required(Int)
    updated = required(Int)
    unchanged = required(Int)
    rejected = listed(RejectedRowSchema)
    pending_changes = listed(PendingChangeSchema)
    skipped = listed(SkippedLineSchema)


class ImportStartedSchema(ResponseSchema):
    import_id = required(Str)
    status = one_of(("running",))
    progress_url = required(Str)


class ImportProgressSchema(ResponseSchema):
    import_id = required(Str)
    status = one_of(("running", "done", "failed"))
    filename = optional(Str)
    processed_rows = required(Int)
    progress = required(Int, metadata={"description": "0 至 100"})
    result = optional(fields.Dict, metadata={"description": '完成后为导入结果，失败时为 {"error"}'})
    started_at = required(Time)
    finished_at = optional(Time)


class CampaignViewSchema(ResponseSchema):
    campaign_id = required(Str)
    program = one_of(PROGRAMS)
    name = required(Str)
    year = required(Int)
    opens_on = required(Date)
    closes_on = required(Date)
    budget_fen = required(Int)
    amounts = fields.Dict(keys=Str(), values=Int(), required=True)
    publicity_days = required(Int)
    allocated_fen = required(Int)
    available_fen = required(Int)
    committed_fen = required(Int)
    disbursed_fen = required(Int)
    remaining_fen = required(Int)
    counts = fields.Dict(keys=Str(), values=Int(), required=True, metadata={"description": "各状态的申请数"})
    created_at = required(Time)


class CampaignPageSchema(PageSchema):
    items = listed(CampaignViewSchema)


class ApplicationViewSchema(ResponseSchema):
    application_id = required(Str)
    campaign_id = required(Str)
    program = one_of(PROGRAMS)
    worker_id = required(Str)
    status = one_of(APPLICATION_STATUSES)
    amount_fen = required(Int)
    name = required(Str, metadata={"description": "脱敏姓名"})
    id_number = required(Str, metadata={"description": "脱敏身份证号"})
    union = required(Str)
    category = optional(Str)
    level = optional(Str)
    student = optional(fields.Dict)
    note = optional(Str)
    submitted_by = required(Str)
    publicity_ends_on = optional(Date)
    batch_id = optional(Str)
    bank_ref = optional(Str)
    created_at = required(Time)
    updated_at = required(Time)


class ApplicationWithHistorySchema(ApplicationViewSchema):
    history = listed(StatusChangeViewSchema)


class ApplicationPageSchema(PageSchema):
    items = listed(ApplicationViewSchema)


class BatchFailureSchema(ResponseSchema):
    application_id = required(Str)
    code = required(Str)
    message = required(Str)


class BatchApprovalSchema(ResponseSchema):
    approved = fields.List(Str(), required=True)
    failed = listed(BatchFailureSchema)


class PublicityItemSchema(ResponseSchema):
    name = required(Str)
    id_number = required(Str)
    union = required(Str)
    category = Str(allow_none=True, metadata={"description": "送温暖：困难类别"})
    level = Str(allow_none=True, metadata={"description": "金秋助学：学段"})
    amount_fen = required(Int)
    status = required(Str)
    publicity_ends_on = optional(Date)


class PublicitySchema(ResponseSchema):
    campaign_id = required(Str)
    name = required(Str)
    program = one_of(PROGRAMS)
    items = listed(PublicityItemSchema)


class PublicStatusSchema(ResponseSchema):
    status = one_of(APPLICATION_STATUSES)
    program = one_of(PROGRAMS)
    updated_at = required(Time)


class CalendarViewSchema(ResponseSchema):
    year = required(Int)
    holidays = fields.List(Date(), required=True, metadata={"description": "放假的日期（含假期中的周末）"})
    workdays = fields.List(Date(), required=True, metadata={"description": "调休上班的周末"})
    source = one_of(("official", "entered"))
    entered_by = Str(metadata={"description": "仅 entered：录入人"})
    entered_at = Time(metadata={"description": "仅 entered：录入时间"})


class CheckSchema(ResponseSchema):
    check = required(Str)
    expected = required(Int)
    actual = required(Int)
    ok = required(Bool)


class DifferenceSchema(CheckSchema):
    campaign_id = optional(Str)
    batch_id = optional(Str)


class BatchChecksSchema(ResponseSchema):
    batch_id = required(Str)
    checks = listed(CheckSchema)


class CampaignChecksSchema(ResponseSchema):
    campaign_id = required(Str)
    name = required(Str)
    checks = listed(CheckSchema)
    batches = listed(BatchChecksSchema)


class ReconciliationSchema(ResponseSchema):
    ok = required(Bool)
    ledger_total_fen = required(Int)
    differences = listed(DifferenceSchema)
    campaigns = listed(CampaignChecksSchema)


class DonorIncomeSchema(ResponseSchema):
    donor = required(Str, metadata={"description": "单位名称、脱敏姓名或“爱心人士”"})
    amount_fen = required(Int)


class IncomeSchema(ResponseSchema):
    by_donor = listed(DonorIncomeSchema)
    restricted_gifts_fen = required(Int)
    allocated_gifts_fen = required(Int)
    union_budget_fen = required(Int)


class ProgramSpendingSchema(ResponseSchema):
    program = required(Str)
    disbursed_fen = required(Int)


class SpendingSchema(ResponseSchema):
    by_program = listed(ProgramSpendingSchema)
    disbursed_fen = required(Int)
    committed_fen = required(Int)


class DisclosureSchema(ResponseSchema):
    campaign_id = required(Str)
    name = required(Str)
    program = one_of(PROGRAMS)
    year = required(Int)
    income = fields.Nested(IncomeSchema, required=True)
    spending = fields.Nested(SpendingSchema, required=True)
    recipients = required(Int)
    remaining_fen = required(Int)


class DonorViewSchema(ResponseSchema):
    donor_id = required(Str)
    name = required(Str)
    kind = one_of(("individual", "organization"))
    anonymous = required(Bool)
    phone = optional(Str, metadata={"description": "脱敏手机号"})
    created_at = required(Time)


class DonationViewSchema(ResponseSchema):
    donation_id = required(Str)
    donor_id = required(Str)
    amount_fen = required(Int)
    campaign_id = optional(Str, metadata={"description": "定向的项目；null 为未定向"})
    received_on = required(Date)
    external_ref = required(Str)
    receipt_no = required(Str)
    verification_code = required(Str)
    placed_fen = required(Int)
    created_at = required(Time)


class AllocatedPartSchema(ResponseSchema):
    donation_id = required(Str)
    amount_fen = required(Int)


class AllocationViewSchema(ResponseSchema):
    allocation_id = required(Str)
    campaign_id = required(Str)
    amount_fen = required(Int)
    external_ref = optional(Str)
    from_donations = listed(AllocatedPartSchema)
    by = required(Str)
    created_at = required(Time)


class TracePaymentSchema(ResponseSchema):
    application_id = required(Str)
    program = one_of(PROGRAMS)
    recipient = required(Str, metadata={"description": "脱敏姓名"})
    amount_fen = required(Int)
    disbursed_at = required(Time)


class TraceDonationSchema(ResponseSchema):
    donation_id = required(Str)
    amount_fen = required(Int)
    campaign_id = optional(Str)
    received_on = required(Date)
    receipt_no = required(Str)
    allocated_fen = required(Int)
    allocations = listed(TracePaymentSchema)


class DonorTraceSchema(ResponseSchema):
    donor_id = required(Str)
    donated_fen = required(Int)
    allocated_fen = required(Int)
    unallocated_fen = required(Int)
    donations = listed(TraceDonationSchema)


class ReceiptSchema(ResponseSchema):
    receipt_no = required(Str)
    donor = required(Str)
    amount_fen = required(Int)
    received_on = required(Date)
    campaign = required(Str)


class BatchDownloadSchema(ResponseSchema):
    actor = required(Str)
    at = required(Time)
    lines = required(Int, metadata={"description": "文件中的行数（仍在付款中的笔数）"})


class BatchViewSchema(ResponseSchema):
    batch_id = required(Str)
    campaign_id = required(Str)
    count = required(Int)
    total_fen = required(Int)
    created_by = required(Str)
    created_at = required(Time)
    paid = required(Int)
    failed = required(Int)
    pending = required(Int)
    downloads = listed(BatchDownloadSchema)  # every download of the bank file, oldest first


class ResultLineErrorSchema(ResponseSchema):
    line = required(Int)
    application_id = optional(Str)
    message = required(Str)


class BatchResultsSchema(ResponseSchema):
    batch_id = required(Str)
    disbursed = required(Int)
    failed = required(Int)
    unchanged = required(Int)
    errors = listed(ResultLineErrorSchema)


class NotificationViewSchema(ResponseSchema):
    notification_id = required(Str)
    application_id = optional(Str)
    worker_id = required(Str)
    template = required(Str)
    phone = optional(Str, metadata={"description": "脱敏手机号"})
    text = required(Str)
    segments = required(Int)
    status = one_of(SMS_STATUSES)
    provider = optional(Str)
    attempts = required(Int)
    last_error = optional(Str)
    created_at = required(Time)
    sent_at = optional(Time)
    delivered_at = optional(Time)


class NotificationPageSchema(PageSchema):
    items = listed(NotificationViewSchema)


class OptOutStateSchema(ResponseSchema):
    worker_id = required(Str)
    opted_out = required(Bool)


class OptOutViewSchema(ResponseSchema):
    worker_id = required(Str)
    source = required(Str)
    reason = optional(Str)
    created_by = optional(Str)
    created_at = required(Time)


class OptOutPageSchema(PageSchema):
    items = listed(OptOutViewSchema)


class ProviderAnswerSchema(ResponseSchema):
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
