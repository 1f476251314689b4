"""Synthetic worker registries for tests, deterministic from a seed. Every person is invented.

Rows use the canonical field names of services.registry.spreadsheet and hold each value as the
text a clerk would see in the sheet.
"""

import csv
import io
import random
from datetime import date, timedelta

from openpyxl import Workbook

from services.registry.spreadsheet import FIELDS_BY_HEADER

HEADERS = tuple(FIELDS_BY_HEADER)
FIELDS = tuple(FIELDS_BY_HEADER.values())

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAME_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰"
EMPLOYERS = (
    "市第一纺织厂",
    "市环卫处",
    "市供水公司",
    "宏达机械有限公司",
    "新华书店",
    "市建工集团",
    "市公交集团",
    "华联商厦",
)
UNIONS = ("交通工会", "商贸工会", "纺织工会", "建设工会", "市总工会直属")
CATEGORIES = ("深度困难", "相对困难", "意外致困")
REASONS = ("因病", "因残", "因灾", "子女教育", "失业", "意外", "其他")
BANKS = ("中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "中国邮政储蓄银行")
REGION_CODES = ("110105", "310104", "440106", "320102", "510107")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_FIRST_BIRTH_DATE = date(1960, 1, 1)
_BIRTH_DAYS = (date(2000, 12, 31) - _FIRST_BIRTH_DATE).days + 1
_FIRST_FILING_DATE = date(2025, 1, 1)


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number."""
    return ID_CHECK_CHARS[sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS)) % 11]


def generate_workers(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    used_ids: set[str] = set()
    return [_worker(rng, used_ids) for _ in range(n)]


def _worker(rng: random.Random, used_ids: set[str]) -> dict:
    return {
        "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAME_CHARS, k=rng.randint(1, 2))),
        "id_number": _new_id_number(rng, used_ids),
        "phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
        "employer": rng.choice(EMPLOYERS),
        "union": rng.choice(UNIONS),
        "hardship_category": rng.choice(CATEGORIES),
        "reasons": rng.choice(REASONS),
        "household_size": str(rng.randint(1, 6)),
        "household_monthly_income": str(rng.randint(800, 6000)),
        "bank_name": rng.choice(BANKS),
        "bank_account": f"6222{rng.randrange(10**15):015d}",
        "filed_on": (_FIRST_FILING_DATE + timedelta(days=rng.randrange(365))).isoformat(),
    }


def _new_id_number(rng: random.Random, used_ids: set[str]) -> str:
    while True:
        birth = _FIRST_BIRTH_DATE + timedelta(days=rng.randrange(_BIRTH_DAYS))
        first17 = f"{rng.choice(REGION_CODES)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        if first17 not in used_ids:
            used_ids.add(first17)
            return first17 + id_check_char(first17)


TITLE = "XX市总工会困难职工档案登记表"
FOOTER = (
    ("合计", "", "", "", "", "", "", "", "", "", "", ""),
    ("填表人：王某某", "", "", "审核人：李某某"),
    ("备注：本表由各基层工会填报",),
)


def to_csv_bytes(rows: list[dict], encoding: str = "utf-8-sig", above=(), below=()) -> bytes:
    """The sheet as CSV with the Chinese header row, e.g. in 'utf-8', 'utf-8-sig' or 'gb18030'.

    `above` and `below` are lines of cells around the table, such as a title over it and a 合计 line under it."""
    text = io.StringIO()
    writer = csv.writer(text)  # \r\n line ends, like Excel
    writer.writerows(above)
    writer.writerow(HEADERS)
    writer.writerows([row[field] for field in FIELDS] for row in rows)
    writer.writerows(below)
    return text.getvalue().encode(encoding)


def to_xlsx_bytes(rows: list[dict], above=(), below=(), numbers=()) -> bytes:
    """The sheet as XLSX; `above` and `below` as in to_csv_bytes (a one-cell line above is merged across the table,
    as centres do with their title), and the fields in `numbers` held as number cells, as Excel does with a long
    number typed into a cell that is not set to text: 15 significant digits (an ID ending in X stays text)."""
    # Not write_only: that mode leaves out the <dimension> that Excel always writes.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "困难职工档案"
    for line in above:
        sheet.append(line)
        if len(line) == 1:
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(
            [
                _number_cell(row[field])
                if field in numbers and row[field].isascii() and row[field].isdigit()
                else _xlsx_value(field, row[field])
                for field in FIELDS
            ]
        )
    for line in below:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number_cell(digits: str) -> float:
    return float(f"{float(digits):.15g}")


def _xlsx_value(field: str, text: str):
    """Typed the way a clerk's Excel stores it; ID, card and phone numbers stay text so no digit is lost."""
    if field in ("household_size", "household_monthly_income") and text.lstrip("-").isdigit():
        return int(text)
    if field == "filed_on" and text:
        return date.fromisoformat(text)
    return text


def with_errors(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """A copy of `rows` with one defect in each of a few rows, where workers_sample.csv has them.

    The duplicate ID goes on the last row, so at least 91 rows are needed. Returns the rows and the
    expected errors as [{"row": spreadsheet row number, "field": ...}], in row order.
    """
    if len(rows) < 91:
        raise ValueError("with_errors needs at least 91 rows")
    rows = [dict(row) for row in rows]
    last_row = len(rows) + 1

    def at(row_number: int) -> dict:
        return rows[row_number - 2]

    at(5)["id_number"] = _with_wrong_check_char(at(5)["id_number"])
    at(10)["id_number"] = _with_impossible_birth_date(at(10)["id_number"])
    at(17)["phone"] = "1234567890"
    at(23)["hardship_category"] = "很困难"
    at(36)["household_size"] = "0"
    at(57)["household_monthly_income"] = "-300"
    at(91)["name"] = ""
    at(last_row)["id_number"] = at(7)["id_number"]
    expected = [
        {"row": 5, "field": "id_number"},
        {"row": 10, "field": "id_number"},
        {"row": 17, "field": "phone"},
        {"row": 23, "field": "hardship_category"},
        {"row": 36, "field": "household_size"},
        {"row": 57, "field": "household_monthly_income"},
        {"row": 91, "field": "name"},
        {"row": last_row, "field": "id_number"},
    ]
    return rows, expected


def _with_wrong_check_char(id_number: str) -> str:
    right = ID_CHECK_CHARS.index(id_number[17])
    return id_number[:17] + ID_CHECK_CHARS[(right + 1) % len(ID_CHECK_CHARS)]


def _with_impossible_birth_date(id_number: str) -> str:
    """Month 13, day 32, with a correct check character so only the date is wrong."""
    first17 = id_number[:10] + "1332" + id_number[14:17]
    return first17 + id_check_char(first17)


def write_padded_csv(path, rows: list[dict], size: int, note_header: str = "备注") -> int:
    """The sheet as UTF-8 CSV at `path`, each row carrying a remark column (which the import ignores) padded so the
    file is about `size` bytes: a big upload without the cost of generating and filing as many people. Returns the size."""
    line_bytes = len(to_csv_bytes(rows[:1], "utf-8")) // 2  # roughly one row's share of a one-row sheet
    padding = "注" * max((size // len(rows) - line_bytes) // 3, 0)  # 3 bytes a character in UTF-8
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS + (note_header,))
        writer.writerows([row[field] for field in FIELDS] + [padding] for row in rows)
        return out.tell()
