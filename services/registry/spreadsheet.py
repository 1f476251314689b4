"""Reading an uploaded worker-registry sheet (CSV or XLSX) as a stream of plain rows.

read_rows() settles everything about the file as a whole up front (format, encoding, archive
sanity, header) and returns a single-pass SheetReader that parses one row at a time, so even a
50 MB upload never becomes a list of parsed rows.
"""

import codecs
import csv
import io
import itertools
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import PurePath
from typing import Any, BinaryIO, NamedTuple

import openpyxl

FIELDS_BY_HEADER = {
    "姓名": "name",
    "身份证号": "id_number",
    "手机号码": "phone",
    "工作单位": "employer",
    "所属工会": "union",
    "困难类别": "hardship_category",
    "主要致困原因": "reasons",
    "家庭人口": "household_size",
    "家庭月收入(元)": "household_monthly_income",
    "开户银行": "bank_name",
    "银行卡号": "bank_account",
    "建档日期": "filed_on",
}
HEADER_BY_FIELD = {field: heading for heading, field in FIELDS_BY_HEADER.items()}
# Long digit strings: Excel keeps 15 significant digits of a number cell, so only a text cell holds them whole.
TEXT_ONLY_FIELDS = ("id_number", "phone", "bank_account")
# Centres head their sheets with a title (merged cells) and maybe a line of who filed it, then the header.
HEADER_SEARCH_ROWS = 10
# Lines that are part of the sheet but not a worker: totals, and the notes and signatures under the table.
SUMMARY_STARTS = ("合计", "总计", "小计")
NOTE_STARTS = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "联系人",
    "填表日期",
    "填报日期",
    "制表日期",
    "备注",
    "说明",
    "注：",
    "注:",
)
_LINE_STARTS = SUMMARY_STARTS + NOTE_STARTS
_LINE_FIRST_CHARS = frozenset(start[0] for start in _LINE_STARTS)
_MAYBE_LINE_FIRST = _LINE_FIRST_CHARS | {"", " ", "\t", "\xa0", "\u3000", "\ufeff"}  # "": the first cell is empty
MAX_ROWS = 1_000_000
# A full 1,000,000-row sheet is roughly 500-700 MB of XML.
MAX_XLSX_MEMBER_BYTES = 1 << 30
# Sheet XML deflates 5-20x; a deflate bomb gets close to 1000x.
MAX_COMPRESSION_RATIO = 100
# Small parts (styles, themes) can compress very well and are harmless whatever their ratio.
_RATIO_CHECK_FROM_BYTES = 1 << 20

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also password-protected .xlsx
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
_CHUNK_BYTES = 1 << 14
# No registry row comes near this; a longer line is junk that would only eat memory.
_MAX_CSV_LINE_BYTES = 1 << 20

EMPTY_FILE = "文件为空"
NOT_A_SHEET = "无法识别的文件格式，请上传 CSV（UTF-8 或 GBK 编码）或 XLSX 文件"
OLD_OR_ENCRYPTED_EXCEL = (
    "不支持旧版 .xls 或设置了密码的 Excel 文件，请在 Excel 中另存为 .xlsx（不设密码）或 CSV 后重新上传"
)
NOT_XLSX = "文件已损坏或不是有效的 XLSX 文件"
XLSX_TOO_LARGE = "XLSX 文件解压后体积异常（疑似压缩炸弹），已拒绝处理"
NO_WORKSHEET = "XLSX 文件中没有工作表"
UNKNOWN_ENCODING = "无法识别 CSV 文件的文字编码，请另存为 UTF-8 或 GBK 编码后重新上传"
CSV_LINE_TOO_LONG = "CSV 文件中有一行超过 1 MB，不是有效的登记表"
NO_HEADER = f"前 {HEADER_SEARCH_ROWS} 行中找不到表头（姓名、身份证号等列名），请把表头放在数据上方"
SUMMARY_LINE = "合计行，未导入"
NOTE_LINE = "表格下方的备注或签名行，未导入"


class SpreadsheetError(ValueError):
    """The upload as a whole cannot be read. The message is meant for the user."""


class RowWithNumberCells(dict):
    """An XLSX row's cells where Excel holds some TEXT_ONLY_FIELDS as numbers, their tails maybe lost: `number_fields`.

    Any other row is a plain dict, so telling them apart costs one look at the class.
    """

    __slots__ = ("number_fields",)

    def __init__(self, cells: dict, number_fields: tuple[str, ...]):
        super().__init__(cells)
        self.number_fields = number_fields


class SkippedLine(NamedTuple):
    """A line of the sheet that is not a worker (a 合计 line, a note under the table): reported, not imported."""

    reason: str


