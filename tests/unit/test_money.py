from decimal import Decimal

import pytest

from shared.money import format_fen, yuan_to_fen
from shared.validation import InvalidValue

BAD_FORMAT = "金额格式不正确"
TOO_PRECISE = "金额最多保留两位小数"
TOO_LARGE = "金额数值过大"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("4352", 435200),
        ("4352.5", 435250),
        ("4352.50", 435250),
        ("4,352.50", 435250),
        ("1,234,567.89", 123456789),
        (" 1314 ", 131400),
        ("0.01", 1),
        ("0", 0),
        ("007", 700),
        ("4352.500", 435250),
        ("-12.3", -1230),
        ("-1,000", -100000),
        (4352, 435200),
        (-5, -500),
        (0, 0),
        (Decimal("4352.5"), 435250),
        (Decimal("0.10"), 10),
        (Decimal("1E+3"), 100000),
        (Decimal("-0.01"), -1),
        (0.1, 10),
        (4352.55, 435255),
        (1314.0, 131400),
        (-0.3, -30),
    ],
)
def test_yuan_to_fen_converts(value, expected):
    fen = yuan_to_fen(value)
    assert fen == expected
    assert type(fen) is int


@pytest.mark.parametrize(
    "value, message",
    [
        ("", BAD_FORMAT),
        ("   ", BAD_FORMAT),
        ("abc", BAD_FORMAT),
        ("4352元", BAD_FORMAT),
        ("¥4352", BAD_FORMAT),
        ("43,52", BAD_FORMAT),
        ("4,3520", BAD_FORMAT),
        (",4352", BAD_FORMAT),
        ("4352.", BAD_FORMAT),
        (".5", BAD_FORMAT),
        ("+5", BAD_FORMAT),
        ("1e5", BAD_FORMAT),
        ("1_000", BAD_FORMAT),
        ("４352", BAD_FORMAT),  # full-width digit
        ("NaN", BAD_FORMAT),
        ("Infinity", BAD_FORMAT),
        (float("nan"), BAD_FORMAT),
        (float("inf"), BAD_FORMAT),
        (Decimal("NaN"), BAD_FORMAT),
        (Decimal("-Infinity"), BAD_FORMAT),
        (True, BAD_FORMAT),
        (None, BAD_FORMAT),
        ([100], BAD_FORMAT),
        ("4352.505", TOO_PRECISE),
        ("0.001", TOO_PRECISE),
        (Decimal("1.005"), TOO_PRECISE),
        (0.1 + 0.2, TOO_PRECISE),
        (1e-05, TOO_PRECISE),
        (Decimal("1E+30"), TOO_LARGE),
        (1e300, TOO_LARGE),
        ("9" * 40, TOO_LARGE),
    ],
)
def test_yuan_to_fen_rejects(value, message):
    with pytest.raises(InvalidValue) as excinfo:
        yuan_to_fen(value)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    "fen, expected",
    [
        (300000, "¥3,000.00"),
        (435250, "¥4,352.50"),
        (123456789, "¥1,234,567.89"),
        (5, "¥0.05"),
        (0, "¥0.00"),
        (-1230, "-¥12.30"),
        (-1, "-¥0.01"),
    ],
)
def test_format_fen(fen, expected):
    assert format_fen(fen) == expected


@pytest.mark.parametrize("fen", [12.3, Decimal("1230"), "1230", True])
def test_format_fen_refuses_non_integers(fen):
    with pytest.raises(TypeError):
        format_fen(fen)
