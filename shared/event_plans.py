"""An event schema compiled once into a plain function that checks and parses a payload: every event on the bus goes
through one on each side, where a marshmallow load costs ten times as much (a field's full machinery per field).

A plan only ever accepts what the schema would accept, with the same result: it takes the common case of each field
kind (a str for a String, an int for a strict Integer, an ISO text for a Date through marshmallow's own parser) and
raises Unfit on anything else, so the schema itself has the last word on it and gives its message. A field of another
kind, or a schema with hooks, is loaded by marshmallow every time.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, missing, validate


class Unfit(Exception):
    """The plan does not take this payload as it is; the schema decides."""


Convert = Callable[[Any], Any]


def _same_type(kind: type) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise Unfit
        return value

    return convert


def _is_plain_date(value: str) -> bool:
    """YYYY-MM-DD, as date.isoformat() writes it."""
    return len(value) == 10 and value[4] == value[7] == "-"


def _is_plain_moment(value: str) -> bool:
    """YYYY-MM-DDTHH:MM:SS[.ffffff]±HH:MM, as an aware datetime.isoformat() writes it."""
    return (
        len(value) in (25, 32)
        and _is_plain_date(value[:10])
        and value[10] == "T"
        and value[13] == value[16] == value[-3] == ":"
        and value[-6] in "+-"
        and (len(value) == 25 or value[19] == ".")
    )


def _parsed_by(parse: Callable[[str], Any], aware: bool) -> Convert:
    """marshmallow's own parser; the text Python's isoformat() writes, which that parser reads to the same value, by
    Python's fromisoformat (written in C: a tenth of the time)."""
    plain: Callable[[str], bool] = _is_plain_moment if aware else _is_plain_date
    fast: Callable[[str], Any] = datetime.fromisoformat if aware else date.fromisoformat

    def convert(value: Any) -> Any:
        if type(value) is not str:
            raise Unfit
        try:
            parsed = fast(value) if plain(value) else parse(value)
        except (TypeError, AttributeError, ValueError):
            raise Unfit from None
        if aware and (parsed.tzinfo is None or parsed.tzinfo.utcoffset(parsed) is None):
            raise Unfit
        return parsed

    return convert


def _list_of_text(value: Any) -> Any:
    if type(value) is not list or any(type(item) is not str for item in value):
        raise Unfit
    return list(value)


def _converter(field: fields.Field) -> Convert | None:
    """The fast parse of this field's common case, or None when only marshmallow knows the field."""
    kind = type(field)
    if kind is fields.String:
        return _same_type(str)
    if isinstance(field, fields.Integer) and kind is fields.Integer and field.strict:
        return _same_type(int)
    if isinstance(field, fields.DateTime | fields.Date) and kind in (fields.Date, fields.AwareDateTime):
        parse = field.DESERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
        if parse is None or getattr(field, "default_timezone", None) is not None:
            return None
        return _parsed_by(parse, aware=kind is fields.AwareDateTime)
    if isinstance(field, fields.List) and kind is fields.List and type(field.inner) is fields.String:
        return None if field.inner.validators else _list_of_text
    return None


def _validated(convert: Convert, validators: list) -> Convert:
    if not validators:
        return convert

    def checked(value: Any) -> Any:
        parsed = convert(value)
        try:
            for validator in validators:
                validator(parsed)
        except Exception:
            raise Unfit from None
        return parsed

    return checked


def _inline_conditions(field: fields.Field, constants: dict[str, Any]) -> list[str] | None:
    """The conditions, on `v`, that make a String or strict Integer field's value Unfit, its Length, OneOf and Equal
    validators written out (the comparisons they make); None for any other field or validator."""
    kind = type(field)
    if kind is fields.String:
        conditions = ["type(v) is not str"]
    elif isinstance(field, fields.Integer) and kind is fields.Integer and field.strict:
        conditions = ["type(v) is not int"]
    else:
        return None
    for validator in field.validators:
        constant = f"k{len(constants)}"
        if type(validator) is validate.Length and kind is fields.String:
            for bound, test in ((validator.equal, "!="), (validator.min, "<"), (validator.max, ">")):
                if bound is not None:
                    conditions.append(f"len(v) {test} {int(bound)}")
        elif type(validator) is validate.OneOf:
            constants[constant] = frozenset(validator.choices)
            conditions.append(f"v not in {constant}")
        elif type(validator) is validate.Equal:
            constants[constant] = validator.comparable
            conditions.append(f"v != {constant}")
        else:
            return None
    return conditions


def compile_plan(schema: Schema) -> Callable[[Any], dict[str, Any]] | None:
    """payload → the dict schema.load would give, or Unfit; None when the schema cannot be planned (see the module).
    A key the schema does not know is left out when the schema excludes unknown keys, and makes the payload Unfit
    when it raises on them.

    The plan is written out as one function per schema, a few lines a field, as dataclasses writes its __init__: every
    event on the bus goes through one, and a loop over the fields calling a check each costs three times as much."""
    if schema.unknown not in (EXCLUDE, RAISE) or any(schema._hooks.values()):
        return None
    constants: dict[str, Any] = {"Unfit": Unfit, "MISSING": missing, "KNOWN": frozenset(schema.fields)}
    lines = ["def plan(payload):", "    if type(payload) is not dict:", "        raise Unfit"]
    if schema.unknown == RAISE:
        lines += ["    if not KNOWN.issuperset(payload):", "        raise Unfit"]
    lines += ["    get = payload.get", "    loaded = {}"]
    for name, field in schema.fields.items():
        convert = _converter(field)
        default = field.load_default
        if convert is None or field.data_key is not None or field.attribute is not None or field.load_only:
            return None
        if callable(default):
            return None
        key = repr(name)
        lines += [f"    v = get({key}, MISSING)", "    if v is MISSING:"]
        if field.required:
            lines.append("        raise Unfit")
        elif default is not missing:
            constants[f"default_{name}"] = default
            lines.append(f"        loaded[{key}] = default_{name}")
        else:
            lines.append("        pass")
        lines += ["    elif v is None:", f"        loaded[{key}] = None" if field.allow_none else "        raise Unfit"]
        conditions = _inline_conditions(field, constants)
        if conditions is not None:
            lines += [
                f"    elif {' or '.join(conditions)}:",
                "        raise Unfit",
                "    else:",
                f"        loaded[{key}] = v",
            ]
            continue
        constants[f"convert_{name}"] = _validated(convert, field.validators)
        if isinstance(field, fields.Date | fields.DateTime):
            # the last text parsed and its value, as one tuple: events written together share their dates and moments
            constants[f"last_{name}"] = [(None, None)]
            lines += [
                f"    elif type(v) is str and v == last_{name}[0][0]:",
                f"        loaded[{key}] = last_{name}[0][1]",
                "    else:",
                f"        loaded[{key}] = parsed = convert_{name}(v)",
                f"        last_{name}[0] = (v, parsed)",
            ]
        else:
            lines += ["    else:", f"        loaded[{key}] = convert_{name}(v)"]
    lines.append("    return loaded")
    exec("\n".join(lines), constants)  # (text made here from the schema's own field names and numbers)
    return constants["plan"]
