"""A big sheet's rows checked in a second process: exactly what checking them here gives, the sheet's own errors
as here, and a second process that dies or is no longer wanted never leaves an import hanging or a process behind."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date

import pytest

from services.registry import checked_rows
from services.registry.checked_rows import CHUNK_ROWS
from services.registry.spreadsheet import NOTE_LINE, SUMMARY_LINE, SkippedLine, SpreadsheetError
from shared.crypto import Vault
from tests.fakes.sheets import FOOTER, TITLE, generate_workers, to_csv_bytes, to_xlsx_bytes, with_errors

TODAY = date(2026, 12, 2)
ROWS = 2 * CHUNK_ROWS + 300  # three chunks, the last one short
VAULT = Vault(b"test-key-for-checked-rows")
WORKER = "services.registry.checked_rows"


def upload(content: bytes):
    file = tempfile.TemporaryFile()
    file.write(content)
    file.seek(0)
    return file


def comparable(chunks) -> list:
    """Chunks with each sealed value decrypted: sealing uses a new nonce every time."""
    return [
        (
            [
                (row_number, id_hash, {**row, "sealed": VAULT.decrypt(row["sealed"])} if id_hash else row)
                for row_number, id_hash, row in chunk
            ],
            progress,
        )
        for chunk, progress in chunks
    ]


def second_processes() -> list[str]:
    """This test process's checking processes still alive (another test process's, an e2e system's, are not its)."""
    return subprocess.run(
        ["pgrep", "-P", str(os.getpid()), "-f", WORKER], capture_output=True, text=True
    ).stdout.split()


@pytest.fixture
def every_file_goes_to_a_second_process(monkeypatch):
    monkeypatch.setattr(checked_rows, "SECOND_PROCESS_BYTES", 0)

    def not_here(*args):
        raise AssertionError("checked in this process")

    monkeypatch.setattr(checked_rows, "chunks", not_here)  # the second process has its own, unpatched


@pytest.fixture
def sheet_with_errors() -> bytes:
    rows, _expected = with_errors(generate_workers(ROWS, seed=5))
    return to_csv_bytes(rows)


def test_a_sheet_checked_in_a_second_process_gives_exactly_what_checking_it_here_gives(sheet_with_errors, monkeypatch):
    with upload(sheet_with_errors) as file:
        here = comparable(checked_rows.chunks(file, "sheet.csv", VAULT, TODAY))
    monkeypatch.setattr(checked_rows, "SECOND_PROCESS_BYTES", 0)
    monkeypatch.setattr(checked_rows, "chunks", None)
    with upload(sheet_with_errors) as file, checked_rows.checked_chunks(file, "sheet.csv", VAULT, TODAY) as chunks:
        there = comparable(chunks)

    assert [len(chunk) for chunk, _ in there] == [CHUNK_ROWS, CHUNK_ROWS, 300]
    assert there == here
    rejected = [row_number for chunk, _ in there for row_number, id_hash, _ in chunk if id_hash is None]
    assert rejected == [5, 10, 17, 23, 36, 57, 91]  # the duplicate ID is the importer's to find, across chunks
    assert second_processes() == []


@pytest.mark.parametrize("to_bytes, filename", [(to_csv_bytes, "titled.csv"), (to_xlsx_bytes, "titled.xlsx")])
def test_titles_totals_notes_number_cells_and_formulas_come_out_of_a_second_process_as_here(
    to_bytes, filename, monkeypatch
):
    rows = generate_workers(40, seed=11)
    rows[3] = rows[3] | {"name": '+HYPERLINK("http://x.example","王芳")'}  # with "=", openpyxl would write a formula
    rows[4] = rows[4] | {"bank_account": "6.22207865123716E+18"}  # a number cell saved as CSV
    rows[5] = rows[5] | {"employer": "市环卫处\u202e"}
    content = to_bytes(
        rows, above=[[TITLE], []], below=FOOTER, **({"numbers": ("bank_account",)} if to_bytes is to_xlsx_bytes else {})
    )
    with upload(content) as file:
        here = comparable(checked_rows.chunks(file, filename, VAULT, TODAY))
    monkeypatch.setattr(checked_rows, "SECOND_PROCESS_BYTES", 0)
    monkeypatch.setattr(checked_rows, "chunks", None)
    with upload(content) as file, checked_rows.checked_chunks(file, filename, VAULT, TODAY) as chunks:
        there = comparable(chunks)

    assert there == here
    not_filed = {row_number: errors for chunk, _ in there for row_number, id_hash, errors in chunk if id_hash is None}
    assert not_filed[7]["name"] == "不能以“+”开头（表格软件会把它当作公式执行），请去掉或改写开头的符号"
    assert list(not_filed[8]) == ["bank_account"] and "设置为文本" in not_filed[8]["bank_account"]
    assert not_filed[9]["employer"] == "不能包含改变文字方向的隐藏字符（U+202E）"
    assert [not_filed[row] for row in (44, 45, 46)] == [
        SkippedLine(SUMMARY_LINE),
        SkippedLine(NOTE_LINE),
        SkippedLine(NOTE_LINE),
    ]
    if to_bytes is to_xlsx_bytes:  # every card number was a number cell there
        assert len(not_filed) == 40 + 3 and all(
            "bank_account" in errors for errors in not_filed.values() if not isinstance(errors, SkippedLine)
        )
    else:
        assert len(not_filed) == 3 + 3


