"""POST /api/v1/workers/import (CSV/XLSX, raw body or multipart) and GET /api/v1/imports/{id}."""

import time

import eventlet
import pytest

from services.registry.spreadsheet import NOTE_LINE
from shared.masking import mask_name
from tests.e2e.aid_builders import start_system
from tests.e2e.builders import (
    SAMPLE_CSV,
    SAMPLE_XLSX,
    assert_error,
    id_number_ending_in_x,
    own_tag,
    rejected_set,
    sample_data_rows,
    sample_expected_errors,
    tagged_rows,
    tagged_total,
    total_workers,
)
from tests.fakes.sheets import FOOTER, TITLE, generate_workers, to_csv_bytes, to_xlsx_bytes, with_errors

IMPORT = "/api/v1/workers/import"


def import_ok(api, **kwargs) -> dict:
    response = api.post(IMPORT, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def sample_upload(how: str) -> dict:
    if how == "raw-csv":
        return {"data": SAMPLE_CSV.read_bytes(), "headers": {"Content-Type": "text/csv"}}
    if how == "multipart-csv":
        return {"files": {"file": ("workers_sample.csv", SAMPLE_CSV.read_bytes(), "text/csv")}}
    return {"files": {"file": ("workers_sample.xlsx", SAMPLE_XLSX.read_bytes())}}


def test_sample_sheet_imported_async_then_in_every_format_rejects_exactly_the_expected_errors(config, runner_factory):
    """The shipped samples' people have fixed ID numbers, so this test has a register of its own: the CSV filed
    once (asynchronously, with progress), then sent again raw and as a multipart upload (every good row the same
    file again, unchanged); the XLSX filed, then sent again; each rejecting exactly the expected rows."""
    _runner, api = start_system(runner_factory, config)
    data_rows = sample_data_rows()
    expected = sample_expected_errors()
    created = data_rows - len({row for row, _ in expected})

    response = api.post(IMPORT + "?async=1&filename=workers_sample.csv", data=SAMPLE_CSV.read_bytes())
    assert response.status_code == 202, response.text
    started = response.json()
    import_id = started["import_id"]
    assert started["progress_url"] == f"/api/v1/imports/{import_id}"
    deadline = time.monotonic() + 60
    while True:
        progress = api.get(f"/api/v1/imports/{import_id}")
        assert progress.status_code == 200, progress.text
        state = progress.json()
        if state["status"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert (state["status"], state["progress"], state["processed_rows"], state["filename"]) == (
        "done",
        100,
        data_rows,
        "workers_sample.csv",
    )
    result = state["result"]
    assert rejected_set(result) == expected
    assert (result["import_id"], result["total_rows"], result["created"], result["updated"], result["unchanged"]) == (
        import_id,
        data_rows,
        created,
        0,
        0,
    )
    assert total_workers(api) == created
    assert state["finished_at"] is not None

    def imported(how: str, counts: tuple[int, int], filed: int) -> None:
        result = import_ok(api, **sample_upload(how))
        assert rejected_set(result) == expected, how
        assert all(isinstance(item["message"], str) and item["message"] for item in result["rejected"]), how
        assert len(result["rejected"]) == len(expected), how
        new, unchanged = counts
        assert (result["total_rows"], result["created"], result["updated"], result["unchanged"]) == (
            data_rows,
            new,
            0,
            unchanged,
        ), how
        assert total_workers(api) == filed, how

    # the CSV again, both ways: the same people, every good row the same file again
    imported("raw-csv", (0, created), created)
    imported("multipart-csv", (0, created), created)
    # the XLSX sample holds other people, with its errors on the same rows: filed once, then unchanged
    imported("multipart-xlsx", (created, 0), 2 * created)
    imported("multipart-xlsx", (0, created), 2 * created)


def test_gb18030_and_utf8_bom_csv_import_identically(api):
    tag = own_tag()
    rows = tagged_rows(generate_workers(40, seed=11), tag)
    first = import_ok(api, data=to_csv_bytes(rows, "gb18030"))
    assert (first["total_rows"], first["created"], first["rejected"]) == (40, 40, [])
    for encoding in ("utf-8-sig", "utf-8"):
        again = import_ok(api, data=to_csv_bytes(rows, encoding))
        assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 40, [])
    listed = api.get(f"/api/v1/workers?q={tag}&per_page=500").json()
    assert listed["total"] == 40
    assert sorted(item["employer"] for item in listed["items"]) == sorted(row["employer"] for row in rows)
    assert sorted(item["name"] for item in listed["items"]) == sorted(mask_name(row["name"]) for row in rows)
    assert sorted(item["union"] for item in listed["items"]) == sorted(row["union"] for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_generated_sheet_with_errors_rejects_exactly_those(api, fmt):
    tag = own_tag()
    rows, expected = with_errors(tagged_rows(generate_workers(120, seed=5), tag))
    content = to_csv_bytes(rows) if fmt == "csv" else to_xlsx_bytes(rows)
    result = import_ok(api, files={"file": (f"sheet.{fmt}", content)})
    assert rejected_set(result) == {(item["row"], item["field"]) for item in expected}
    assert (result["total_rows"], result["created"]) == (120, 120 - len(expected))
    assert tagged_total(api, tag) == 120 - len(expected)


def test_changing_one_phone_updates_exactly_that_file(api):
    tag = own_tag()
    rows = tagged_rows(generate_workers(30, seed=3), tag)
    assert import_ok(api, data=to_csv_bytes(rows))["created"] == 30
    rows[9] = {**rows[9], "phone": "13912345678"}
    again = import_ok(api, data=to_csv_bytes(rows))
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 1, 29, [])
    found = api.get(f"/api/v1/workers?id_number={rows[9]['id_number']}").json()["items"]
    assert [(item["phone"], item["version"]) for item in found] == [("139****5678", 2)]
    revealed = api.get(f"/api/v1/workers/{found[0]['worker_id']}?reveal=1").json()
    assert revealed["phone"] == "13912345678"
    assert tagged_total(api, tag) == 30


def test_the_same_people_imported_at_the_same_moment_are_filed_once_and_every_import_succeeds(api):
    tag = own_tag()
    content = to_csv_bytes(tagged_rows(generate_workers(300, seed=11), tag))
    pool = eventlet.GreenPool(4)
    results = list(pool.imap(lambda _: import_ok(api, data=content), range(4)))
    assert sum(result["created"] for result in results) == 300
    assert all(result["created"] + result["unchanged"] == 300 and not result["rejected"] for result in results)
    assert tagged_total(api, tag) == 300


def test_a_chunked_upload_without_a_declared_length_is_read_whole(api):
    tag = own_tag()
    content = to_csv_bytes(tagged_rows(generate_workers(40, seed=13), tag))
    chunks = iter([content[:1000], content[1000:]])  # requests sends a generator as Transfer-Encoding: chunked
    result = import_ok(api, data=chunks, headers={"Content-Type": "text/csv"})
    assert (result["total_rows"], result["created"]) == (40, 40)
    assert tagged_total(api, tag) == 40


@pytest.mark.parametrize(
    "upload,field_message",
    [
        ({"data": b"\x00\x01\x02garbage\xff\xfe"}, "无法识别的文件格式"),
        ({"data": b"PK\x03\x04not really a zip"}, "XLSX"),
        ({"data": b""}, "空"),
        ({"data": "姓名,电话\n张三,1\n".encode()}, "缺少必需的列"),
        ({"files": {"other": ("a.csv", SAMPLE_CSV.read_bytes())}}, "file"),
        ({"files": {"file": ("empty.csv", b"")}}, "空"),
        ({"files": {"file": ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)}}, ".xlsx"),
    ],
    ids=["garbage", "broken-zip", "empty-body", "wrong-header", "no-file-field", "empty-file", "old-xls"],
)
def test_unreadable_uploads_are_refused_and_write_nothing(api, upload, field_message):
    before = total_workers(api)
    error = assert_error(api.post(IMPORT, **upload), 400, "validation_error")
    assert len(error["fields"]["file"]) == 1 and field_message in error["fields"]["file"][0], error
    assert total_workers(api) == before  # the shared register: no file more than before


