"""Every file the system writes makes a formula-looking cell inert (shared/cells.py)."""

import csv
import io

import pytest

from shared.cells import csv_file, inert


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://example.invalid","点击")',
        "+86 138",
        "-1+1",
        "@SUM(A1)",
        "张\n三",
        "李\t四",
        "王\u202e五",
        "赵\u200b六",
        "\r=1+1",
        "段\u2028落",
    ],
)
def test_formula_and_hidden_characters_get_a_leading_quote(value):
    assert inert(value) == "'" + value


@pytest.mark.parametrize(
    "value, written",
    [
        ("6222078651237160091", "6222078651237160091"),
        (3000, "3000"),
        ("3000.00", "3000.00"),
        ("李秀", "李秀"),
        ("中国工商银行", "中国工商银行"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_plain_text_digits_and_amounts_pass_unchanged(value, written):
    assert inert(value) == written


def test_a_csv_file_writes_every_cell_inert_and_keeps_the_encoding():
    content = csv_file([("姓名", "账号"), ('=HYPERLINK("x")', "6222078651237160091")], "gb18030")
    assert content.endswith(b"\r\n")
    assert list(csv.reader(io.StringIO(content.decode("gb18030")))) == [
        ["姓名", "账号"],
        ['\'=HYPERLINK("x")', "6222078651237160091"],
    ]
