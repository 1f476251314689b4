"""What the gateway itself answers with (accounts, health, a background import started): each schema produces the answer and describes it in the
OpenAPI document."""

from marshmallow import fields

from services.gateway.auth import ROLES
from shared.answers import Answer, Moment, PageSchema, Str, listed, one_of, optional, required

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
