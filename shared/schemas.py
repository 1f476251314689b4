"""Marshmallow defaults for every API body: unknown fields are refused, messages are in Chinese."""

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from shared.errors import validation_error
from shared.validation import InvalidValue, check_characters, check_typed_text

_CHINESE_FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "必填", "null": "不能为空", "validator_failed": "取值无效"},
    fields.String: {"invalid": "应为文本"},
    fields.Integer: {"invalid": "应为整数", "too_large": "数值过大"},
    fields.Boolean: {"invalid": "应为 true 或 false"},
    fields.Date: {"invalid": "应为 YYYY-MM-DD 格式的日期", "format": "应为 YYYY-MM-DD 格式的日期"},
    fields.List: {"invalid": "应为列表"},
    fields.Nested: {"type": "应为对象"},
    fields.Dict: {"invalid": "应为对象"},
}
for field_class, messages in _CHINESE_FIELD_MESSAGES.items():
    field_class.default_error_messages = {**field_class.default_error_messages, **messages}
validate.Length.message_min = "长度至少为 {min}"
validate.Length.message_max = "长度不能超过 {max}"
validate.Length.message_all = "长度应为 {min} 至 {max}"
validate.Length.message_equal = "长度应为 {equal}"
validate.Range.message_min = "应不小于 {{min}}"
validate.Range.message_max = "应不大于 {{max}}"
validate.Range.message_all = "应在 {{min}} 至 {{max}} 之间"
validate.OneOf.default_message = "应为以下之一：{choices}"


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "不允许的字段", "type": "应为 JSON 对象"}


class Text(fields.String):
    """A string without control or format characters (PostgreSQL refuses NUL, and none belongs in a form field)."""

    rule = staticmethod(check_characters)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.rule(text)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from exc


class TypedText(Text):
    """Text that people type (names, reasons, notes): CONTRACT.md's text rule, shared with the spreadsheet import."""

    rule = staticmethod(check_typed_text)


class StrictInteger(fields.Integer):
    """An integer that refuses true/false and 1.5 instead of quietly converting them."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class PagedQuerySchema(StrictSchema):
    """Query parameters of a list endpoint: page and per_page (at most 500)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000_000, error="页码应为1至10000000"))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500, error="每页1至500条"))


def load_or_400(schema: Schema, payload, **kwargs) -> dict:
    """The loaded body, or CONTRACT.md's validation_error with every field's messages."""
    try:
        return schema.load(payload, **kwargs)
    except ValidationError as exc:
        raise validation_error(exc.normalized_messages()) from None
