"""The one masking rule for personal data shown in UIs, exports and logs."""

import logging
import re
from datetime import date
from typing import TypeVar

from shared.validation import InvalidValue, normalize_phone

# A number or its absence: a masked number for a number, None for None.
MaybeText = TypeVar("MaybeText", str, None)


def _keep_last4(value: str) -> str:
    # Values of 4 characters or fewer are masked entirely rather than shown whole.
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_name(name: str | None) -> str | None:
    """'王刚' -> '王*', '张小明' -> '张*明', '欧阳丽娜' -> '欧**娜'."""
    if not name or len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: MaybeText) -> MaybeText:
    """'110105199003071234' -> '110105********1234'; other lengths keep only the last 4."""
    if not number:
        return number
    if len(number) == 18:
        return number[:6] + "********" + number[-4:]
    return _keep_last4(number)


def mask_phone(phone: MaybeText) -> MaybeText:
    """'+86 138-0013-8000' -> '138****8000'; anything else keeps only the last 4."""
    if not phone:
        return phone
    try:
        digits = normalize_phone(phone)
    except InvalidValue:
        return _keep_last4(phone)
    return digits[:3] + "****" + digits[-4:]


def mask_bank_account(account: MaybeText) -> MaybeText:
    """'6222078651237160091' -> '****0091'; the length is deliberately not revealed."""
    if not account:
        return account
    if len(account) <= 4:
        return "****"
    return "****" + account[-4:]


def birth_fields(birth_date: date, reveal: bool) -> dict:
    """The birth date and year, for a revealed view only: the 8 digits a masked ID number stars out are
    the birth date, so a masked view carries no part of it (nor anything derived from it, like an age)."""
    if not reveal:
        return {}
    return {"birth_date": birth_date.isoformat(), "birth_year": birth_date.year}


# Digit runs are matched whole: a neighbouring ASCII letter or digit means the run is
# part of something longer, and a hex digit plus hyphen before it means the last group
# of a UUID. Chinese characters do count as boundaries: '手机13800138000' is masked.
_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9A-Fa-f]-)"
    r"(?:(?P<id>[0-9]{17}[0-9Xx])|(?P<phone>(?:\+86[ -]?)?1[3-9][0-9]{9})|(?P<card>[0-9]{12,19}))"
    r"(?![0-9A-Za-z])"
)
_TRACEBACK_FORMATTER = logging.Formatter()


def scrub(text: str) -> str:
    """Mask every ID number, mobile number and bank card number found in free text."""
    return _SENSITIVE.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    """A number _SENSITIVE found, masked by the rule for its kind (its alternatives are exclusive)."""
    if match["id"]:
        return mask_id_number(match["id"])
    if match["phone"]:
        return mask_phone(match["phone"])
    return mask_bank_account(match["card"])


class MaskingLogFilter(logging.Filter):
    """Masks personal numbers in a record's message, traceback and stack info."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # Bad format arguments: leave the record for the handler to report.
            return True
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse a cached exc_text, so filling it here puts the masked
            # traceback in the output (database errors often echo the offending row).
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install_log_masking() -> None:
    """Attach a MaskingLogFilter to every handler currently on the root logger.

    Filtering at the handlers (not the logger) catches records propagated from
    every named logger. Call it after logging is configured: handlers added
    later are not covered. Calling it again does not add a second filter.
    """
    log_filter = MaskingLogFilter()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingLogFilter) for f in handler.filters):
            handler.addFilter(log_filter)
