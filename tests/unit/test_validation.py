from datetime import date

import pytest

from shared.validation import (
    IdNumber,
    InvalidValue,
    check_characters,
    check_typed_text,
    id_check_char,
    normalize_phone,
    parse_id_number,
)

TODAY = date(2024, 6, 1)

BAD_FORMAT = "身份证号应为18位数字（最后一位可为X）"
NO_SUCH_DATE = "身份证号中的出生日期不存在"
UNREASONABLE_DATE = "身份证号中的出生日期不合理"
BAD_CHECK = "身份证号校验位错误"
BAD_PHONE = "不是有效的中国大陆手机号码"


def make_id(birth: str, region: str = "110105", sequence: str = "123") -> str:
    first17 = region + birth + sequence
    return first17 + id_check_char(first17)


FEMALE_ID = make_id("19850620", "320102", "128")  # even 17th digit


@pytest.mark.parametrize(
    "first17, expected",
    [
        ("44010619790712405", "0"),
        ("50010319900113809", "X"),
        ("11010519491231002", "X"),  # the worked example in GB 11643-1999
        ("32010219870409438", "3"),
        ("11010519900307123", "9"),
    ],
)
def test_id_check_char(first17, expected):
    assert id_check_char(first17) == expected


@pytest.mark.parametrize(
    "first17", ["4401061979071240", "440106197907124050", "4401061979071240a", "４４010619790712405"]
)
def test_id_check_char_rejects_anything_but_17_ascii_digits(first17):
    with pytest.raises(ValueError):
        id_check_char(first17)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("440106197907124050", IdNumber("440106197907124050", date(1979, 7, 12), "male", "440106")),
        ("50010319900113809X", IdNumber("50010319900113809X", date(1990, 1, 13), "male", "500103")),
        ("50010319900113809x", IdNumber("50010319900113809X", date(1990, 1, 13), "male", "500103")),
        (" 440106197907124050\n", IdNumber("440106197907124050", date(1979, 7, 12), "male", "440106")),
        (FEMALE_ID, IdNumber(FEMALE_ID, date(1985, 6, 20), "female", "320102")),
        (make_id("20000229"), IdNumber(make_id("20000229"), date(2000, 2, 29), "male", "110105")),
        (make_id("19000101"), IdNumber(make_id("19000101"), date(1900, 1, 1), "male", "110105")),
        (make_id("20240601"), IdNumber(make_id("20240601"), date(2024, 6, 1), "male", "110105")),
    ],
)
def test_parse_id_number_accepts_valid_numbers(raw, expected):
    assert parse_id_number(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", BAD_FORMAT),
        ("44010619790712405", BAD_FORMAT),
        ("4401061979071240500", BAD_FORMAT),
        ("44010619790712405Y", BAD_FORMAT),
        ("4401061979071240X0", BAD_FORMAT),
        ("440106 97907124050", BAD_FORMAT),
        ("４40106197907124050", BAD_FORMAT),  # full-width digit
        ("110105199913321233", NO_SUCH_DATE),
        (make_id("19991332"), NO_SUCH_DATE),
        (make_id("20230230"), NO_SUCH_DATE),
        (make_id("19900431"), NO_SUCH_DATE),
        (make_id("19900001"), NO_SUCH_DATE),
        (make_id("19900100"), NO_SUCH_DATE),
        (make_id("20230229"), NO_SUCH_DATE),  # 2023 is not a leap year
        (make_id("19000229"), NO_SUCH_DATE),  # nor is 1900: centuries must divide by 400
        (make_id("00000101"), NO_SUCH_DATE),
        (make_id("18991231"), UNREASONABLE_DATE),
        (make_id("20240602"), UNREASONABLE_DATE),
        (make_id("20990101"), UNREASONABLE_DATE),
        ("320102198704094380", BAD_CHECK),
        ("440106197907124051", BAD_CHECK),
        ("500103199001138090", BAD_CHECK),
    ],
)
def test_parse_id_number_rejects_invalid_numbers(raw, message):
    with pytest.raises(InvalidValue) as excinfo:
        parse_id_number(raw, today=TODAY)
    assert str(excinfo.value) == message


def test_parse_id_number_defaults_today_to_the_current_date():
    # Two days ahead, so the test holds even if it runs across midnight.
    soon = date.fromordinal(date.today().toordinal() + 2)
    with pytest.raises(InvalidValue, match=UNREASONABLE_DATE):
        parse_id_number(make_id(soon.strftime("%Y%m%d")))


def test_invalid_value_is_a_value_error():
    assert issubclass(InvalidValue, ValueError)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        " 13800138000 ",
        "138 0013 8000",
        "138-0013-8000",
        "+8613800138000",
        "+86 138-0013-8000",
        "+86-13800138000",
        "8613800138000",
        "0086 13800138000",
    ],
)
def test_normalize_phone_accepts_formatted_numbers(raw):
    assert normalize_phone(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["13012345678", "19912345678", "15900000000"])
def test_normalize_phone_accepts_every_mobile_prefix(raw):
    assert normalize_phone(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1234567890",
        "12345678901",
        "10012345678",
        "1380013800",
        "138001380001",
        "+8612345678901",
        "+85213800138000",
        "861380013800",
        "1380013800a",
        "１3800138000",  # full-width digit
        "(+86)13800138000",
        "13800138000\n1",
    ],
)
def test_normalize_phone_rejects_invalid_numbers(raw):
    with pytest.raises(InvalidValue) as excinfo:
        normalize_phone(raw)
    assert str(excinfo.value) == BAD_PHONE


# --- text that people type (CONTRACT.md "Auth and roles") ---------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("王\n芳", "不能包含换行符"),
        ("市环卫处\r\n东区", "不能包含换行符"),
        ("王\u2028芳", "不能包含换行符"),
        ("王\t芳", "不能包含制表符（Tab）"),
        ("王\x00芳", "不能包含控制字符（U+0000）"),
        ("\x1b[31m王芳", "不能包含控制字符（U+001B）"),
        ("王\x7f芳", "不能包含控制字符（U+007F）"),
        ("王芳\u202e", "不能包含改变文字方向的隐藏字符（U+202E）"),
        ("\u2066王芳", "不能包含改变文字方向的隐藏字符（U+2066）"),
        ("王\u200b芳", "不能包含零宽字符等看不见的格式字符（U+200B）"),
        ("王\ufeff芳", "不能包含零宽字符等看不见的格式字符（U+FEFF）"),
    ],
)
def test_typed_text_with_control_or_format_characters_is_refused_naming_them(text, message):
    with pytest.raises(InvalidValue) as error:
        check_typed_text(text)
    assert str(error.value) == message
    with pytest.raises(InvalidValue):
        check_characters(text)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x.example/a","点击")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", " =1+1", "\u3000@x"]
)
def test_typed_text_that_a_spreadsheet_would_run_as_a_formula_is_refused(text):
    with pytest.raises(InvalidValue) as error:
        check_typed_text(text)
    assert str(error.value) == f"不能以“{text.strip()[0]}”开头（表格软件会把它当作公式执行），请去掉或改写开头的符号"
    assert check_characters(text) == text  # only typed text has the rule on its first character


@pytest.mark.parametrize(
    "text",
    ["王芳", "阿依古丽·买买提", "O'Brien", "张　三", "李-四", "a=b", "市总工会@直属", "材料（附件）齐全。", "1+1"],
)
def test_ordinary_typed_text_passes_unchanged(text):
    assert check_typed_text(text) is text
