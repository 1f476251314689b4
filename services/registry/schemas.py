"""The registry's API bodies. Field checks come from rules.py, the same ones the import uses."""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.registry import org_rules, payee_rules, rules
from shared.clock import today
from shared.errors import looks_like_id
from shared.schemas import PagedQuerySchema, StrictInteger, StrictSchema, Text, TypedText
from shared.validation import InvalidValue, normalize_phone, parse_id_number


class _Checked:
    """Passes the field's value through one of the rule functions; InvalidValue becomes the field's error."""

    def __init__(self, check, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.check(value)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from exc


class Checked(_Checked, Text):
    pass


class CheckedInteger(_Checked, StrictInteger):
    pass


class CheckedList(_Checked, fields.List):
    pass


class CheckedDate(_Checked, fields.Date):
    pass


def filed_on_until_today(value):
    return rules.check_filed_on(value, today())


def id_number(text: str) -> str:
    return parse_id_number(text).number


def unit_id(text: str) -> str:
    if not looks_like_id(text):
        raise InvalidValue("未知的组织")
    return text


class BankSchema(StrictSchema):
    name = Checked(lambda v: rules.check_text(v, "开户银行", 50), required=True)
    account = Checked(rules.check_bank_account, required=True)


class FamilyMemberSchema(StrictSchema):
    name = Checked(rules.check_name, required=True)
    relation = Checked(lambda v: rules.check_text(v, "与职工关系", 20), required=True)
    id_number = Checked(id_number, load_default=None, allow_none=True)
    school = TypedText(load_default=None, allow_none=True, validate=validate.Length(max=100))


class WorkerFieldsSchema(StrictSchema):
    """Every field a worker file has except the ID number, which never changes after filing."""

    name = Checked(rules.check_name, required=True)
    phone = Checked(normalize_phone, required=True)
    employer = Checked(lambda v: rules.check_text(v, "工作单位"), required=True)
    union = Checked(lambda v: rules.check_text(v, "所属工会"))  # a unit's name, or `org_unit_id` instead
    org_unit_id = Checked(unit_id)
    category = Checked(rules.check_category, required=True)
    reasons = CheckedList(rules.check_reasons, Text(), required=True)
    household_size = CheckedInteger(rules.check_household_size, required=True)
    household_monthly_income_fen = CheckedInteger(rules.check_monthly_income_fen, required=True)
    bank = fields.Nested(BankSchema, required=True)
    family = fields.List(
        fields.Nested(FamilyMemberSchema),
        load_default=list,
        validate=validate.Length(max=rules.MAX_HOUSEHOLD_SIZE, error="家庭成员过多"),
    )
    filed_on = CheckedDate(filed_on_until_today, load_default=None)


class WorkerChangeSchema(WorkerFieldsSchema):
    """A PATCH: any of the fields, and the reason of a move to another unit (see store.apply_update)."""

    reason = Checked(lambda v: rules.check_text(v, "原因", 500))


# A PATCH may leave out any field, and either half of `bank` (the stored half stays: "change the account");
# family members come whole, as nothing tells which stored member a part of one would complete.
PATCH_MAY_LEAVE_OUT = (*WorkerChangeSchema._declared_fields, "bank.name", "bank.account")


class WorkerCreateSchema(WorkerFieldsSchema):
    id_number = Checked(id_number, required=True)

    @validates_schema
    def names_a_union(self, data, **kwargs):
        if "union" not in data and "org_unit_id" not in data:
            raise ValidationError("必填", "union")


class StatusChangeSchema(StrictSchema):
    status = Text(required=True, validate=validate.OneOf(rules.STATUSES, error="状态应为 active、suspended 或 exited"))
    reason = Checked(lambda v: rules.check_text(v, "原因", 500), required=True)


class ChangeDecisionSchema(StrictSchema):
    reason = Checked(lambda v: rules.check_text(v, "原因", 500), load_default=None)


class ChangeRequestQuerySchema(PagedQuerySchema):
    status = Text(validate=validate.OneOf(payee_rules.STATUSES, error="未知的申请状态"))
    worker_id = Text(validate=validate.Length(max=32))


class WorkerQuerySchema(PagedQuerySchema):
    id_number = Checked(id_number)
    category = Text(validate=validate.OneOf(rules.CATEGORIES, error="未知的困难类别"))
    status = Text(validate=validate.OneOf(rules.STATUSES, error="未知的状态"))
    union = Text(validate=validate.Length(max=100))
    org_unit_id = Text(validate=validate.Length(max=32))  # that unit's subtree
    q = Text(validate=validate.Length(min=1, max=50))
    review_due_by = fields.Date()
    # Bounded so the row offset fits the databases' 64-bit integers.


class OrgUnitCreateSchema(StrictSchema):
    name = Checked(org_rules.check_name, required=True)
    parent_id = Checked(unit_id, required=True)
    level = Checked(org_rules.check_level, required=True)


class OrgUnitChangeSchema(StrictSchema):
    """A rename, a move under another parent, or both; the level stays."""

    name = Checked(org_rules.check_name)
    parent_id = Checked(unit_id)
