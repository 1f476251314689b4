"""What the aid service answers with: each schema produces the answer (the `view` functions of applications,
campaigns, disbursement, funds and calendars) and describes it in the API's OpenAPI document."""

from marshmallow import fields

from services.aid.domain.statuses import STATUSES
from services.aid.schemas import PROGRAMS
from shared.answers import (
    Answer,
    Bool,
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


class CampaignViewSchema(Answer):
    campaign_id = required(Str)
    program = one_of(PROGRAMS)
    name = required(Str)
    year = required(Int)
    opens_on = required(Day)
    closes_on = required(Day)
    budget_fen = required(Int)
    amounts = fields.Dict(keys=Str(), values=Int(), required=True)
    publicity_days = required(Int)
    allocated_fen = required(Int)
    available_fen = required(Int)
    committed_fen = required(Int)
    disbursed_fen = required(Int)
    remaining_fen = required(Int)
    counts = fields.Dict(keys=Str(), values=Int(), required=True, metadata={"description": "各状态的申请数"})
    created_at = required(Moment)


class CampaignPageSchema(PageSchema):
    items = listed(CampaignViewSchema)


class ApplicationViewSchema(Answer):
    application_id = required(Str)
    campaign_id = required(Str)
    program = one_of(PROGRAMS)
    worker_id = required(Str)
    status = one_of(STATUSES)
    amount_fen = required(Int)
    name = required(Str, attribute="name_masked", metadata={"description": "脱敏姓名"})
    id_number = required(Str, attribute="id_number_masked", metadata={"description": "脱敏身份证号"})
    union = required(Str)
    category = optional(Str)
    level = optional(Str)
    student = optional(fields.Dict)
    note = optional(Str)
    submitted_by = required(Str)
    publicity_ends_on = optional(Day)
    batch_id = optional(Str)
    bank_ref = optional(Str)
    created_at = required(Moment)
    updated_at = required(Moment)


class ApplicationWithHistorySchema(ApplicationViewSchema):
    history = listed(StatusChangeViewSchema)


class ApplicationPageSchema(PageSchema):
    items = listed(ApplicationViewSchema)


class CalendarViewSchema(Answer):
    year = required(Int)
    holidays = fields.List(Day(), required=True, metadata={"description": "放假的日期（含假期中的周末）"})
    workdays = fields.List(Day(), required=True, metadata={"description": "调休上班的周末"})
    source = one_of(("official", "entered"))
    entered_by = Str(metadata={"description": "仅 entered：录入人"})
    entered_at = Moment(metadata={"description": "仅 entered：录入时间"})


class DonorViewSchema(Answer):
    donor_id = required(Str)
    name = required(Str)
    kind = one_of(("individual", "organization"))
    anonymous = required(Bool)
    phone = optional(Str, attribute="phone_masked", metadata={"description": "脱敏手机号"})
    created_at = required(Moment)


class DonationViewSchema(Answer):
    donation_id = required(Str)
    donor_id = required(Str)
    amount_fen = required(Int)
    campaign_id = optional(Str, metadata={"description": "定向的项目；null 为未定向"})
    received_on = required(Day)
    external_ref = required(Str)
    receipt_no = required(Str)
    verification_code = required(Str)
    placed_fen = required(Int)
    created_at = required(Moment)


class AllocatedPartSchema(Answer):
    donation_id = required(Str)
    amount_fen = required(Int)


class AllocationViewSchema(Answer):
    allocation_id = required(Str)
    campaign_id = required(Str)
    amount_fen = required(Int)
    external_ref = optional(Str)
    from_donations = listed(AllocatedPartSchema)
    by = required(Str, attribute="created_by")
    created_at = required(Moment)


class BatchDownloadSchema(Answer):
    actor = required(Str)
    at = required(Moment)
    lines = required(Int, metadata={"description": "文件中的行数（仍在付款中的笔数）"})


class BatchViewSchema(Answer):
    batch_id = required(Str)
    campaign_id = required(Str)
    count = required(Int)
    total_fen = required(Int)
    created_by = required(Str)
    created_at = required(Moment)
    paid = required(Int)
    failed = required(Int)
    pending = required(Int)
    downloads = listed(BatchDownloadSchema)  # every download of the bank file, oldest first
