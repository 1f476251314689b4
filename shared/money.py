"""Money is held as integer fen (分); these convert to and from yuan amounts."""

import re
from decimal import Decimal, InvalidOperation

from shared.validation import InvalidValue

_YUAN = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_CENT = Decimal("0.01")


def yuan_to_fen(value: str | int | Decimal | float) -> int:
    """Convert a yuan amount to integer fen: '4,352.50' -> 435250.

    Strings may have thousands separators and surrounding whitespace; floats are
    taken by their shortest repr, so 0.1 is 10 fen. Amounts finer than one fen,
    NaN, infinities and anything else raise InvalidValue. Negatives stay negative.
    """
    if isinstance(value, bool):
        raise InvalidValue("金额格式不正确")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, str):
        text = value.strip()
        # whole yuan, as most sheets hold them; a longer number takes the path that can call it too large
        if len(text) <= 15 and text.isdigit() and text.isascii():
            return int(text) * 100
        if not _YUAN.fullmatch(text):
            raise InvalidValue("金额格式不正确")
        amount = Decimal(text.replace(",", ""))
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, Decimal):
        amount = value
    else:
        raise InvalidValue("金额格式不正确")

    if not amount.is_finite():
        raise InvalidValue("金额格式不正确")
    try:
        rounded = amount.quantize(_CENT)
    except InvalidOperation:
        raise InvalidValue("金额数值过大") from None
    if rounded != amount:
        raise InvalidValue("金额最多保留两位小数")
    return int(rounded.scaleb(2))


def format_fen(fen: int) -> str:
    """300000 -> '¥3,000.00', -1230 -> '-¥12.30'."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be an int, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
