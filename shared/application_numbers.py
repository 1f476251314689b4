"""The short number (编号) a worker is given for an application: in every SMS, and at the public status lookup."""

import re
import unicodedata

SHORT_NUMBER_LENGTH = 6
_SHORT_NUMBER = re.compile(rf"[0-9A-F]{{{SHORT_NUMBER_LENGTH}}}")


def short_number(application_id: str) -> str:
    """The last 6 characters of an application id, upper-cased: enough to tell a worker's applications apart."""
    return application_id[-SHORT_NUMBER_LENGTH:].upper()


def as_typed(text: str) -> str:
    """What a worker typed, as plain upper-case ASCII where it can be: a Chinese input method gives full-width
    letters and digits (８７２６７Ｄ)."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def as_short_number(text: str) -> str | None:
    """What a worker typed as a 编号, upper-cased (any case, full-width too, is accepted), or None when it is not one."""
    number = as_typed(text)
    return number if _SHORT_NUMBER.fullmatch(number) else None
