"""One registry sheet row checked with the same rule functions as the API, and made into a worker row.

Plain functions on plain data, importing nothing heavy: checked_rows.py runs them in a second process too.
"""

import functools
import re
from datetime import date
from typing import Any

from services.registry import rules, workers
from services.registry.spreadsheet import HEADER_BY_FIELD, TEXT_ONLY_FIELDS, RowWithNumberCells, SkippedLine
from shared.money import yuan_to_fen
from shared.validation import InvalidValue, normalize_phone, parse_id_number

REASON_SEPARATORS = str.maketrans({sep: "," for sep in "、，;；/ "})
# How Excel saves a number cell of 16 digits or more as CSV: 6.22207865123716E+18
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?[Ee]\+[0-9]+")
NUMBER_CELL = (
    "单元格是数字格式：Excel 只保留15位有效数字，长号码存成数字后末几位变成了0。"
    "请将{column}列设置为文本后重新填写这些号码"
)
NUMBER_CELL_BY_FIELD = {field: NUMBER_CELL.format(column=HEADER_BY_FIELD[field]) for field in TEXT_ONLY_FIELDS}


def _integer(text: str) -> int:
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        raise InvalidValue("应为整数") from None
    if number != int(number):
        raise InvalidValue("应为整数")
    return int(number)


def _date(text: str, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text.replace("/", "-").replace(".", "-")[:10])
    except ValueError:
        raise InvalidValue("建档日期应为 YYYY-MM-DD 格式") from None


@functools.lru_cache(maxsize=4096)  # a sheet repeats the same few combinations of reasons row after row
def _reasons(text: str) -> tuple[str, ...]:
    return tuple(rules.check_reasons([part for part in text.translate(REASON_SEPARATORS).split(",") if part]))


# (sheet column, field of the worker data, check taking the cell text and the import's date)
SHEET_RULES = (
    ("name", "name", lambda text, today: rules.check_name(text)),
    ("id_number", "identity", parse_id_number),
    ("phone", "phone", lambda text, today: normalize_phone(text)),
    ("employer", "employer", lambda text, today: rules.check_text(text, "工作单位")),
    ("union", "union", lambda text, today: rules.check_text(text, "所属工会")),
    ("hardship_category", "category", lambda text, today: rules.check_category(text)),
    ("reasons", "reasons", lambda text, today: list(_reasons(text))),
    ("household_size", "household_size", lambda text, today: rules.check_household_size(_integer(text))),
    (
        "household_monthly_income",
        "household_monthly_income_fen",
        lambda text, today: rules.check_monthly_income_fen(yuan_to_fen(text)),
    ),
    ("bank_name", "bank_name", lambda text, today: rules.check_text(text, "开户银行", 50)),
    ("bank_account", "bank_account", lambda text, today: rules.check_bank_account(text)),
    ("filed_on", "filed_on", lambda text, today: rules.check_filed_on(_date(text, today), today)),
)


def row_to_data(cells: dict, today: date) -> tuple[dict, dict]:
    """One sheet row → (worker data in the API's shape plus its decoded `identity`, {sheet field: message})."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for sheet_field, target, check in SHEET_RULES:
        try:
            data[target] = check(cells[sheet_field], today)
        except InvalidValue as exc:
            errors[sheet_field] = str(exc)
    if errors:  # a number cell saved as CSV shows as 6.22207865123716E+18, which never passes
        for field in TEXT_ONLY_FIELDS:
            if field in errors and _SCIENTIFIC.fullmatch(cells[field]):
                errors[field] = NUMBER_CELL_BY_FIELD[field]
    if cells.__class__ is RowWithNumberCells:  # an XLSX number cell, refused even when what is left of it looks valid
        errors.update((field, NUMBER_CELL_BY_FIELD[field]) for field in cells.number_fields)
    if not errors:
        data["id_number"] = data["identity"].number
        data["bank"] = {"name": data.pop("bank_name"), "account": data.pop("bank_account")}
        data["family"] = []
    return data, errors


def check_row(vault, row_number: int, cells: dict | SkippedLine, today: date) -> tuple:
    """(row number, keyed hash of the ID number, the new worker row but for its id and times) for a valid row,
    (row number, None, {sheet field: message}) for one that is not, (row number, None, SkippedLine) for a line
    that is not a worker. Plain data: it can come from another process."""
    if isinstance(cells, SkippedLine):
        return row_number, None, cells
    data, errors = row_to_data(cells, today)
    if errors:
        return row_number, None, errors
    id_hash = vault.lookup_hash(data["id_number"])
    return row_number, id_hash, workers.new_row(vault, data, data["identity"], None, id_hash, None)
