"""The gateway's own API bodies."""

from marshmallow import ValidationError, fields, validate, validates_schema

from services.aid.schemas import YEARS
from services.gateway.auth import ROLES
from shared.schemas import StrictSchema, Text, TypedText


class UserCreateSchema(StrictSchema):
    name = TypedText(required=True, validate=validate.Length(min=1, max=100, error="名称应为1至100个字"))
    role = Text(required=True, validate=validate.OneOf(ROLES, error="角色应为 " + "、".join(ROLES)))
    donor_id = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=32))
    org_unit_id = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "所属工会组织，须在本管理员的组织范围内；默认与创建它的管理员相同"},
    )

    @validates_schema
    def donor_needs_donor_id(self, data, **_kwargs):
        if data.get("role") == "donor" and not data.get("donor_id"):
            raise ValidationError({"donor_id": ["捐赠人账号必须指定 donor_id"]})


class NoFieldsSchema(StrictSchema):
    """A body that needs nothing: none, or an empty JSON object (any field is refused)."""


class ReportQuerySchema(StrictSchema):
    year = fields.Integer(validate=YEARS, metadata={"description": "统计年度（按项目所属年度）；默认今年"})
    org_unit_id = Text(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "统计哪个组织（须在本人组织范围内，范围外与不存在的一样 404）；默认本人所属组织"},
    )