def read_rows(source: bytes | BinaryIO, filename: str | None = None, *, max_rows: int = MAX_ROWS) -> "SheetReader":
    """Open an uploaded registry sheet; raises SpreadsheetError right away for whole-file problems.

    `source` is the raw upload as bytes or a seekable binary file, always read from its start; a file
    is left open. `filename` is only used to explain uploads whose name and content disagree.
    """
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    stream.seek(0)
    head = stream.read(len(_OLE2_MAGIC))
    stream.seek(0)
    if not head:
        raise SpreadsheetError(EMPTY_FILE)
    if head.startswith(_ZIP_MAGIC):
        return _XlsxReader(stream, max_rows)
    suffix = PurePath(filename or "").suffix.lower()
    if head.startswith(_OLE2_MAGIC) or suffix == ".xls":
        raise SpreadsheetError(OLD_OR_ENCRYPTED_EXCEL)
    if suffix in (".xlsx", ".xlsm"):
        raise SpreadsheetError(NOT_XLSX)
    return _CsvReader(stream, max_rows)


class SheetReader(ABC):
    """Single pass over the data rows of a registry sheet.

    The header is the first of the first HEADER_SEARCH_ROWS rows that names a registry column; rows above it
    (titles) are passed over. Yields (row_number, {field: text}): row_number is the sheet's own row number,
    every field of FIELDS_BY_HEADER is present and every value is a stripped str (a RowWithNumberCells when
    an XLSX holds numbers in TEXT_ONLY_FIELDS). A total or note line yields (row_number, SkippedLine) instead.
    Rows whose registry columns are all empty are skipped. Iterating can still raise SpreadsheetError: the
    row limit and damage deep inside the file only show up as the rows are read.

    `size_hint` is the file size in bytes for CSV and the row count the sheet declares for XLSX
    (None if it declares none); `progress()` is the fraction read so far, from 0.0 to 1.0.
    """

    size_hint: int | None

    # Whether a cell can be a number (XLSX) rather than always text (CSV).
    typed_cells = False

    def __init__(self, raw_rows: Iterator[Sequence], cell_text: Callable[[Any], str], max_rows: int):
        header_row, columns = _find_header(raw_rows, cell_text)
        self._raw_rows = raw_rows
        self._cell_text = cell_text
        self._fields = tuple(columns)
        self._pick = itemgetter(*columns.values())
        self._pick_text_only = itemgetter(*(columns[field] for field in TEXT_ONLY_FIELDS))
        self._width = max(columns.values()) + 1
        self._max_rows = max_rows
        self._header_row = header_row
        self._row_number = header_row
        self._finished = False
        self._rows = self._read()

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | SkippedLine]]:
        return self._rows

    @abstractmethod
    def progress(self) -> float:
        """Fraction of the file read so far, approximately."""

    def _read(self) -> Iterator[tuple[int, dict[str, str] | SkippedLine]]:
        fields, pick, width, cell_text = self._fields, self._pick, self._width, self._cell_text
        typed_cells, pick_text_only = self.typed_cells, self._pick_text_only
        last_row = self._header_row + self._max_rows
        for row_number, row in enumerate(self._raw_rows, start=self._header_row + 1):
            if row_number > last_row:
                raise SpreadsheetError(f"文件超过 {self._max_rows} 行的上限，请拆分后分批上传")
            self._row_number = row_number
            if not row:  # an empty line of a CSV, a row without cells in an XLSX
                continue
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            values = list(map(cell_text, pick(row)))
            filled = any(values)
            lead = row[0]
            # A note may sit in a column the registry does not read; one look at the first cell tells a worker's row.
            if (lead.__class__ is not str or lead[:1] in _MAYBE_LINE_FIRST) and (filled or lead):
                skipped = _skipped_line(row, cell_text)
                if skipped is not None:
                    yield row_number, skipped
                    continue
            if filled:
                cells = dict(zip(fields, values))
                if typed_cells:
                    cells = _with_number_cells(cells, pick_text_only(row))
                yield row_number, cells
        self._finished = True


def _find_header(raw_rows: Iterator[Sequence], cell_text) -> tuple[int, dict[str, int]]:
    """(row number, {field: column index}) of the first of the first rows that names a registry column."""
    blank = True
    for row_number, row in enumerate(itertools.islice(raw_rows, HEADER_SEARCH_ROWS), start=1):
        headings = [_normalize_heading(cell_text(cell)) for cell in row]
        if any(heading in FIELDS_BY_HEADER for heading in headings):
            return row_number, _locate_columns(headings)
        blank = blank and not any(headings)
    raise SpreadsheetError(EMPTY_FILE if blank else NO_HEADER)


def _skipped_line(row: Sequence, cell_text) -> SkippedLine | None:
    """A SkippedLine for a total or note line, found by the text of its first filled cell."""
    first = next((text for text in map(cell_text, row) if text), "")
    if first[:1] not in _LINE_FIRST_CHARS:
        return None
    first = "".join(first.split())
    if first.startswith(SUMMARY_STARTS):
        return SkippedLine(SUMMARY_LINE)
    if first.startswith(NOTE_STARTS):
        return SkippedLine(NOTE_LINE)
    return None


def _with_number_cells(cells: dict[str, str], raw_values: tuple) -> dict[str, str]:
    number_fields = tuple(field for field, value in zip(TEXT_ONLY_FIELDS, raw_values) if type(value) in (int, float))
    return RowWithNumberCells(cells, number_fields) if number_fields else cells