def test_async_import_of_garbage_ends_failed(api):
    before = total_workers(api)
    response = api.post(IMPORT + "?async=1", data=b"\x00garbage")
    assert response.status_code == 202
    import_id = response.json()["import_id"]
    deadline = time.monotonic() + 30
    while (state := api.get(f"/api/v1/imports/{import_id}").json())["status"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert state["status"] == "failed" and "无法识别的文件格式" in state["result"]["error"]
    assert total_workers(api) == before


def test_unknown_import_is_404(api):
    assert_error(api.get("/api/v1/imports/0123456789abcdef0123456789abcdef"), 404, "not_found")


def test_a_filename_too_long_for_its_column_is_a_400_that_leaves_no_part_behind(live):
    from sqlalchemy import func, select

    from services.registry.models import import_parts
    from shared.db import make_engine

    api = live.api
    engine = make_engine(live.settings["REGISTRY_DB_URL"])

    def parts():
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(import_parts)).scalar()

    before = (parts(), total_workers(api))
    too_long = "帮扶名单" * 64 + ".csv"  # 260 characters; the imports table keeps 255
    for upload in (
        {"params": {"filename": too_long}, "data": SAMPLE_CSV.read_bytes()},
        {"params": {"filename": too_long, "async": "1"}, "data": SAMPLE_CSV.read_bytes()},
        {"files": {"file": (too_long, SAMPLE_CSV.read_bytes(), "text/csv")}},
    ):
        error = assert_error(api.post(IMPORT, **upload), 400, "validation_error")
        assert list(error["fields"]) == ["filename"] and "255" in error["fields"]["filename"][0]
    assert (parts(), total_workers(api)) == before
    engine.dispose()


