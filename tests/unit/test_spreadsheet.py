"""Reading uploaded registry sheets: both formats, the encodings aid centres use, and hostile files."""

import csv
import io
import json
import os
import random
import re
import struct
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from services.registry import spreadsheet
from services.registry.spreadsheet import FIELDS_BY_HEADER, SkippedLine, SpreadsheetError, read_rows
from tests.fakes.sheets import (
    CATEGORIES,
    FOOTER,
    HEADERS,
    REASONS,
    REGION_CODES,
    TITLE,
    generate_workers,
    id_check_char,
    to_csv_bytes,
    to_xlsx_bytes,
    with_errors,
)

SHARED_DATA = (
    Path(os.environ.get("HARDSHIP_SHARED_DIR") or Path(__file__).resolve().parents[2].parent / "shared") / "data"
)
FIELDS = tuple(FIELDS_BY_HEADER.values())


def read_all(source, **kwargs) -> list[tuple[int, dict]]:
    return list(read_rows(source, **kwargs))


def numbered(rows: list[dict]) -> list[tuple[int, dict]]:
    """How rows written right under the header read back."""
    return [(row_number, row) for row_number, row in enumerate(rows, start=2)]


def as_table(rows: list[dict]) -> list[list]:
    return [list(HEADERS), *([row[field] for field in FIELDS] for row in rows)]


