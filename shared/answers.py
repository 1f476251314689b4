"""Marshmallow schemas of what the services answer: one schema both produces an answer (`dump`, in the service that
owns the data) and describes it in the API's OpenAPI document (services/gateway/openapi.py).

Fields are declared as they are documented: `required(...)` is always present, `optional(...)` always present and
may be null; a plain field is present only when the dumped data holds it (`birth_date` of a revealed worker).
"""

from collections.abc import Mapping

from marshmallow import EXCLUDE, Schema, fields, validate

Str = fields.String
Int = fields.Integer
Bool = fields.Boolean


class Moment(fields.DateTime):
    """A timestamp in ISO 8601 with its offset: a datetime is formatted, a text already formatted is kept."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is None or isinstance(value, str) else value.isoformat()


class Day(fields.Date):
    """A date as YYYY-MM-DD: a date is formatted, a text already formatted is kept."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is None or isinstance(value, str) else value.isoformat()


def required(field_class, *args, **kwargs):
    return field_class(*args, required=True, **kwargs)


def optional(field_class, *args, **kwargs):
    """A field that is always present but may be null."""
    return field_class(*args, required=True, allow_none=True, **kwargs)


def one_of(choices) -> Str:
    return Str(required=True, validate=validate.OneOf(choices))


def listed(schema) -> fields.List:
    return fields.List(fields.Nested(schema), required=True)


class Shown:
    """A row, object or dict with values worked out for the answer laid over it: `Shown(row, name=mask_name(...))`."""

    __slots__ = ("base", "values")

    def __init__(self, base, **values):
        self.base = base
        self.values = values


class Answer(Schema):
    """An answer, dumped from a database row, an object, a dict or a Shown; a field's `attribute` names the column
    it comes from when that is named apart. For the document, an answer may hold more than it lists (EXCLUDE)."""

    class Meta:
        unknown = EXCLUDE

    def get_attribute(self, obj, attr, default):
        if isinstance(obj, Shown):
            if attr in obj.values:
                return obj.values[attr]
            obj = obj.base
        if isinstance(obj, Mapping):
            return obj.get(attr, default)
        return getattr(obj, attr, default)


class PageSchema(Answer):
    """The frame of every list answer; a subclass names its items."""

    total = required(Int)
    page = required(Int)
    per_page = required(Int)


class StatusChangeViewSchema(Answer):
    """One change of a record's status (a worker's file, an application)."""

    from_ = optional(Str, data_key="from", attribute="from")
    to = required(Str)
    at = required(Moment)
    actor = optional(Str)
    reason = optional(Str)


def page_of(schema: Schema, items, total: int, page: int, per_page: int) -> dict:
    """A list answer: each item dumped by the schema of the page's `items`."""
    return {"items": schema.dump(items, many=True), "total": total, "page": page, "per_page": per_page}
