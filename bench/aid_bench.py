"""The aid part of `make bench`: 10,000 applications submitted and approved over HTTP by 16 clients.

The anchor, measured in the same run on the same broker, is the raw nameko RPC rate: 16 clients
calling a service's ping through nameko's standalone proxy.
"""

import http.client
import statistics
import tempfile
import time
from datetime import date
from urllib.parse import urlsplit

import eventlet
import orjson
from nameko.standalone.rpc import ServiceRpcProxy

from bench.broker import private_vhost
from bench.system import ADMIN_TOKEN, running_system
from shared import clock
from tests.conftest import free_port
from tests.fakes.sheets import generate_workers, to_csv_bytes

APPLICATIONS = 10_000
CLIENTS = 16
BATCH = 100
TARGET_PER_SECOND = 250
# The business date the system runs on: a 公示 of five working days must end inside a year the working calendar
# knows, whatever the real date (late in December it would run into next year's).
TODAY = "2026-08-10"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Client:
    """One user's keep-alive HTTP connection. The standard library's client: the load generator shares the
    machine's two cores with the system it measures, so it should take as little of them as it can."""

    def __init__(self, base_url: str, token: str):
        address = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=600)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.latencies: list[float] = []

    def fetch(
        self, method: str, path: str, expected: int, body: bytes | None = None, content_type: str = "application/json"
    ) -> bytes:
        started = time.perf_counter()
        headers = self.headers if body is None else {**self.headers, "Content-Type": content_type}
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        answer = response.read()
        self.latencies.append(time.perf_counter() - started)
        if response.status != expected:
            raise RuntimeError(f"{method} {path} → {response.status} {answer[:300].decode(errors='replace')}")
        return answer

    def call(
        self,
        method: str,
        path: str,
        expected: int,
        json=None,
        data: bytes | None = None,
        content_type: str = "application/json",
    ) -> dict:
        body = orjson.dumps(json) if json is not None else data
        return orjson.loads(self.fetch(method, path, expected, body, content_type))


RPC_CALLS_PER_CLIENT = 200  # the RPC anchor's calls per client, fewer at a small size: no more than its applications


def raw_rpc_rate(amqp_uri: str, calls_per_client: int = RPC_CALLS_PER_CLIENT) -> float:
    """RPC calls a second to the registry's ping from CLIENTS proxies at once (a proxy serves one caller)."""
    proxies = [ServiceRpcProxy("registry", {"AMQP_URI": amqp_uri}) for _ in range(CLIENTS)]
    registries = [proxy.start() for proxy in proxies]
    try:
        for registry in registries:
            registry.ping()
        started = time.perf_counter()
        pool = eventlet.GreenPool(CLIENTS)
        list(pool.imap(lambda registry: [registry.ping() for _ in range(calls_per_client)], registries))
        return CLIENTS * calls_per_client / (time.perf_counter() - started)
    finally:
        for proxy in proxies:
            proxy.stop()


