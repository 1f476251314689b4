"""Marshmallow schemas of what the services answer: one schema both produces an answer (`dump`, in the service that
owns the data) and describes it in the API's OpenAPI document (services/gateway/openapi.py).

Fields are declared as they are documented: `required(...)` is always present, `optional(...)` always present and
may be null; a plain field is present only when the dumped data holds it (`birth_date` of a revealed worker).

Lists of 500 answers and the hot paths (filing, approving) are dumped too, so an Answer dumps the field kinds used
here through a plan made once per schema (`_fast`), to the same result as marshmallow's own dump; any other field
(Method, Function, a field with a dump_default) goes through marshmallow's field.serialize.
"""

from collections.abc import Callable, Mapping

from marshmallow import EXCLUDE, Schema, fields, missing, validate

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._plan: list[tuple] | None = None

    def get_attribute(self, obj, attr, default):
        values, base = (obj.values, obj.base) if type(obj) is Shown else (NOTHING_SHOWN, obj)
        if attr in values:
            return values[attr]
        return base.get(attr, default) if isinstance(base, Mapping) else getattr(base, attr, default)

    def _serialize(self, obj, *, many: bool = False):
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if self._plan is None:
            self._plan = [
                (name, field.data_key or name, field.attribute or name, field, *_fast(field))
                for name, field in self.dump_fields.items()
            ]
        values, base = (obj.values, obj.base) if type(obj) is Shown else (NOTHING_SHOWN, obj)
        mapping = isinstance(base, Mapping)
        answer = {}
        for name, key, attribute, field, kind, convert in self._plan:
            if convert is None:  # marshmallow's own way
                value = field.serialize(name, obj, accessor=self.get_attribute)
                if value is not missing:
                    answer[key] = value
                continue
            if attribute in values:
                value = values[attribute]
            else:
                value = base.get(attribute, missing) if mapping else getattr(base, attribute, missing)
                if value is missing:
                    continue
            if value is not None and type(value) is not kind:
                value = convert(value)
            answer[key] = value
        return answer


class PageSchema(Answer):
    """The frame of every list answer, dumped whole (page_of); a subclass names the schema of its items. `items` is
    declared here too so that it comes first in the answer, as it always has."""

    items = fields.List(fields.Raw(), required=True)
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


def page_of(schema: PageSchema, items, total: int, page: int, per_page: int) -> dict:
    """A list answer, dumped whole by the page schema that documents it: `items` as the schema of its items takes
    each (a row, an object, a dict or a Shown), not yet dumped."""
    return schema.dump({"items": items, "total": total, "page": page, "per_page": per_page})


NOTHING_SHOWN: dict = {}


def _iso(value):
    return value if isinstance(value, str) else value.isoformat()


def _nested(field: fields.Nested) -> Callable | None:
    schema, many = field.schema, field.many
    if not isinstance(schema, Answer):
        return None
    return lambda value: schema.dump(value, many=many or schema.many)


def _listed(field: fields.List) -> Callable | None:
    kind, inner = _fast(field.inner)
    if inner is None:
        return None
    return lambda value: [item if item is None or type(item) is kind else inner(item) for item in value]


def _mapping(field: fields.Dict) -> Callable | None:
    if field.key_field is None and field.value_field is None:
        return dict
    key_kind, key = _fast(field.key_field) if field.key_field else (object, _same)
    value_kind, value_of = _fast(field.value_field) if field.value_field else (object, _same)
    if key is None or value_of is None:
        return None
    return lambda value: {
        (k if type(k) is key_kind else key(k)): (v if v is None or type(v) is value_kind else value_of(v))
        for k, v in value.items()
    }


def _same(value):
    return value


class _Never:
    """No value is of this type: every value not None is converted."""


def _fast(field: fields.Field) -> tuple[type, Callable | None]:
    """How the field turns a value it is given into the answer's, made once: a value of the type is kept as it is
    (so is None), any other is converted; None to leave the field to marshmallow's own field.serialize."""
    if not field._CHECK_ATTRIBUTE or field.dump_default is not missing:
        return _Never, None
    if type(field) in (Moment, Day):
        return _Never, _iso
    kept = {fields.String: str, fields.Boolean: bool, fields.Integer: int}.get(type(field))
    if kept and not getattr(field, "as_string", False):
        return kept, lambda value: field._serialize(value, None, None)
    if type(field) is fields.Nested:
        return _Never, _nested(field)
    if type(field) is fields.List:
        return _Never, _listed(field)
    if type(field) is fields.Dict:
        return _Never, _mapping(field)
    return _Never, None
