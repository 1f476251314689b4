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
    union = required(Str)
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
