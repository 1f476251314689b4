"""Large imports against the real processes: what a 50 MB upload, and one over IMPORT_MAX_BYTES, cost the gateway and
the registry in resident memory (peak RSS from /proc, so every copy counts, Python's or not)."""
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.e2e.builders import assert_error
from tests.fakes.sheets import HEADERS
from tests.integration.cluster import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("db_backend", ["sqlite"]), pytest.mark.timeout(300)]

MB = 1024 * 1024
LIMIT = 64 * MB  # IMPORT_MAX_BYTES's default
# The file crosses the bus inside one RPC message: the gateway holds the body, its base64 text and the JSON it is
# serialised into; the registry the message, the base64 text and the decoded file. About five copies at the peak,
# which (with GATEWAY_MAX_WORKERS uploads at once) is what sizing a gateway or registry must allow for.
COPIES_AT_PEAK = 6


def peak_rss(process) -> int:
    with open(f"/proc/{process.pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))


@pytest.fixture
def processes(config, tmp_path):
    cluster = Cluster(config, tmp_path, instances=1)
    try:
        cluster.start_all()
        yield cluster
    finally:
        cluster.stop_all()


def growth(cluster, send) -> tuple:
    """(the answer, how much the gateway's and the registry's peak RSS grew while it was sent and handled)"""
    gateway, registry = cluster.processes["gateway"][0], cluster.processes["registry"][0]
    before = peak_rss(gateway), peak_rss(registry)
    response = send()
    return response, peak_rss(gateway) - before[0], peak_rss(registry) - before[1]


def test_a_50_mb_upload_is_read_as_a_stream_and_refused_at_its_first_bad_line_with_bounded_memory(processes):
    [api] = processes.gateways
    size = 50 * MB
    head = (",".join(HEADERS) + "\r\n").encode()
    content = head + b"x" * (size - len(head))  # one line of 50 MB: no registry row is anywhere near that

    response, gateway, registry = growth(processes, lambda: api.post(
        "/api/v1/workers/import?filename=big.csv", data=content, headers={"Content-Type": "text/csv"}))

    error = assert_error(response, 400, "validation_error")
    assert error["fields"]["file"] == ["CSV 文件中有一行超过 1 MB，不是有效的登记表"]
    assert gateway < COPIES_AT_PEAK * size and registry < COPIES_AT_PEAK * size, (gateway // MB, registry // MB)
    assert api.get("/api/v1/workers", token=ADMIN_TOKEN).json()["total"] == 0


def test_an_upload_over_the_limit_is_refused_before_it_is_read(processes):
    [api] = processes.gateways
    content = b"x" * (LIMIT + 1)

    declared, gateway, registry = growth(processes, lambda: api.post("/api/v1/workers/import", data=content))
    assert_error(declared, 413, "payload_too_large")
    assert gateway < LIMIT // 4 and registry < MB, (gateway // MB, registry // MB)

    as_form, gateway, _ = growth(processes, lambda: api.post("/api/v1/workers/import", files={"file": ("big.csv", content)}))
    assert_error(as_form, 413, "payload_too_large")
    assert gateway < LIMIT // 4, gateway // MB


def test_an_upload_without_a_declared_length_stops_being_read_at_the_limit(processes):
    [api] = processes.gateways

    def chunks():
        for _ in range(2 * LIMIT // MB):  # twice the limit, if anyone read it all
            yield b"x" * MB

    response, gateway, registry = growth(processes, lambda: api.post("/api/v1/workers/import", data=chunks()))
    assert_error(response, 413, "payload_too_large")
    assert gateway < 3 * LIMIT and registry < MB, (gateway // MB, registry // MB)
