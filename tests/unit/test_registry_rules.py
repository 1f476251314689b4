"""The registry's field rules and the sheet-row conversion, without a broker or a database."""

from datetime import date

import pytest

from services.registry import rules
from services.registry.schemas import WorkerFieldsSchema
from services.registry.sheet_rows import row_to_data
from services.registry.spreadsheet import RowWithNumberCells
from shared.validation import InvalidValue

TODAY = date(2026, 11, 25)
GOOD_ROW = {
    "name": "李秀",
    "id_number": "440106197907124050",
    "phone": "133 9265 5486",
    "employer": "市第一纺织厂",
    "union": "建设工会",
    "hardship_category": "深度困难",
    "reasons": "因病、子女教育",
    "household_size": "3",
    "household_monthly_income": "4352.5",
    "bank_name": "中国工商银行",
    "bank_account": "6222 0786 5123 7160 091",
    "filed_on": "2025/04/03",
}


def test_a_good_row_becomes_worker_data_in_the_api_shape():
    data, errors = row_to_data(GOOD_ROW, TODAY)

    assert errors == {}
    assert data["identity"].birth_date == date(1979, 7, 12)
    del data["identity"]
    assert data == {
        "name": "李秀",
        "id_number": "440106197907124050",
        "phone": "13392655486",
        "employer": "市第一纺织厂",
        "union": "建设工会",
        "category": "deep",
        "reasons": ["illness", "education"],
        "household_size": 3,
        "household_monthly_income_fen": 435250,
        "bank": {"name": "中国工商银行", "account": "6222078651237160091"},
        "family": [],
        "filed_on": date(2025, 4, 3),
    }


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "  ", "姓名不能为空"),
        ("id_number", "320102198704094380", "身份证号校验位错误"),
        ("id_number", "110105199913321233", "身份证号中的出生日期不存在"),
        ("phone", "1234567890", "不是有效的中国大陆手机号码"),
        ("hardship_category", "很困难", "困难类别应为 深度困难(deep)、相对困难(relative) 或 意外致困(accident)"),
        ("reasons", "因穷", "未知的致困原因：因穷"),
        ("reasons", "因病、因病", "致困原因不能重复"),
        ("reasons", "", "致困原因应有1至4项，主要原因在前"),
        ("household_size", "0", "家庭人口至少为1人"),
        ("household_size", "2.5", "应为整数"),
        ("household_size", "三", "应为整数"),
        ("household_monthly_income", "-300", "家庭月收入不能为负数"),
        ("household_monthly_income", "12.345", "金额最多保留两位小数"),
        ("bank_account", "62220786", "银行卡号应为12至19位数字"),
        ("bank_account", "６２２２０７８６５１２３７１６００９１", "银行卡号应为半角数字0-9，请不要用全角数字"),
        (
            "name",
            '=HYPERLINK("http://x.example","王芳")',
            "不能以“=”开头（表格软件会把它当作公式执行），请去掉或改写开头的符号",
        ),
        ("employer", "市环卫处\u202e", "不能包含改变文字方向的隐藏字符（U+202E）"),
        ("union", "@交通工会", "不能以“@”开头（表格软件会把它当作公式执行），请去掉或改写开头的符号"),
        ("bank_name", "中国\u200b银行", "不能包含零宽字符等看不见的格式字符（U+200B）"),
        ("name", "王\n芳", "不能包含换行符"),
        ("filed_on", "2025-13-01", "建档日期应为 YYYY-MM-DD 格式"),
        ("filed_on", "2027-01-01", "建档日期不能晚于今天"),
    ],
)
def test_each_bad_cell_is_reported_on_its_own_column(field, value, message):
    data, errors = row_to_data({**GOOD_ROW, field: value}, TODAY)

    assert errors == {field: message}


def test_every_bad_cell_of_a_row_is_reported():
    _data, errors = row_to_data({**GOOD_ROW, "name": "", "phone": "1"}, TODAY)

    assert set(errors) == {"name", "phone"}


def test_an_empty_filing_date_means_today():
    data, errors = row_to_data({**GOOD_ROW, "filed_on": ""}, TODAY)

    assert errors == {} and data["filed_on"] == TODAY


@pytest.mark.parametrize(
    "filed_on, due",
    [
        (date(2025, 4, 3), date(2026, 4, 3)),
        (date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_the_yearly_review_falls_a_year_after_filing(filed_on, due):
    assert rules.review_due_on(filed_on) == due


def test_per_capita_income_is_rounded_down_to_the_fen():
    assert rules.per_capita_income_fen(100_000, 3) == 33_333


@pytest.mark.parametrize(
    "check, value",
    [
        (rules.check_household_size, rules.MAX_HOUSEHOLD_SIZE + 1),
        (rules.check_monthly_income_fen, rules.MAX_MONTHLY_INCOME_FEN + 1),
        (lambda value: rules.check_text(value, "工作单位"), "厂" * 101),
        (rules.check_name, "名" * 51),
    ],
)
def test_values_beyond_any_real_household_are_refused(check, value):
    with pytest.raises(InvalidValue):
        check(value)


def test_category_accepts_the_code_or_the_chinese_label():
    assert [rules.check_category(value) for value in ("relative", "相对困难", " 意外致困 ")] == [
        "relative",
        "relative",
        "accident",
    ]


def test_the_api_and_the_import_refuse_the_same_text_and_full_width_accounts():
    body = {
        "name": "-王芳",
        "employer": "市环卫处\u200b",
        "bank": {"name": "=中国银行", "account": "６２２２０２０２０００１２３４５"},
    }
    errors = WorkerFieldsSchema(partial=True).validate(body)
    _data, row_errors = row_to_data(
        {
            **GOOD_ROW,
            "name": body["name"],
            "employer": body["employer"],
            "bank_name": body["bank"]["name"],
            "bank_account": body["bank"]["account"],
        },
        TODAY,
    )

    assert errors == {
        "name": [row_errors["name"]],
        "employer": [row_errors["employer"]],
        "bank": {"name": [row_errors["bank_name"]], "account": [row_errors["bank_account"]]},
    }


NUMBER_CELL = (
    "单元格是数字格式：Excel 只保留15位有效数字，长号码存成数字后末几位变成了0。请将{}列设置为文本后重新填写这些号码"
)


@pytest.mark.parametrize(
    "field, column, value",
    [
        ("id_number", "身份证号", "440106197907128000"),  # passes the checksum: only the cell type tells
        ("id_number", "身份证号", "4.40106197907124E+17"),  # the same cell saved as CSV
        ("bank_account", "银行卡号", "6222078651237160000"),
        ("bank_account", "银行卡号", "6.22207865123716E+18"),
        ("phone", "手机号码", "13392655486"),
        ("phone", "手机号码", "1.33927E+10"),
    ],
)
def test_a_number_cell_in_a_column_of_long_numbers_is_refused_with_its_cause_and_fix(field, column, value):
    cells = {**GOOD_ROW, field: value}
    if "E+" not in value:  # an XLSX number cell, as the reader marks it
        cells = RowWithNumberCells(cells, (field,))
    assert row_to_data(cells, TODAY)[1] == {field: NUMBER_CELL.format(column)}
