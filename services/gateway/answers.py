"""What the gateway itself answers with (accounts, health, a background import started, the roll-up report): each schema produces the answer and describes it in the
OpenAPI document."""

from marshmallow import fields, validate

from services.aid.domain.statuses import STATUSES
from services.gateway.auth import ROLES
from services.registry.rules import CATEGORIES
from shared.answers import Answer, Int, Moment, PageSchema, Str, listed, one_of, optional, required

ORG_UNIT = optional(Str, metadata={"description": "账号所属的工会组织；null：根组织（网关尚未收到它的事件）"})


class HealthSchema(Answer):
    status = one_of(("ok", "unavailable"))
    checks = fields.Dict(
        keys=Str(), values=Str(), required=True, metadata={"description": "每个组件：ok、no answer 或数据库错误"}
    )


class UserCreatedSchema(Answer):
    user_id = required(Str)
    name = required(Str)
    role = one_of(ROLES)
    donor_id = optional(Str)
    org_unit_id = ORG_UNIT
    token = required(Str, metadata={"description": "访问令牌，只在此时显示一次"})


class UserSchema(Answer):
    user_id = required(Str)
    name = required(Str)
    role = one_of(ROLES)
    donor_id = optional(Str)
    org_unit_id = ORG_UNIT
    status = one_of(("active", "expired", "revoked"))
    created_at = required(Moment)
    token_issued_at = required(Moment)
    token_expires_at = required(Moment, metadata={"description": "令牌发放后 TOKEN_TTL_DAYS 天"})
    revoked_at = optional(Moment)
    revoked_by = optional(Str, metadata={"description": "吊销它的管理员（角色:账号）"})
    revoke_reason = optional(Str)


class UserPageSchema(PageSchema):
    items = listed(UserSchema)


class UserTokenSchema(UserSchema):
    token = required(Str, metadata={"description": "新的访问令牌，只在此时显示一次"})


class ImportStartedSchema(Answer):
    import_id = required(Str)
    status = one_of(("running",))
    progress_url = required(Str)


def counts_by(keys, description: str) -> fields.Dict:
    return fields.Dict(
        keys=Str(validate=validate.OneOf(keys)), values=Int(), required=True, metadata={"description": description}
    )


class WorkerFiguresSchema(Answer):
    active = required(Int, metadata={"description": "在档（active）的困难职工档案数：当前档案，不分年度"})
    by_category = counts_by(CATEGORIES, "在档档案数，按困难类别（每个类别都列出）")


class ApplicationFiguresSchema(Answer):
    by_status = counts_by(STATUSES, "该年度项目的申请数，按状态（每个状态都列出）")


class FiguresSchema(Answer):
    workers = fields.Nested(WorkerFiguresSchema, required=True)
    applications = fields.Nested(ApplicationFiguresSchema, required=True)
    approved_fen = required(
        Int,
        metadata={
            "description": "该年度项目已批准且仍有效的金额（分）：公示中、待发放、发放中、发放失败与已发放的申请"
        },
    )
    disbursed_fen = required(Int, metadata={"description": "该年度项目已发放的金额（分）"})


class ChildFiguresSchema(FiguresSchema):
    org_unit_id = required(Str)
    name = required(Str)


class ReportSummarySchema(Answer):
    org_unit_id = required(Str, metadata={"description": "统计的组织"})
    name = required(Str)
    year = required(Int, metadata={"description": "统计年度：申请与金额按项目所属年度"})
    total = fields.Nested(FiguresSchema, required=True, metadata={"description": "本组织及其全部下级组织合计"})
    own = fields.Nested(FiguresSchema, required=True, metadata={"description": "直接属于本组织的档案与申请"})
    children = listed(ChildFiguresSchema)