def csv_bytes(table: list[list], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(table)
    return text.getvalue().encode(encoding)


def xlsx_bytes(table: list[list]) -> bytes:
    workbook = Workbook()
    for row in table:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(xlsx: bytes, replace: dict[str, bytes | None]) -> bytes:
    """A copy of an xlsx package with some members replaced, or dropped where the value is None."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = replace.get(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


# --- the shared sample files -------------------------------------------------------------------
# workers_sample.csv and workers_sample.xlsx are two different invented registries (only the one
# impossible ID number is common to both) that plant the same defects on the same rows.


def sample(name: str) -> bytes:
    return (SHARED_DATA / name).read_bytes()


@pytest.mark.parametrize("name", ["workers_sample.csv", "workers_sample.xlsx"])
def test_sample_reads_into_201_rows_of_stripped_text(name):
    rows = read_all(sample(name), filename=name)

    assert [row_number for row_number, _ in rows] == list(range(2, 203))
    assert all(tuple(cells) == FIELDS for _, cells in rows)
    assert all(type(value) is str and value == value.strip() for _, cells in rows for value in cells.values())


def test_sample_csv_values():
    rows = dict(read_all(sample("workers_sample.csv")))

    assert rows[2] == {
        "name": "李秀",
        "id_number": "440106197907124050",
        "phone": "13392655486",
        "employer": "市第一纺织厂",
        "union": "建设工会",
        "hardship_category": "深度困难",
        "reasons": "因病",
        "household_size": "1",
        "household_monthly_income": "4352",
        "bank_name": "中国工商银行",
        "bank_account": "6222078651237160091",
        "filed_on": "2025-04-03",
    }
    assert rows[7]["id_number"] == "50010319900113809X"


def test_sample_xlsx_values():
    sheet = read_rows(sample("workers_sample.xlsx"))
    rows = dict(sheet)

    assert sheet.size_hint == 202
    assert rows[2] == {
        "name": "马强",
        "id_number": "370202197503049869",
        "phone": "18047006764",
        "employer": "市公交集团",
        "union": "纺织工会",
        "hardship_category": "深度困难",
        "reasons": "失业",
        "household_size": "2",
        "household_monthly_income": "4082",
        "bank_name": "中国工商银行",
        "bank_account": "6222034109092101484",
        "filed_on": "2025-08-16",
    }
    assert rows[7]["id_number"] == "310104198711148280"
    assert rows[91]["name"] == ""  # the cell is absent from the sheet XML, not an empty string


@pytest.mark.parametrize("name", ["workers_sample.csv", "workers_sample.xlsx"])
def test_sample_defects_sit_on_the_rows_of_the_expected_errors(name):
    expected = json.loads((SHARED_DATA / "workers_sample.expected-errors.json").read_text(encoding="utf-8"))
    rows = dict(read_all(sample(name)))

    assert [(error["row"], error["field"]) for error in expected] == [
        (5, "id_number"),
        (10, "id_number"),
        (17, "phone"),
        (23, "hardship_category"),
        (36, "household_size"),
        (57, "household_monthly_income"),
        (91, "name"),
        (202, "id_number"),
    ]
    bad_checksum = rows[5]["id_number"]
    assert bad_checksum[17] != id_check_char(bad_checksum[:17])
    assert rows[10]["id_number"] == "110105199913321233"
    assert rows[17]["phone"] == "1234567890"
    assert rows[23]["hardship_category"] == "很困难"
    assert rows[36]["household_size"] == "0"
    assert rows[57]["household_monthly_income"] == "-300"
    assert rows[91]["name"] == ""
    assert rows[202]["id_number"] == rows[7]["id_number"]


# --- both formats, all encodings ---------------------------------------------------------------


def test_csv_and_xlsx_of_the_same_rows_read_identically():
    rows, _ = with_errors(generate_workers(120, seed=1))

    from_csv = read_all(to_csv_bytes(rows))
    from_xlsx = read_all(to_xlsx_bytes(rows))

    for csv_row, xlsx_row in zip(from_csv, from_xlsx, strict=True):
        assert csv_row == xlsx_row
    assert from_csv == numbered(rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_read_back_identically(encoding):
    rows, _ = with_errors(generate_workers(120, seed=2))

    assert read_all(to_csv_bytes(rows, encoding)) == numbered(rows)


def test_utf8_character_split_between_read_chunks_is_still_utf8(monkeypatch):
    monkeypatch.setattr(spreadsheet, "_CHUNK_BYTES", 7)
    rows = generate_workers(20)

    assert read_all(to_csv_bytes(rows, "utf-8")) == numbered(rows)


def test_text_that_is_neither_utf8_nor_gb18030_is_refused():
    data = to_csv_bytes(generate_workers(3), "utf-8") + b"\xff\xfe\xfd\r\n"

    with pytest.raises(SpreadsheetError, match="^无法识别 CSV 文件的文字编码"):
        read_rows(data)


@pytest.mark.parametrize("to_bytes", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_columns_in_any_order_extra_columns_and_untidy_headings(to_bytes):
    rows = generate_workers(4, seed=3)
    order = list(reversed(HEADERS))
    headings = {heading: heading for heading in HEADERS} | {
        "建档日期": "\ufeff建档日期",
        "姓名": " 姓  名 ",
        "家庭月收入(元)": "家庭月收入（元）",
    }
    table = [[headings[heading] for heading in order] + ["备注"]]
    table += [[row[FIELDS_BY_HEADER[heading]] for heading in order] + ["电话打不通"] for row in rows]

    assert read_all(to_bytes(table)) == numbered(rows)


@pytest.mark.parametrize("to_bytes", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_missing_columns_are_named(to_bytes):
    kept = [index for index, heading in enumerate(HEADERS) if heading not in ("身份证号", "建档日期")]
    table = [[line[index] for index in kept] for line in as_table(generate_workers(2))]

    with pytest.raises(SpreadsheetError) as error:
        read_rows(to_bytes(table))
    assert str(error.value) == "缺少必需的列：身份证号、建档日期"


def test_a_column_given_twice_is_refused():
    table = [[*HEADERS, "姓名"], [*as_table(generate_workers(1))[1], "王五"]]

    with pytest.raises(SpreadsheetError) as error:
        read_rows(csv_bytes(table))
    assert str(error.value) == "表头中“姓名”列出现了不止一次"


def test_a_blank_first_row_is_not_taken_for_a_header():
    rows = generate_workers(2)

    assert read_all(b"\r\n" + to_csv_bytes(rows, "utf-8")) == [(3, rows[0]), (4, rows[1])]


@pytest.mark.parametrize("to_bytes", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_a_sheet_without_a_header_in_its_first_rows_is_refused(to_bytes):
    titles = [["XX市总工会困难职工档案登记表"]] + [[]] * (spreadsheet.HEADER_SEARCH_ROWS - 1)

    with pytest.raises(SpreadsheetError) as error:
        read_rows(to_bytes(titles + as_table(generate_workers(2))))
    assert str(error.value) == "前 10 行中找不到表头（姓名、身份证号等列名），请把表头放在数据上方"
    with pytest.raises(SpreadsheetError) as error:
        read_rows(to_bytes(as_table(generate_workers(2))[1:]))
    assert str(error.value) == spreadsheet.NO_HEADER


@pytest.mark.parametrize("to_bytes", [to_csv_bytes, to_xlsx_bytes], ids=["csv", "xlsx"])
def test_a_title_above_the_header_and_totals_and_notes_under_the_table_keep_the_sheets_row_numbers(to_bytes):
    rows = generate_workers(3, seed=8)
    above = [[TITLE], [], ["填报单位：XX区总工会", "", "", "", "", "", "", "", "", "", "填报日期：2026年11月"]]
    middle_total = [" 小  计", "", "", "", "", "", "", "5"]

    data = to_bytes(rows[:2], above=above, below=[middle_total, [rows[2][field] for field in FIELDS], *FOOTER])

    assert read_all(data) == [
        (5, rows[0]),
        (6, rows[1]),
        (7, SkippedLine(spreadsheet.SUMMARY_LINE)),
        (8, rows[2]),
        (9, SkippedLine(spreadsheet.SUMMARY_LINE)),
        (10, SkippedLine(spreadsheet.NOTE_LINE)),
        (11, SkippedLine(spreadsheet.NOTE_LINE)),
    ]


def test_a_total_or_note_in_a_column_the_registry_does_not_read_is_reported_too():
    rows = generate_workers(2, seed=9)
    table = [
        ["序号", *HEADERS],
        *([str(number), *line] for number, line in enumerate(as_table(rows)[1:], start=1)),
        ["合计", "", "", "", "", "", "", "", "7", "8800"],
        ["注：本表一式两份"],
    ]

    assert read_all(csv_bytes(table)) == [
        (2, rows[0]),
        (3, rows[1]),
        (4, SkippedLine(spreadsheet.SUMMARY_LINE)),
        (5, SkippedLine(spreadsheet.NOTE_LINE)),
    ]


def test_number_cells_in_the_id_phone_and_card_columns_are_marked_and_read_as_excel_shows_them():
    rows = [
        row | {"id_number": row["id_number"][:17] + "X"} if index == 1 else row
        for index, row in enumerate(generate_workers(2, seed=10))
    ]

    read = read_all(to_xlsx_bytes(rows, numbers=("id_number", "phone", "bank_account", "household_size")))

    marked = [cells.number_fields for _, cells in read]
    assert marked == [("id_number", "phone", "bank_account"), ("phone", "bank_account")]  # an ID ending in X is text
    kept = str(int(Decimal(f"{int(rows[0]['bank_account']):.15g}")))  # what Excel kept of it: 15 digits, then 0000
    assert read[0][1]["bank_account"] == kept and kept.endswith("0000") and kept != rows[0]["bank_account"]
    assert all(type(cells) is dict for _, cells in read_all(to_xlsx_bytes(rows)))


def test_header_without_data_rows_reads_as_no_rows():
    assert read_all(to_csv_bytes([])) == []
    assert read_all(to_xlsx_bytes([])) == []


@pytest.mark.parametrize("to_bytes", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_blank_rows_are_skipped_but_still_counted(to_bytes):
    first, second, third = generate_workers(3, seed=4)
    header, *values = as_table([first, second, third])
    table = [header, values[0], [], [""] * 12, [" ", "\t", "　"], values[1], [], values[2]]

    assert read_all(to_bytes(table)) == [(2, first), (6, second), (8, third)]


def test_a_line_break_inside_a_csv_cell_does_not_shift_row_numbers():
    first, second = generate_workers(2, seed=5)
    first = first | {"employer": "市环卫处\n东区班组"}

    assert read_all(to_csv_bytes([first, second])) == [(2, first), (3, second)]


def test_short_rows_read_missing_cells_as_empty():
    header, values = as_table(generate_workers(1))

    [(row_number, cells)] = read_all(csv_bytes([header, values[:2]]))

    assert row_number == 2
    assert cells == dict.fromkeys(FIELDS, "") | {"name": values[0], "id_number": values[1]}


def test_xlsx_cells_read_as_a_person_sees_them():
    table = [
        list(HEADERS),
        [
            " 张三 ",
            440106197907124050,
            13392655486,
            "市环卫处",
            "交通工会",
            "深度困难",
            "因病",
            3.0,
            4352.5,
            "中国银行",
            6222078651237160091,
            datetime(2025, 4, 3, 10, 30),
        ],
        [
            "李四",
            310104198711148280,
            None,
            None,
            "交通工会",
            "相对困难",
            "因病",
            2,
            1800.0,
            "中国银行",
            6222286849799295103,
            date(2024, 12, 31),
        ],
    ]
    data = xlsx_bytes(table)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    # openpyxl stores a long integer as a float, like Excel; other writers keep every digit.
    whole = xml.replace(b"4.40106197907124e+17", b"440106197907124050")
    whole = whole.replace(b"6.22207865123716e+18", b"6222078651237160091")
    assert whole.count(b"440106197907124050") == whole.count(b"6222078651237160091") == 1

    rows = dict(read_all(rezip(data, {"xl/worksheets/sheet1.xml": whole})))

    assert rows[2] == {
        "name": "张三",
        "id_number": "440106197907124050",
        "phone": "13392655486",
        "employer": "市环卫处",
        "union": "交通工会",
        "hardship_category": "深度困难",
        "reasons": "因病",
        "household_size": "3",
        "household_monthly_income": "4352.5",
        "bank_name": "中国银行",
        "bank_account": "6222078651237160091",
        "filed_on": "2025-04-03",
    }
    assert rows[3] == {
        "name": "李四",
        "id_number": "310104198711148000",
        "phone": "",
        "employer": "",
        "union": "交通工会",
        "hardship_category": "相对困难",
        "reasons": "因病",
        "household_size": "2",
        "household_monthly_income": "1800",
        "bank_name": "中国银行",
        "bank_account": "6222286849799290000",
        "filed_on": "2024-12-31",
    }


def test_too_many_rows_is_refused_while_reading():
    rows = generate_workers(5)
    sheet = read_rows(to_csv_bytes(rows), max_rows=3)
    read = []

    with pytest.raises(SpreadsheetError) as error:
        for item in sheet:
            read.append(item)

    assert str(error.value) == "文件超过 3 行的上限，请拆分后分批上传"
    assert read == numbered(rows[:3])
    assert read_all(to_csv_bytes(rows[:3]), max_rows=3) == numbered(rows[:3])


# --- progress and sources ----------------------------------------------------------------------


def test_csv_progress_follows_the_bytes_read():
    data = to_csv_bytes(generate_workers(3000))
    sheet = read_rows(data)

    seen = [sheet.progress() for _ in sheet]

    assert sheet.size_hint == len(data)
    assert seen == sorted(seen)
    assert seen[0] < 0.05 and 0.4 < seen[1500] < 0.6
    assert sheet.progress() == 1.0


def test_xlsx_progress_follows_the_rows_read():
    sheet = read_rows(to_xlsx_bytes(generate_workers(400)))

    seen = [sheet.progress() for _ in sheet]

    assert sheet.size_hint == 401
    assert seen[0] == pytest.approx(2 / 401)
    assert seen[199] == pytest.approx(201 / 401)
    assert sheet.progress() == 1.0


@pytest.mark.parametrize("to_bytes", [to_csv_bytes, to_xlsx_bytes], ids=["csv", "xlsx"])
def test_a_file_object_is_read_from_its_start_and_left_open(tmp_path, to_bytes):
    rows = generate_workers(3)
    path = tmp_path / "upload"
    path.write_bytes(to_bytes(rows))

    with path.open("rb") as upload:
        upload.seek(10)
        assert read_all(upload) == numbered(rows)
        assert not upload.closed


# --- files that are not a registry sheet ---------------------------------------------------------


@pytest.mark.parametrize("source", [b"", io.BytesIO()], ids=["bytes", "file"])
def test_an_empty_file_is_refused(source):
    with pytest.raises(SpreadsheetError) as error:
        read_rows(source)
    assert str(error.value) == "文件为空"


def test_random_bytes_are_refused():
    with pytest.raises(SpreadsheetError) as error:
        read_rows(random.Random(0).randbytes(4096))
    assert str(error.value) == spreadsheet.NOT_A_SHEET


def test_old_or_encrypted_excel_is_refused():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

    with pytest.raises(SpreadsheetError) as error:
        read_rows(ole2, "困难职工.xls")
    assert str(error.value) == spreadsheet.OLD_OR_ENCRYPTED_EXCEL


def test_csv_named_xlsx_is_refused_as_a_broken_xlsx():
    with pytest.raises(SpreadsheetError) as error:
        read_rows(to_csv_bytes(generate_workers(2)), "困难职工.xlsx")
    assert str(error.value) == spreadsheet.NOT_XLSX


def test_a_zip_that_is_not_an_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("说明.txt", "不是表格")

    with pytest.raises(SpreadsheetError) as error:
        read_rows(out.getvalue())
    assert str(error.value) == spreadsheet.NOT_XLSX


def test_a_truncated_xlsx_is_refused():
    data = to_xlsx_bytes(generate_workers(30))

    with pytest.raises(SpreadsheetError) as error:
        read_rows(data[: len(data) // 2])
    assert str(error.value) == spreadsheet.NOT_XLSX


def test_an_xlsx_without_a_worksheet_is_refused():
    data = to_xlsx_bytes(generate_workers(2))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml")
    emptied = rezip(
        data,
        {
            "xl/workbook.xml": re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", workbook),
            "xl/worksheets/sheet1.xml": None,
        },
    )

    with pytest.raises(SpreadsheetError) as error:
        read_rows(emptied)
    assert str(error.value) == spreadsheet.NO_WORKSHEET


def test_damage_deep_in_the_sheet_is_reported_while_reading():
    data = to_xlsx_bytes(generate_workers(500))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    middle = len(xml) // 2
    damaged = rezip(data, {"xl/worksheets/sheet1.xml": xml[:middle] + b"<<<" + xml[middle:]})
    sheet = read_rows(damaged)

    with pytest.raises(SpreadsheetError) as error:
        for _ in sheet:
            pass
    assert str(error.value) == spreadsheet.NOT_XLSX


SHEET = "xl/worksheets/sheet1.xml"


def with_sheet_written_by(write_sheet, data: bytes) -> bytes:
    """The package `data` with its sheet replaced by what `write_sheet(stream)` writes, compressed on the fly."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            for name in source.namelist():
                if name != SHEET:
                    bomb.writestr(name, source.read(name))
        with bomb.open(SHEET, "w") as sheet:
            write_sheet(sheet)
    return out.getvalue()


def test_a_zip_bomb_is_refused_without_inflating_it():
    def rows(sheet):
        block = b"<row/>" * 100_000
        for _ in range(500):  # 300 MB of XML
            sheet.write(block)

    bomb = with_sheet_written_by(rows, to_xlsx_bytes(generate_workers(2)))
    assert len(bomb) < 5_000_000

    with pytest.raises(SpreadsheetError) as error:
        read_rows(bomb)
    assert str(error.value) == spreadsheet.XLSX_TOO_LARGE


def test_an_xlsx_member_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_XLSX_MEMBER_BYTES", 10_000)

    with pytest.raises(SpreadsheetError) as error:
        read_rows(to_xlsx_bytes(generate_workers(100)))
    assert str(error.value) == spreadsheet.XLSX_TOO_LARGE


def lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """The package with `name`'s uncompressed size given as `declared` in its local header and central directory."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    while data[entry + 46 : entry + 46 + struct.unpack_from("<H", data, entry + 28)[0]] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", patched, entry + 24, declared)
    return bytes(patched)


def read_cheaply(data: bytes, seconds: float = 5, megabytes: int = 30):
    """read_all(data), or the SpreadsheetError it raises, after checking it takes at most `seconds` (timed on its
    own) and allocates at most `megabytes` at its peak (traced in a second pass, as tracing slows it down)."""

    def attempt():
        try:
            return read_all(data)
        except SpreadsheetError as error:
            return error

    started = time.monotonic()
    outcome = attempt()
    assert time.monotonic() - started < seconds
    tracemalloc.start()
    try:
        attempt()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1024 * 1024, peak // 1024 // 1024
    return outcome


def test_a_zip_bomb_that_lies_about_its_size_is_cut_off_at_the_size_it_declares():
    data = to_xlsx_bytes(generate_workers(2))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        head = archive.read(SHEET).split(b"<sheetData>")[0] + b"<sheetData>"

    def rows(sheet):
        sheet.write(head)
        row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
        for _ in range(300_000):  # 300 MB of XML, declared below as 2,000 bytes
            sheet.write(row)

    liar = lie_about_size(with_sheet_written_by(rows, data), SHEET, 2_000)

    error = read_cheaply(liar)
    assert isinstance(error, SpreadsheetError) and str(error) == spreadsheet.NOT_XLSX


def test_a_stray_cell_at_the_last_row_excel_allows_is_refused_as_too_many_rows_quickly():
    workbook = Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append([generate_workers(1)[0][field] for field in FIELDS])
    workbook.active["A1048576"] = "备注"
    out = io.BytesIO()
    workbook.save(out)

    error = read_cheaply(out.getvalue())
    assert isinstance(error, SpreadsheetError) and str(error) == "文件超过 1000000 行的上限，请拆分后分批上传"


def test_a_stray_cell_in_the_last_column_excel_allows_costs_nothing():
    rows = generate_workers(200)
    workbook = Workbook()
    for row in as_table(rows):
        workbook.active.append(row)
    workbook.active["XFD1"] = "备注"
    workbook.active["XFD3"] = "说明"
    out = io.BytesIO()
    workbook.save(out)

    assert read_cheaply(out.getvalue(), seconds=2) == numbered(rows)


# --- the synthetic data itself -----------------------------------------------------------------


def test_check_character_matches_known_ids():
    assert id_check_char("50010319900113809") == "X"
    assert id_check_char("44010619790712405") == "0"


def test_generated_workers_are_deterministic_valid_and_unique():
    rows = generate_workers(500, seed=7)

    assert rows == generate_workers(500, seed=7)
    assert rows != generate_workers(500, seed=8)
    assert len({row["id_number"] for row in rows}) == 500
    for row in rows:
        id_number = row["id_number"]
        assert re.fullmatch(r"\d{17}[\dX]", id_number) and id_number[:6] in REGION_CODES
        assert id_number[17] == id_check_char(id_number[:17])
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        assert date(1960, 1, 1) <= birth <= date(2000, 12, 31)
        assert re.fullmatch(r"1[3-9]\d{9}", row["phone"])
        assert re.fullmatch(r"6222\d{15}", row["bank_account"])
        assert row["hardship_category"] in CATEGORIES and row["reasons"] in REASONS
        assert 1 <= int(row["household_size"]) and 0 < int(row["household_monthly_income"])
        assert date.fromisoformat(row["filed_on"])
        assert row["name"] and row["employer"] and row["union"] and row["bank_name"]


def test_planted_errors_mirror_the_sample_and_touch_one_field_each():
    clean = generate_workers(201, seed=9)
    rows, expected = with_errors(clean)
    sample_errors = json.loads((SHARED_DATA / "workers_sample.expected-errors.json").read_text(encoding="utf-8"))

    assert expected == [{"row": error["row"], "field": error["field"]} for error in sample_errors]
    changed = {
        (row_number, field)
        for row_number, (before, after) in enumerate(zip(clean, rows), start=2)
        for field in FIELDS
        if before[field] != after[field]
    }
    assert changed == {(error["row"], error["field"]) for error in expected}
    assert rows[202 - 2]["id_number"] == rows[7 - 2]["id_number"]
    assert clean == generate_workers(201, seed=9)
