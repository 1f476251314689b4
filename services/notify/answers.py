"""What the notify service answers with: each schema produces the answer (messages.view, opt_outs.listing and
state_view, each SMS provider's receipt_ack) and describes it in the API's OpenAPI document."""

from services.notify.schemas import PUBLIC_STATUSES
from shared.answers import Answer, Bool, Int, Moment, PageSchema, Str, listed, one_of, optional, required


class NotificationViewSchema(Answer):
    notification_id = required(Str)
    application_id = optional(Str)
    worker_id = required(Str)
    template = required(Str)
    phone = optional(Str, attribute="phone_masked", metadata={"description": "脱敏手机号"})
    text = required(Str)
    segments = required(Int)
    status = one_of(PUBLIC_STATUSES)
    provider = optional(Str)
    attempts = required(Int)
    last_error = optional(Str)
    created_at = required(Moment)
    sent_at = optional(Moment)
    delivered_at = optional(Moment)


class NotificationPageSchema(PageSchema):
    items = listed(NotificationViewSchema)


class OptOutStateSchema(Answer):
    worker_id = required(Str)
    opted_out = required(Bool)


class OptOutViewSchema(Answer):
    worker_id = required(Str)
    source = required(Str)
    reason = optional(Str)
    created_by = optional(Str)
    created_at = required(Moment)


class OptOutPageSchema(PageSchema):
    items = listed(OptOutViewSchema)


class ConsoleAckSchema(Answer):
    result = one_of(("ok",))


class AliyunAckSchema(Answer):
    code = required(Int, metadata={"description": "0：已收到"})
    msg = required(Str)


class TencentAckSchema(Answer):
    result = required(Int, metadata={"description": "0：已收到"})
    errmsg = required(Str)


# what a provider pushing receipts expects back: each provider's own shape
PROVIDER_ACKS = (ConsoleAckSchema, AliyunAckSchema, TencentAckSchema)