def test_a_small_sheet_is_checked_here_without_a_second_process(monkeypatch):
    started = []
    monkeypatch.setattr("eventlet.green.subprocess.Popen", lambda *args, **kwargs: started.append(args))
    with (
        upload(to_csv_bytes(generate_workers(10, seed=6))) as file,
        checked_rows.checked_chunks(file, "small.csv", VAULT, TODAY) as chunks,
    ):
        rows = [row for chunk, _ in chunks for row in chunk]
    assert len(rows) == 10 and started == []


def test_a_sheet_damaged_after_its_first_chunks_fails_with_the_sheets_own_message_after_them(
    every_file_goes_to_a_second_process,
):
    content = to_csv_bytes(generate_workers(ROWS, seed=7)) + b"x" * (2 * 1024 * 1024) + b"\n"
    received = []
    with upload(content) as file, checked_rows.checked_chunks(file, "damaged.csv", VAULT, TODAY) as chunks:
        with pytest.raises(SpreadsheetError, match="超过 1 MB"):
            for chunk, _ in chunks:
                received.append(len(chunk))
    assert received == [CHUNK_ROWS, CHUNK_ROWS]  # the 300 rows before the damage were in no whole chunk
    assert second_processes() == []


def test_a_second_process_that_dies_fails_the_import_instead_of_hanging_it(every_file_goes_to_a_second_process):
    content = to_csv_bytes(generate_workers(6 * CHUNK_ROWS, seed=8))
    with upload(content) as file, checked_rows.checked_chunks(file, "big.csv", VAULT, TODAY) as chunks:
        next(chunks)
        for pid in second_processes():
            os.kill(int(pid), signal.SIGKILL)
        with pytest.raises(RuntimeError, match="检查表格的进程意外退出"):
            for _ in chunks:
                pass
    assert second_processes() == []


def test_leaving_an_import_early_stops_its_second_process(every_file_goes_to_a_second_process):
    content = to_csv_bytes(generate_workers(6 * CHUNK_ROWS, seed=9))
    with upload(content) as file, checked_rows.checked_chunks(file, "big.csv", VAULT, TODAY) as chunks:
        next(chunks)
        assert len(second_processes()) == 1
    assert second_processes() == []


IMPORTER_KILLED_MIDWAY = """
import os, signal, sys, tempfile
from datetime import date
from shared.crypto import Vault
from services.registry import checked_rows
from tests.fakes.sheets import generate_workers, to_csv_bytes
file = tempfile.TemporaryFile()
file.write(to_csv_bytes(generate_workers(int(sys.argv[1]), seed=10)))
checked_rows.SECOND_PROCESS_BYTES = 0
with checked_rows.checked_chunks(file, "big.csv", Vault(b"key"), date(2026, 12, 2)) as chunks:
    next(chunks)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_second_process_stops_when_the_importing_process_is_killed():
    importer = subprocess.run([sys.executable, "-c", IMPORTER_KILLED_MIDWAY, str(6 * CHUNK_ROWS)], timeout=120)
    assert importer.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while second_processes():
        assert time.monotonic() < deadline, "the second process outlived the import"
        time.sleep(0.1)


def test_the_second_process_loads_no_database_or_nameko_code():
    """What keeps it checking rows a tenth of a second after it starts, rather than half a second."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, services.registry.checked_rows; "
                "print(sorted(name for name in ('sqlalchemy', 'nameko', 'eventlet', 'kombu') if name in sys.modules))"
            ),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded == "[]"
