"""The notify service's API bodies and queries."""

from marshmallow import validate

from services.notify.templates import TEMPLATES
from shared.schemas import PagedQuerySchema, StrictSchema, Text, TypedText

PUBLIC_STATUSES = ("queued", "deferred", "sent", "delivered", "failed", "suppressed")


class NotificationQuerySchema(PagedQuerySchema):
    application_id = Text()
    worker_id = Text()
    template = Text(validate=validate.OneOf(tuple(TEMPLATES), error="未知的短信模板"))
    status = Text(validate=validate.OneOf(PUBLIC_STATUSES, error="未知的短信状态"))


class OptOutQuerySchema(PagedQuerySchema):
    worker_id = Text()


class OptOutSchema(StrictSchema):
    reason = TypedText(required=True, validate=validate.Length(min=1, max=500))
