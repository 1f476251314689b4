"""Large imports against the real processes: what a 50 MB upload, and one over IMPORT_MAX_BYTES, cost the gateway and
the registry in resident memory (peak RSS from /proc, so every copy counts, Python's or not).

The upload goes to the registry in parts of 1 MB (shared/upload_parts.py), stored in its database and read back
into a temporary file, so neither process should grow by anything near the file's size. Growth is counted from the
RSS just before the upload (the peak is reset through /proc/PID/clear_refs), after a warm-up import of one full
chunk of rows, so what the first import of a process costs whatever the file's size (compiled statements, the
importer's chunk) is not mistaken for the file. On PostgreSQL: with SQLite the registry's page cache
(cache_size, 64 MB a connection, see shared/db.py) fills with the parts as well, and hides what the code holds.

The tests share one system (module_config, started and warmed up once): each counts the workers from what it finds.
"""

import time

import pytest
from sqlalchemy import func, select

from services.registry.checked_rows import CHUNK_ROWS
from services.registry.models import import_parts
from shared.db import make_engine
from tests.conftest import ADMIN_TOKEN
from tests.e2e.builders import assert_error
from tests.fakes.sheets import HEADERS, generate_workers, to_csv_bytes, write_padded_csv
from tests.integration.cluster import Cluster
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

MB = 1024 * 1024
SIZE = 50 * MB
LIMIT = 64 * MB  # IMPORT_MAX_BYTES's default
WARM_UP = CHUNK_ROWS
PEOPLE = 10_000  # in a sheet padded to 50 MB by a remark column: filing 400,000 people would take minutes here


def memory(process, field: str) -> int:
    with open(f"/proc/{process.pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(field + ":"))


def reset_peak_rss(process) -> int:
    """Start the process's peak RSS (VmHWM) again from its RSS now, which is returned."""
    with open(f"/proc/{process.pid}/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    return memory(process, "VmRSS")


@pytest.fixture(scope="module")
def config(module_config):
    """PostgreSQL: see above."""
    return module_config


@pytest.fixture(scope="module")
def processes(config, tmp_path_factory):
    cluster = Cluster(config, tmp_path_factory.mktemp("large-uploads"), instances=1, RPC_TIMEOUT="300")
    try:
        cluster.start_all()
        [api] = cluster.gateways
        warm_up = api.post("/api/v1/workers/import", data=to_csv_bytes(generate_workers(WARM_UP, seed=49)))
        assert warm_up.status_code == 200 and warm_up.json()["created"] == WARM_UP, warm_up.text
        yield cluster
    finally:
        cluster.stop_all()


def growth(cluster, send) -> tuple:
    """(the answer, how much the gateway's and the registry's peak RSS grew while it was sent and handled)"""
    gateway, registry = cluster.processes["gateway"][0], cluster.processes["registry"][0]
    before = reset_peak_rss(gateway), reset_peak_rss(registry)
    response = send()
    return response, memory(gateway, "VmHWM") - before[0], memory(registry, "VmHWM") - before[1]


def stored_parts(config) -> int:
    engine = make_engine(config["REGISTRY_DB_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(import_parts)).scalar()
    finally:
        engine.dispose()


def finished(api, started) -> dict:
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 120
    while (state := api.get(started.json()["progress_url"]).json())["status"] == "running":
        assert time.monotonic() < deadline, state
        time.sleep(0.2)
    return state


def workers_filed(api) -> int:
    return api.get("/api/v1/workers", token=ADMIN_TOKEN).json()["total"]


def test_a_50_mb_sheet_is_imported_raw_and_as_a_form_without_either_process_holding_it(processes, config, tmp_path):
    [api] = processes.gateways
    filed = workers_filed(api)
    sheet = tmp_path / "big.csv"
    size = write_padded_csv(sheet, generate_workers(PEOPLE, seed=50), SIZE)
    assert size > 0.95 * SIZE

    with sheet.open("rb") as body:  # sent from the file, with its Content-Length
        raw, gateway, registry = growth(
            processes,
            lambda: api.post(
                "/api/v1/workers/import?filename=big.csv", data=body, headers={"Content-Type": "text/csv"}
            ),
        )
    assert raw.status_code == 200, raw.text
    result = raw.json()
    assert (result["total_rows"], result["created"], result["updated"], result["unchanged"], result["rejected"]) == (
        PEOPLE,
        PEOPLE,
        0,
        0,
        [],
    )
    assert gateway < size // 2 and registry < size // 2, (gateway // MB, registry // MB)

    with sheet.open("rb") as file:  # in the background this time: the same parts, the same result
        state, gateway, registry = growth(
            processes,
            lambda: finished(
                api, api.post("/api/v1/workers/import?async=1", files={"file": ("big.csv", file, "text/csv")})
            ),
        )
    again = state["result"]
    assert (state["status"], again["total_rows"], again["created"], again["unchanged"], again["rejected"]) == (
        "done",
        PEOPLE,
        0,
        PEOPLE,
        [],
    )
    assert gateway < size // 2 and registry < size // 2, (gateway // MB, registry // MB)
    assert workers_filed(api) == filed + PEOPLE
    # the parts go when the import has ended: its progress may show "done" a moment before
    wait_until(lambda: stored_parts(config) == 0)


def test_a_50_mb_upload_is_read_as_a_stream_and_refused_at_its_first_bad_line_with_bounded_memory(processes, config):
    [api] = processes.gateways
    filed = workers_filed(api)
    head = (",".join(HEADERS) + "\r\n").encode()
    content = head + b"x" * (SIZE - len(head))  # one line of 50 MB: no registry row is anywhere near that

    response, gateway, registry = growth(
        processes,
        lambda: api.post("/api/v1/workers/import?filename=big.csv", data=content, headers={"Content-Type": "text/csv"}),
    )

    error = assert_error(response, 400, "validation_error")
    assert error["fields"]["file"] == ["CSV 文件中有一行超过 1 MB，不是有效的登记表"]
    assert gateway < SIZE // 2 and registry < SIZE // 2, (gateway // MB, registry // MB)
    assert workers_filed(api) == filed
    assert stored_parts(config) == 0


def test_an_upload_over_the_limit_is_refused_before_it_is_read(processes):
    [api] = processes.gateways
    content = b"x" * (LIMIT + 1)

    declared, gateway, registry = growth(processes, lambda: api.post("/api/v1/workers/import", data=content))
    assert_error(declared, 413, "payload_too_large")
    assert gateway < LIMIT // 4 and registry < MB, (gateway // MB, registry // MB)

    as_form, gateway, _ = growth(
        processes, lambda: api.post("/api/v1/workers/import", files={"file": ("big.csv", content)})
    )
    assert_error(as_form, 413, "payload_too_large")
    assert gateway < LIMIT // 4, gateway // MB


def test_an_upload_without_a_declared_length_stops_being_read_at_the_limit_and_its_parts_are_dropped(processes, config):
    [api] = processes.gateways

    def chunks():
        for _ in range(2 * LIMIT // MB):  # twice the limit, if anyone read it all
            yield b"x" * MB

    response, gateway, registry = growth(processes, lambda: api.post("/api/v1/workers/import", data=chunks()))
    assert_error(response, 413, "payload_too_large")
    # the parts sent before the limit was reached went through the registry one at a time
    assert gateway < LIMIT // 4 and registry < LIMIT // 4, (gateway // MB, registry // MB)
    wait_until(lambda: stored_parts(config) == 0)
