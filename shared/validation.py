"""Validation of user-supplied data: text that people type, resident ID numbers and mobile phones."""

import re
import unicodedata
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

# Unicode categories that no typed text needs: controls (line breaks, tabs, escapes), invisible format
# characters (U+202E turns text around on screen, zero-width spaces hide inside names), line/paragraph separators.
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp"))
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd|..., @SUM(...)).
FORMULA_STARTS = ("=", "+", "-", "@")
_NOT_PLAIN_FIRST = frozenset("=+-@ ")

_PHONE_PREFIXES = ("+86", "0086", "86")
_PHONE = re.compile(r"1[3-9][0-9]{9}")


def check_characters(text: str) -> str:
    """Return `text` unless it holds a control or format character (Unicode Cc, Cf, Zl, Zp)."""
    if text.isprintable():  # the usual case, and the fast one: printable text holds none of them
        return text
    for char in text:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES:
            raise InvalidValue(_hidden_character_message(char))
    return text  # not printable only for spaces such as U+3000, which are allowed


def _hidden_character_message(char: str) -> str:
    if char in _LINE_BREAKS:
        return "不能包含换行符"
    if char == "\t":
        return "不能包含制表符（Tab）"
    if char in _BIDI_CONTROLS:
        return f"不能包含改变文字方向的隐藏字符（U+{ord(char):04X}）"
    if unicodedata.category(char) == "Cf":
        return f"不能包含零宽字符等看不见的格式字符（U+{ord(char):04X}）"
    return f"不能包含控制字符（U+{ord(char):04X}）"


def check_typed_text(text: str) -> str:
    """Return text that people type (names, employer, reasons, notes, bank names) unless it hides something.

    Refused: control and format characters (check_characters), and a first character that makes a
    spreadsheet run the cell as a formula. The API schemas and the spreadsheet import both use this rule.
    """
    if text.isprintable() and text[:1] not in _NOT_PLAIN_FIRST:  # the usual case, checked row after row in imports
        return text
    check_characters(text)
    if text.lstrip().startswith(FORMULA_STARTS):
        raise InvalidValue(f"不能以“{text.lstrip()[0]}”开头（表格软件会把它当作公式执行），请去掉或改写开头的符号")
    return text


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
    if len(number) != 18 or not (first17.isascii() and first17.isdigit()) or number[17] not in "0123456789Xx":
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
                phone = phone[len(prefix) :]
                break
    if not _PHONE.fullmatch(phone):
        raise InvalidValue("不是有效的中国大陆手机号码")
    return phone