def test_a_centres_own_sheet_imports_and_number_cells_or_formulas_change_nothing(api):
    """Title over the header, 合计 and notes under the table; then the same people again, the card column typed as
    numbers (IDs ending in X stay text, as in Excel), with a formula for a name and full-width digits for a card."""
    tag = own_tag()
    rows = tagged_rows(generate_workers(6, seed=21), tag)
    for index in (1, 4):
        rows[index] = rows[index] | {"id_number": id_number_ending_in_x()}
    first = import_ok(api, files={"file": ("登记表.xlsx", to_xlsx_bytes(rows, above=[[TITLE], []], below=FOOTER))})
    assert (first["total_rows"], first["created"], first["rejected"]) == (6, 6, [])
    assert first["skipped"] == [
        {"row": 10, "reason": "合计行，未导入"},
        {"row": 11, "reason": NOTE_LINE},
        {"row": 12, "reason": NOTE_LINE},
    ]
    accounts = {row["id_number"]: revealed_account(api, row["id_number"]) for row in rows}

    newcomers = tagged_rows(generate_workers(8, seed=22)[6:], tag)
    newcomers[0] = newcomers[0] | {
        "name": '+HYPERLINK("http://x.example","王芳")',
        "id_number": id_number_ending_in_x(),
    }
    newcomers[1] = newcomers[1] | {
        "bank_account": "６２２２０２０２０００１２３４５６",
        "id_number": id_number_ending_in_x(),
    }
    again = import_ok(
        api,
        files={
            "file": (
                "登记表.xlsx",
                to_xlsx_bytes(
                    rows + newcomers, above=[[TITLE], []], below=FOOTER, numbers=("id_number", "bank_account")
                ),
            )
        },
    )

    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 0)
    by_row = {(item["row"], item["field"]): item for item in again["rejected"]}
    for row_number in (5, 8, 10):  # the IDs ending in X: only their cards were numbers
        card = by_row.pop((row_number, "bank_account"))
        assert card["column"] == "银行卡号" and card["message"].startswith("银行卡号：单元格是数字格式")
        assert "设置为文本后重新填写" in card["message"]
    for row_number in (4, 6, 7, 9):
        assert by_row.pop((row_number, "id_number"))["message"].startswith("身份证号：单元格是数字格式")
        assert by_row.pop((row_number, "bank_account"))["column"] == "银行卡号"
    assert by_row.pop((10, "name")) == {
        "row": 10,
        "field": "name",
        "column": "姓名",
        "message": "姓名：不能以“+”开头（表格软件会把它当作公式执行），请去掉或改写开头的符号",
    }
    assert by_row.pop((11, "bank_account"))["message"] == "银行卡号：银行卡号应为半角数字0-9，请不要用全角数字"
    assert by_row == {}
    assert [line["row"] for line in again["skipped"]] == [12, 13, 14]
    assert {row["id_number"]: revealed_account(api, row["id_number"]) for row in rows} == accounts
    assert tagged_total(api, tag) == 6


def revealed_account(api, id_number: str) -> str:
    [found] = api.get(f"/api/v1/workers?id_number={id_number}").json()["items"]
    return api.get(f"/api/v1/workers/{found['worker_id']}?reveal=1").json()["bank"]["account"]
