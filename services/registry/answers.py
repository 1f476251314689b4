"""What the registry answers with: each schema produces the answer (see workers.view, payee_rules.view) and
describes it in the API's OpenAPI document."""

from marshmallow import fields

from services.registry import payee_rules, rules
from shared.answers import (
    Answer,
    Day,
    Int,
    Moment,
    PageSchema,
    StatusChangeViewSchema,
    Str,
    listed,
    one_of,
    optional,
    required,
)
from shared.org_levels import ORG_LEVELS


class BankViewSchema(Answer):
    name = required(Str)
    account = required(Str, metadata={"description": "银行卡号，默认脱敏（****0091）"})


class FamilyMemberViewSchema(Answer):
    name = required(Str)
    relation = required(Str)
    school = optional(Str)
    id_number = optional(Str)


class WorkerSchema(Answer):
    worker_id = required(Str)
    name = required(Str, metadata={"description": "姓名，默认脱敏"})
    id_number = required(Str, metadata={"description": "身份证号，默认脱敏（前6位 + 8个* + 后4位）"})
    phone = required(Str, metadata={"description": "手机号，默认脱敏（138****8000）"})
    employer = required(Str)
    union = required(Str, metadata={"description": "所属工会组织的名称"})
    org_unit_id = required(Str, metadata={"description": "所属工会组织"})
    category = one_of(rules.CATEGORIES)
    reasons = fields.List(Str(), required=True)
    household_size = required(Int)
    household_monthly_income_fen = required(Int)
    per_capita_income_fen = required(Int)
    bank = fields.Nested(BankViewSchema, required=True)
    family = listed(FamilyMemberViewSchema)
    gender = one_of(("male", "female"))
    birth_date = Day(metadata={"description": "出生日期，仅 reveal=1 时给出（脱敏的身份证号隐去的正是它）"})
    birth_year = Int(metadata={"description": "出生年份，仅 reveal=1 时给出"})
    filed_on = required(Day)
    review_due_on = required(Day)
    status = one_of(rules.STATUSES)
    version = required(Int)
    created_at = required(Moment)
    updated_at = required(Moment)
    bank_changed_at = optional(Moment, metadata={"description": "收款账户最近一次经审批变更的时间；从未变更为 null"})


class WorkerWithHistorySchema(WorkerSchema):
    status_history = listed(StatusChangeViewSchema)


class WorkerPageSchema(PageSchema):
    items = listed(WorkerSchema)


class ChangeRequestViewSchema(Answer):
    change_request_id = required(Str)
    worker_id = required(Str)
    name = required(Str, metadata={"description": "职工姓名（脱敏）"})
    status = one_of(payee_rules.STATUSES)
    source = one_of((payee_rules.FROM_API, payee_rules.FROM_IMPORT))
    old_bank = fields.Nested(BankViewSchema, required=True, metadata={"description": "提出申请时的收款账户（脱敏）"})
    new_bank = fields.Nested(BankViewSchema, required=True, metadata={"description": "申请改为的收款账户（脱敏）"})
    requested_by = required(Str)
    requested_at = required(Moment)
    decided_by = optional(Str)
    decided_at = optional(Moment)
    reason = optional(Str)


class ChangeRequestPageSchema(PageSchema):
    items = listed(ChangeRequestViewSchema)


class PayeeChangePendingSchema(Answer):
    change_request_id = required(Str)
    status = one_of((payee_rules.PENDING,))
    worker = fields.Nested(WorkerSchema, required=True, metadata={"description": "其他字段已生效后的档案"})


class AuditEntrySchema(Answer):
    at = required(Moment)
    actor = required(Str)
    action = required(Str)
    details = optional(fields.Dict)


class AuditTrailSchema(Answer):
    items = listed(AuditEntrySchema)


class RejectedRowSchema(Answer):
    row = required(Int, metadata={"description": "表格行号，与 Excel 左侧的行号一致（表头在第1行时数据从第2行起）"})
    field = required(Str)
    column = required(Str, metadata={"description": "表格中的列名，如 家庭月收入(元)"})
    message = required(Str)


class PendingChangeSchema(Answer):
    row = required(Int, metadata={"description": "表格行号：这一行的银行信息与档案不同，未直接修改，已提出变更申请"})
    worker_id = required(Str)
    change_request_id = required(Str)


class SkippedLineSchema(Answer):
    row = required(Int, metadata={"description": "表格行号"})
    reason = required(Str, metadata={"description": "未导入的原因：合计行、表格下方的备注或签名行"})


class ImportResultSchema(Answer):
    import_id = required(Str)
    total_rows = required(Int)
    created = required(Int)
    updated = required(Int)
    unchanged = required(Int)
    rejected = listed(RejectedRowSchema)
    pending_changes = listed(PendingChangeSchema)
    skipped = listed(SkippedLineSchema)
    unknown_unions = fields.List(
        Str(),
        required=True,
        metadata={"description": "表中“所属工会”不在本人组织范围内的名称（去重、排序），这些行已拒绝"},
    )


class ImportProgressSchema(Answer):
    import_id = required(Str)
    status = one_of(("running", "done", "failed"))
    filename = optional(Str)
    processed_rows = required(Int)
    progress = required(Int, metadata={"description": "0 至 100"})
    result = optional(fields.Dict, metadata={"description": '完成后为导入结果，失败时为 {"error"}'})
    started_at = required(Moment)
    finished_at = optional(Moment)


class OrgUnitSchema(Answer):
    org_unit_id = required(Str)
    name = required(Str)
    parent_id = optional(Str, metadata={"description": "上级组织；根组织为 null"})
    level = one_of(ORG_LEVELS)
    path = fields.List(Str(), required=True, metadata={"description": "各级上级组织的 org_unit_id，从根组织起"})
    depth = required(Int, metadata={"description": "根组织为 0"})
    version = required(Int)
    created_at = required(Moment)
    updated_at = required(Moment)


class OrgUnitPageSchema(PageSchema):
    items = listed(OrgUnitSchema)