def _locate_columns(header: list[str]) -> dict[str, int]:
    """{field: column index}, in FIELDS_BY_HEADER order, from the normalised headings."""
    found = {}
    for index, heading in enumerate(header):
        field = FIELDS_BY_HEADER.get(heading)
        if field is None:
            continue
        if field in found:
            raise SpreadsheetError(f"表头中“{heading}”列出现了不止一次")
        found[field] = index
    missing = [heading for heading, field in FIELDS_BY_HEADER.items() if field not in found]
    if missing:
        raise SpreadsheetError(f"缺少必需的列：{'、'.join(missing)}")
    return {field: found[field] for field in FIELDS_BY_HEADER.values()}


def _normalize_heading(heading: str) -> str:
    # Hand-made sheets pad headings ("姓  名"), type full-width brackets, or keep a stray BOM.
    return "".join(heading.replace("\ufeff", "").split()).replace("（", "(").replace("）", ")")


class _CsvReader(SheetReader):
    size_hint: int  # the file's size in bytes

    def __init__(self, stream: BinaryIO, max_rows: int):
        self._stream = stream
        self.size_hint = stream.seek(0, io.SEEK_END)
        encoding = _csv_encoding(stream)
        stream.seek(0)
        super().__init__(_csv_rows(stream, encoding), str.strip, max_rows)

    def progress(self) -> float:
        if self._finished:
            return 1.0
        return min(self._stream.tell() / self.size_hint, 1.0)


def _csv_encoding(stream: BinaryIO) -> str:
    """The first encoding that decodes the whole file; a sample could pass and fail further on."""
    for encoding in _CSV_ENCODINGS:
        stream.seek(0)
        # The incremental decoder carries a character split across two chunks over to the next one.
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(_CHUNK_BYTES):
                if b"\0" in chunk:
                    raise SpreadsheetError(NOT_A_SHEET)
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SpreadsheetError(UNKNOWN_ENCODING)


def _csv_rows(stream: BinaryIO, encoding: str) -> Iterator[list[str]]:
    reader = csv.reader(_csv_lines(stream, encoding))
    try:
        yield from reader
    except csv.Error as exc:
        raise SpreadsheetError(f"CSV 文件第 {reader.line_num} 行附近格式错误") from exc


def _csv_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """The text cut after each \\n, \\r\\n or lone \\r, the way csv.reader needs it.

    Unlike a TextIOWrapper, this can never close the caller's stream.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    pending: list[str] = []  # the text since the last line break
    while chunk := stream.read(_CHUNK_BYTES):
        text = decoder.decode(chunk)
        if "\n" in text or "\r" in text:
            lines = io.StringIO("".join(pending) + text, newline="").readlines()
            pending = [lines.pop()]  # it may go on in the next chunk, even a "\r" before its "\n"
            yield from lines
        elif len(pending) * _CHUNK_BYTES > _MAX_CSV_LINE_BYTES:
            raise SpreadsheetError(CSV_LINE_TOO_LONG)
        else:
            pending.append(text)
    yield from io.StringIO("".join(pending) + decoder.decode(b"", final=True), newline="").readlines()


class _XlsxReader(SheetReader):
    typed_cells = True

    def __init__(self, stream: BinaryIO, max_rows: int):
        _check_archive(stream)
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl fails on a malformed package in many different ways
            raise SpreadsheetError(NOT_XLSX) from exc
        if not workbook.worksheets:
            workbook.close()
            raise SpreadsheetError(NO_WORKSHEET)
        sheet = workbook.worksheets[0]
        self.size_hint = sheet.max_row
        # A wrong <dimension> would otherwise cut rows or columns off, or pad with empty rows.
        sheet.reset_dimensions()
        super().__init__(_xlsx_rows(workbook, sheet), _xlsx_cell_text, max_rows)

    def progress(self) -> float:
        if self._finished:
            return 1.0
        if not self.size_hint:
            return 0.0
        return min(self._row_number / self.size_hint, 1.0)


def _check_archive(stream: BinaryIO) -> None:
    # zipfile stops at each member's declared size (and then fails the CRC check), so the
    # declared sizes bound what openpyxl can ever inflate.
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except Exception as exc:  # not only BadZipFile: unsupported zip versions raise NotImplementedError
        raise SpreadsheetError(NOT_XLSX) from exc
    for member in members:
        if member.file_size > MAX_XLSX_MEMBER_BYTES or (
            member.file_size >= _RATIO_CHECK_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise SpreadsheetError(XLSX_TOO_LARGE)


def _xlsx_rows(workbook, sheet) -> Iterator[tuple]:
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as exc:  # broken XML or zip data further into the sheet
        raise SpreadsheetError(NOT_XLSX) from exc
    finally:
        workbook.close()


def _xlsx_cell_text(value: object) -> str:
    """The cell as a person sees it in Excel: 4352 not 4352.0, dates as YYYY-MM-DD."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel shows 15 significant digits: an ID number typed as a number reads as the
        # 440106197907124000 on screen, not as the float's binary noise 440106197907123968.
        return str(int(Decimal(f"{value:.15g}")))
    if isinstance(value, date):  # datetime included
        return value.strftime("%Y-%m-%d")
    return str(value)
