"""The aid service's API bodies."""

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from services.aid.domain import review_levels
from services.aid.domain.statuses import STATUSES
from shared.schemas import PagedQuerySchema, StrictInteger, StrictSchema, Text, TypedText
from shared.validation import InvalidValue, normalize_phone, parse_id_number

PROGRAMS = ("warmth", "education")
AMOUNT_KEYS = {
    "warmth": ("deep", "relative", "accident"),
    "education": ("postgraduate", "undergraduate", "junior_college", "senior_high", "vocational_high"),
}
# what a campaign's table is keyed by, as the aid centres name them: in messages people read (the console shows them)
AMOUNT_KEY_LABELS = {
    "deep": "深度困难",
    "relative": "相对困难",
    "accident": "意外致困",
    "postgraduate": "研究生",
    "undergraduate": "本科",
    "junior_college": "大专",
    "senior_high": "普通高中",
    "vocational_high": "中职",
}
MAX_FEN = 10**12
YEARS = validate.Range(min=2000, max=2100, error="年度应在2000至2100之间")  # a campaign's, and a report's


def checked(rule):
    """A marshmallow validator from a core rule that raises InvalidValue."""

    def validator(value):
        try:
            rule(value)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from exc

    return validator


def owner_unit(description: str = "所属组织，须在本人组织范围内；默认本人所属组织") -> Text:
    """The unit a new record belongs to (a campaign, a donor, a gift): optional, the caller's own by default."""
    return Text(validate=validate.Length(max=32), metadata={"description": description})


