"""Validation of user-supplied identity data: resident ID numbers and mobile phones."""

import re
from datetime import date
from operator import getitem
from typing import NamedTuple


class InvalidValue(ValueError):
    """A value rejected for a reason the user can fix; str(exc) is a Chinese message."""


class IdNumber(NamedTuple):
    number: str
    birth_date: date
    gender: str  # 'male' | 'female'
    region: str  # administrative division code, the first 6 digits


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# One table per position mapping a digit character to its weighted value, so the
# checksum is a single sum of lookups (about twice as fast as int() arithmetic).
_ID_WEIGHTED_DIGITS = tuple({str(d): w * d for d in range(10)} for w in _ID_WEIGHTS)
_ID_CHECK_CHARS = "10X98765432"
_MIN_BIRTH_YEAR = 1900

_PHONE_PREFIXES = ("+86", "0086", "86")
_PHONE = re.compile(r"1[3-9][0-9]{9}")


def id_check_char(first17: str) -> str:
    """Check character of a resident ID number given its first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    return _check_char(first17)


def _check_char(first17: str) -> str:
    return _ID_CHECK_CHARS[sum(map(getitem, _ID_WEIGHTED_DIGITS, first17)) % 11]


def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
    """Validate an 18-character resident ID number (GB 11643-1999) and decode it.

    `today` bounds the birth date; it defaults to the current date. Bulk imports
    should pass it once rather than look up the clock for every row.
    """
    number = raw.strip()
    first17 = number[:17]
    if (
        len(number) != 18
        or not (first17.isascii() and first17.isdigit())
        or number[17] not in "0123456789Xx"
    ):
        raise InvalidValue("身份证号应为18位数字（最后一位可为X）")
    number = number.upper()

    # The result needs a date object anyway, and its constructor is the cheapest
    # complete check of month lengths and leap years.
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidValue("身份证号中的出生日期不存在") from None
    if birth_date.year < _MIN_BIRTH_YEAR or birth_date > (today or date.today()):
        raise InvalidValue("身份证号中的出生日期不合理")

    if _check_char(first17) != number[17]:
        raise InvalidValue("身份证号校验位错误")

    gender = "male" if number[16] in "13579" else "female"
    return IdNumber(number, birth_date, gender, number[:6])


def normalize_phone(raw: str) -> str:
    """Return the bare 11-digit form of a mainland-China mobile number.

    Surrounding whitespace, inner spaces and hyphens, and a +86 / 0086 / 86
    country prefix are accepted.
    """
    phone = raw.strip().replace(" ", "").replace("-", "")
    if len(phone) > 11:
        for prefix in _PHONE_PREFIXES:
            if phone.startswith(prefix):
                phone = phone[len(prefix):]
                break
    if not _PHONE.fullmatch(phone):
        raise InvalidValue("不是有效的中国大陆手机号码")
    return phone
