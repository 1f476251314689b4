"""From posted forms to the same RPC payloads the API takes, and from ServiceErrors back to messages by field."""

from services.gateway.backends import Backend
from shared.errors import ServiceError, validation_error
from shared.money import yuan_to_fen
from shared.validation import InvalidValue

DICT_ENTRY_PARTS = {"key", "value"}  # what marshmallow's Dict field says is wrong with one of its entries


def field_messages(error: ServiceError) -> dict[str, list[str]]:
    """The error's per-field messages keyed by dotted path (`student.name`), as the form fields are named; those of
    an entry of a dict (marshmallow's `{"deep": {"value": [...]}}` for `amounts`) keyed by the entry (`amounts.deep`)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, messages) -> None:
        if isinstance(messages, dict) and prefix and messages and set(messages) <= DICT_ENTRY_PARTS:
            for inner in messages.values():
                walk(prefix, inner)
        elif isinstance(messages, dict):
            for key, inner in messages.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat.setdefault(prefix, []).extend(messages if isinstance(messages, list) else [str(messages)])

    walk("", error.fields or {})
    return flat


def listed(backend: Backend, call: str, query: dict, scope) -> tuple[dict | None, dict[str, list[str]]]:
    """A list page's listing from its backend; or None and the messages by field when the backend refused the query
    (a bad filter or page): any other error is not the form's to show."""
    try:
        return backend.call(call, query, scope), {}
    except ServiceError as error:
        if error.code != "validation_error":
            raise
        return None, field_messages(error)


def filled(form: dict, *names: str) -> dict:
    """The named fields that were filled in; empty ones are left out, as an API client would."""
    return {name: form[name] for name in names if form.get(name)}


def whole_number(value: str):
    """A typed number as an int; anything else goes to the service as typed, so its schema says what is wrong."""
    return int(value) if value.isdigit() else value


def fen_from_yuan(form: dict, field: str):
    """The yuan amount typed into `field` (named as the API's *_fen field) in fen; empty stays None and a
    malformed amount is a validation error on that field, as the service would report it."""
    text = form.get(field, "")
    if not text:
        return None
    try:
        return yuan_to_fen(text)
    except InvalidValue as problem:
        raise validation_error({field: [str(problem)]}) from None
