"""What the aid service answers with: each schema produces the answer (the `view` functions of applications,
campaigns, disbursement, funds and calendars; approvals, public, reconciliation, disclosure, trace, and the bank's
results in disbursement) and describes it in the API's OpenAPI document."""

from marshmallow import fields, validate

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
from shared.org_levels import ORG_LEVELS


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
    org_unit_id = optional(Str, metadata={"description": "所属组织；null 为根组织"})
    review_levels = fields.List(
        Str(validate=validate.OneOf(ORG_LEVELS)), required=True, metadata={"description": "逐级审核的级别，自下而上"}
    )
    created_at = required(Moment)


class QuotaViewSchema(Answer):
    org_unit_id = required(Str)
    amount_fen = required(Int, metadata={"description": "配额"})
    committed_fen = required(Int, metadata={"description": "已审批占用"})
    disbursed_fen = required(Int, metadata={"description": "已发放"})
    remaining_fen = required(Int, metadata={"description": "剩余"})


class CampaignDetailSchema(CampaignViewSchema):
    quotas = listed(QuotaViewSchema)


class CampaignPageSchema(PageSchema):
    items = listed(CampaignViewSchema)


class ReviewStepSchema(Answer):
    level = one_of(ORG_LEVELS)
    actor = required(Str)
    at = required(Moment)


class ReviewSchema(Answer):
    done = listed(ReviewStepSchema)
    next_level = optional(
        Str,
        validate=validate.OneOf(ORG_LEVELS),
        metadata={
            "description": "待哪一级审核；null：不在审核中，或无需逐级审核（项目未设审核级别，或职工所在组织路径上没有"
            "这些级别），任一审核人批准即可"
        },
    )


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
    review = fields.Nested(
        ReviewSchema,
        required=True,
        metadata={
            "description": "逐级审核：已完成的各级审核（done，自下而上）与待审核的级别（next_level）。驳回、撤回后保留已完成的"
            "审核；因异议或档案变化退回审核时重新从第一级开始（历史中仍有各步记录）"
        },
    )
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
    org_unit_id = optional(Str, metadata={"description": "所属组织；null 为根组织"})
    created_at = required(Moment)


class DonorPageSchema(PageSchema):
    """The console's list of donors (list_donors); not an API answer."""

    items = listed(DonorViewSchema)


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
    org_unit_id = optional(Str, metadata={"description": "收款组织；null 为根组织"})
    created_at = required(Moment)


class DonationPageSchema(PageSchema):
    """The console's list of gifts (list_donations); not an API answer."""

    items = listed(DonationViewSchema)


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


class BatchPageSchema(PageSchema):
    """The console's list of disbursement batches (list_disbursement_batches); not an API answer."""

    items = listed(BatchViewSchema)


class BatchFailureSchema(Answer):
    application_id = required(Str)
    code = required(Str)
    message = required(Str)


class BatchApprovalSchema(Answer):
    approved = fields.List(Str(), required=True)
    failed = listed(BatchFailureSchema)


class PublicityItemSchema(Answer):
    name = required(Str, attribute="name_masked")
    id_number = required(Str, attribute="id_number_masked")
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
    status = one_of(STATUSES)
    program = one_of(PROGRAMS)
    updated_at = required(Moment)


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


class CheckSchema(Answer):
    check = required(Str)
    expected = required(Int)
    actual = required(Int)
    ok = required(Bool)


class PlaceSchema(Answer):
    campaign_id = optional(Str)
    batch_id = optional(Str)


class DifferenceSchema(CheckSchema, PlaceSchema):
    """A check that failed, and where; marshmallow lays out the last base's fields first, so the place leads."""


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
    recipient = required(Str, attribute="name_masked", metadata={"description": "脱敏姓名"})
    amount_fen = required(Int)
    disbursed_at = required(Moment, attribute="at")


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
