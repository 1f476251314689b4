"""The short number (编号) a worker is given for an application: in every SMS, and at the public status lookup."""
import re

SHORT_NUMBER_LENGTH = 6
_SHORT_NUMBER = re.compile(rf"[0-9A-F]{{{SHORT_NUMBER_LENGTH}}}")


def short_number(application_id: str) -> str:
    """The last 6 characters of an application id, upper-cased: enough to tell a worker's applications apart."""
    return application_id[-SHORT_NUMBER_LENGTH:].upper()


def as_short_number(text: str) -> str | None:
    """What a worker typed as a 编号, upper-cased (any case is accepted), or None when it is not one."""
    number = text.strip().upper()
    return number if _SHORT_NUMBER.fullmatch(number) else None