class CampaignSchema(StrictSchema):
    program = Text(
        required=True, validate=validate.OneOf(PROGRAMS, error="项目应为 warmth（送温暖）或 education（金秋助学）")
    )
    name = TypedText(required=True, validate=validate.Length(min=1, max=100))
    year = StrictInteger(required=True, validate=YEARS)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    budget_fen = StrictInteger(
        required=True, validate=validate.Range(min=0, max=MAX_FEN, error="预算应为非负整数（分）")
    )
    amounts = fields.Dict(
        keys=Text(),
        values=StrictInteger(validate=validate.Range(min=1, max=MAX_FEN, error="补助标准应为正整数（分）")),
        required=True,
    )
    publicity_days = StrictInteger(
        required=True, validate=validate.Range(min=0, max=30, error="公示天数应为0至30个工作日")
    )
    org_unit_id = owner_unit()
    review_levels = fields.List(
        Text(),
        load_default=list,
        validate=checked(review_levels.check),
        metadata={"description": '逐级审核的级别，自下而上，如 ["base", "district"]；默认 [] 为一次审批'},
    )

    @validates_schema
    def consistent(self, data, **_kwargs):
        errors = {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            errors["closes_on"] = ["截止日期不能早于开始日期"]
        program, amounts = data.get("program"), data.get("amounts")
        if program and amounts is not None:
            allowed = AMOUNT_KEYS[program]
            unknown = sorted(set(amounts) - set(allowed))
            if unknown or not amounts:
                listed = "、".join(f"{AMOUNT_KEY_LABELS[key]}({key})" for key in allowed)
                by = "困难类别" if program == "warmth" else "学段"
                errors["amounts"] = [f"补助标准应按{by}填写 {listed} 中的一项或多项"]
        if errors:
            raise ValidationError(errors)


class QuotaSchema(StrictSchema):
    org_unit_id = Text(required=True, validate=validate.Length(max=32))
    amount_fen = StrictInteger(
        required=True, validate=validate.Range(min=0, max=MAX_FEN, error="配额应为非负整数（分）")
    )


class CalendarSchema(StrictSchema):
    """A year's calendar entered by an admin; workdays are the make-up days (调休). The dates are checked against
    the year in services/aid/domain/workdays.py."""

    holidays = fields.List(Text(), required=True, validate=validate.Length(max=366))
    workdays = fields.List(Text(), required=True, validate=validate.Length(max=366))


class StudentSchema(StrictSchema):
    name = TypedText(required=True, validate=validate.Length(min=1, max=50))
    id_number = Text(required=True)
    level = Text(
        required=True,
        validate=validate.OneOf(AMOUNT_KEYS["education"], error="学段应为 " + "、".join(AMOUNT_KEYS["education"])),
    )
    school = TypedText(required=True, validate=validate.Length(min=1, max=100))
    admission_year = StrictInteger(required=True, validate=validate.Range(min=2000, max=2100))
    admission_notice_no = TypedText(required=True, validate=validate.Length(min=1, max=50))

    @validates_schema
    def valid_id_number(self, data, **_kwargs):
        if "id_number" in data:
            try:
                data["id_number"] = parse_id_number(data["id_number"]).number
            except InvalidValue as exc:
                raise ValidationError({"id_number": [str(exc)]}) from exc


class ApplicationSchema(StrictSchema):
    campaign_id = Text(required=True, validate=validate.Length(min=1, max=64))
    worker_id = Text(required=True, validate=validate.Length(min=1, max=64))
    student = fields.Nested(StudentSchema, load_default=None, allow_none=True)
    note = TypedText(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ApproveSchema(StrictSchema):
    note = TypedText(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReasonSchema(StrictSchema):
    reason = TypedText(required=True, validate=validate.Length(min=1, max=500, error="请填写原因（1至500字）"))


class BatchApproveSchema(StrictSchema):
    application_ids = fields.List(
        Text(), required=True, validate=validate.Length(min=1, max=1000, error="一次批量审批1至1000件")
    )
    note = TypedText(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ApplicationQuerySchema(PagedQuerySchema):
    campaign_id = Text()
    worker_id = Text()
    status = Text(validate=validate.OneOf(STATUSES, error="未知的状态"))
    awaiting_me = fields.Boolean(
        metadata={
            "description": "true：只列出待本人所在组织这一级审核的申请（review.next_level 为本人组织的级别），"
            "以及无需逐级审核、任一审核人即可批准的待审核申请"
        }
    )


class BatchCreateSchema(StrictSchema):
    campaign_id = Text(required=True)


class DisburseSchema(StrictSchema):
    bank_ref = TypedText(required=True, validate=validate.Length(min=1, max=100))


def _mobile(value: str) -> None:
    try:
        normalize_phone(value)
    except InvalidValue as exc:
        raise ValidationError(str(exc)) from exc


class DonorSchema(StrictSchema):
    name = TypedText(required=True, validate=validate.Length(min=1, max=100))
    kind = Text(
        required=True,
        validate=validate.OneOf(("individual", "organization"), error="应为 individual（个人）或 organization（单位）"),
    )
    phone = Text(load_default=None, allow_none=True, validate=_mobile)
    anonymous = fields.Boolean(load_default=False)
    org_unit_id = owner_unit()

    @post_load
    def normalized(self, data, **_kwargs):
        return {**data, "phone": data["phone"] and normalize_phone(data["phone"])}


class DonationSchema(StrictSchema):
    donor_id = Text(required=True)
    amount_fen = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_FEN, error="金额应为正整数（分）"))
    campaign_id = Text(load_default=None, allow_none=True)  # absent or null: unrestricted
    received_on = fields.Date(required=True)
    external_ref = Text(required=True, validate=validate.Length(min=1, max=100))
    org_unit_id = owner_unit("收款组织，须在本人组织范围内；默认本人所属组织")


class AllocationSchema(StrictSchema):
    amount_fen = StrictInteger(required=True, validate=validate.Range(min=1, max=MAX_FEN, error="金额应为正整数（分）"))
    external_ref = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class BatchQuerySchema(PagedQuerySchema):
    campaign_id = Text()


class ReconciliationQuerySchema(StrictSchema):
    campaign_id = Text()