def prepare(
    base_url: str, applications: int, publicity_days: int = 5, today: date | None = None
) -> tuple[list[str], str, str, str]:
    admin = Client(base_url, ADMIN_TOKEN)
    maker = admin.call("POST", "/api/v1/users", 201, json={"name": "基准经办", "role": "caseworker"})["token"]
    checker = admin.call("POST", "/api/v1/users", 201, json={"name": "基准审核", "role": "caseworker"})["token"]
    rows = generate_workers(applications, seed=11)
    for row in rows:
        row["hardship_category"] = "深度困难"
    Client(base_url, maker).call(
        "POST", "/api/v1/workers/import?filename=bench.csv", 200, data=to_csv_bytes(rows), content_type="text/csv"
    )
    worker_ids = []
    for page in range(1, applications // 500 + 2):
        worker_ids += [
            item["worker_id"] for item in admin.call("GET", f"/api/v1/workers?per_page=500&page={page}", 200)["items"]
        ]
    today = today or clock.today()
    campaign = admin.call(
        "POST",
        "/api/v1/campaigns",
        201,
        json={
            "program": "warmth",
            "name": "基准送温暖",
            "year": today.year,
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "budget_fen": 300_000 * applications,
            "amounts": {"deep": 300_000},
            "publicity_days": publicity_days,
        },
    )
    return worker_ids[:applications], campaign["campaign_id"], maker, checker


def each_client(clients: list[Client], count: int, work) -> list:
    """work(client, index) for every index below count, every client at once, each on its own connection
    in turn (client k takes k, k + len(clients), …); the answers in index order."""
    answers = [None] * count

    def serve(k: int) -> None:
        for index in range(k, count, len(clients)):
            answers[index] = work(clients[k], index)

    list(eventlet.GreenPool(len(clients)).imap(serve, range(len(clients))))
    return answers


def submit_all(
    makers: list[Client], campaign_id: str, worker_ids: list[str], then=lambda application_id: None
) -> list[str]:
    """One application per worker, over HTTP, from every client at once; then(application_id) as each is
    accepted; the application ids in order."""

    def submit(maker: Client, index: int) -> str:
        application_id = maker.call(
            "POST", "/api/v1/applications", 201, json={"campaign_id": campaign_id, "worker_id": worker_ids[index]}
        )["application_id"]
        then(application_id)
        return application_id

    return each_client(makers, len(worker_ids), submit)


def approve_batch(checker: Client, application_ids: list[str]) -> int:
    """One batch approval; how many it approved."""
    return len(
        checker.call("POST", "/api/v1/applications/approve-batch", 200, json={"application_ids": application_ids})[
            "approved"
        ]
    )


def approve_all(checkers: list[Client], application_ids: list[str]) -> int:
    """Batch approval, BATCH at a time, from every client at once; how many were approved."""
    batches = [application_ids[start : start + BATCH] for start in range(0, len(application_ids), BATCH)]
    return sum(each_client(checkers, len(batches), lambda checker, index: approve_batch(checker, batches[index])))


def run(applications: int = APPLICATIONS) -> dict:
    print(f"审批基准：{applications} 件申请，{CLIENTS} 个并发客户端经 HTTP 提交并批量批准 …", flush=True)
    with (
        tempfile.TemporaryDirectory() as workdir,
        private_vhost() as amqp_uri,
        running_system(amqp_uri, workdir, free_port(), HARDSHIP_TODAY=TODAY) as system,
    ):
        base_url = system.base_url
        worker_ids, campaign_id, maker_token, checker_token = prepare(
            base_url, applications, today=date.fromisoformat(TODAY)
        )
        makers = [Client(base_url, maker_token) for _ in range(CLIENTS)]
        checkers = [Client(base_url, checker_token) for _ in range(CLIENTS)]
        cpu_before = system.cpu_seconds()
        started = time.perf_counter()
        application_ids = submit_all(makers, campaign_id, worker_ids)
        submitted = time.perf_counter() - started
        cpu_submitted = system.cpu_seconds()
        approved = approve_all(checkers, application_ids)
        elapsed = time.perf_counter() - started
        cpu_after = system.cpu_seconds()
        figures = Client(base_url, ADMIN_TOKEN).call("GET", f"/api/v1/campaigns/{campaign_id}", 200)
        rpc_rate = raw_rpc_rate(amqp_uri, max(1, min(RPC_CALLS_PER_CLIENT, applications // CLIENTS)))
    assert approved == len(application_ids) == figures["counts"]["publicizing"], (approved, figures["counts"])
    assert figures["committed_fen"] == 300_000 * approved
    submit_latencies = [latency for client in makers for latency in client.latencies]
    batch_latencies = [latency for client in checkers for latency in client.latencies]
    result = {
        "applications": approved,
        "seconds": elapsed,
        "per_second": approved / elapsed,
        "submit_seconds": submitted,
        "submit_p50_ms": 1000 * statistics.median(submit_latencies),
        "submit_p99_ms": 1000 * percentile(submit_latencies, 0.99),
        "batch_p50_ms": 1000 * statistics.median(batch_latencies),
        "batch_p99_ms": 1000 * percentile(batch_latencies, 0.99),
        "raw_rpc_per_second": rpc_rate,
        "submit_cpu_ms": {name: 1000 * (cpu_submitted[name] - cpu_before[name]) / approved for name in cpu_after},
        "approve_cpu_ms": {name: 1000 * (cpu_after[name] - cpu_submitted[name]) / approved for name in cpu_after},
    }
    print(
        f"  {approved} 件提交并批准：{elapsed:.1f} s，{result['per_second']:,.0f} 件/秒（目标 ≥ {TARGET_PER_SECOND}）；"
        f"其中提交 {submitted:.1f} s"
    )
    print(
        f"  提交请求延迟 p50 {result['submit_p50_ms']:.0f} ms，p99 {result['submit_p99_ms']:.0f} ms；"
        f"批量批准（每批 {BATCH} 件）p50 {result['batch_p50_ms']:.0f} ms，p99 {result['batch_p99_ms']:.0f} ms"
    )
    for phase, label in (("submit_cpu_ms", "提交"), ("approve_cpu_ms", "批准")):
        print(
            f"  每件申请{label}耗用的 CPU："
            + "，".join(f"{name} {ms:.1f} ms" for name, ms in result[phase].items())
            + f"；合计 {sum(result[phase].values()):.1f} ms"
        )
    print(f"  锚点：同一 broker 上 nameko 原始 RPC {rpc_rate:,.0f} 次/秒（{CLIENTS} 个并发客户端调用 ping）")
    return result
