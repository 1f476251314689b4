"""The notify part of `make bench`: status events turned into SMS records, and SMS paced by the provider's QPS.

Part one: 10,000 `aid.application_submitted` events reach notify, which records one SMS each (the
console provider, sending paused so only the recording is timed). The anchor, measured in the same
run on the same broker, is the raw nameko event rate: a handler that does nothing, fed the same events.

Part two: 2,000 events with the provider limited to 100 SMS a second, timed from publishing until the
last SMS is sent; the floor is 2,000 / 100 = 20 s.
"""

import tempfile
import time

import orjson
from nameko.events import event_handler
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select

from bench import DATA_KEY
from bench.broker import private_vhost
from services.notify.models import messages
from services.notify.service import NotifyService
from services.registry.models import workers
from services.registry.service import RegistryService
from shared.bus import ConfirmingPublisher
from shared.config import nameko_config
from shared.db import make_engine
from shared.event_types import build
from shared.events import exchange_name, new_id
from shared.migrations import upgrade
from shared.upload_parts import import_content
from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.fakes.unions import add_to_database

EVENTS = 10_000
PACED = 2_000
PACED_QPS = 100
TARGET_RAW_SHARE = 0.5
TARGET_OVER_FLOOR = 0.10
PUBLISH_CHUNK = 1000
received = {"count": 0}


class RawSink:
    """The anchor: nameko's own event handler doing nothing with each event."""

    name = "bench_raw_sink"

    @event_handler("aid", "application_submitted")
    def on_application_submitted(self, payload):
        received["count"] += 1


def submitted_events(worker_ids: list[str]) -> list[tuple[str, bytes, str]]:
    events = []
    for worker_id in worker_ids:
        payload = build(
            "application_submitted",
            application_id=new_id(),
            campaign_id="0" * 32,
            worker_id=worker_id,
            program="warmth",
            status="submitted",
            from_status=None,
            amount_fen=300_000,
            reason=None,
            campaign_name="2026年春节送温暖",
            publicity_ends_on=None,
        )
        events.append(("application_submitted", orjson.dumps(payload), payload["event_id"]))
    return events


def publish(amqp_uri: str, events) -> None:
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        for start in range(0, len(events), PUBLISH_CHUNK):
            publisher.publish(exchange_name("aid"), events[start : start + PUBLISH_CHUNK])
    finally:
        publisher.close()


def wait_for(condition, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark did not finish in time")
        time.sleep(0.02)


def run_services(config, *services) -> ServiceRunner:
    runner = ServiceRunner(config)
    for service in services:
        runner.add_service(service)
    runner.start()
    return runner


def raw_event_seconds(amqp_uri: str, events, max_workers: int) -> float:
    """The anchor, with as many concurrent workers (and as much prefetch) as notify gets."""
    received["count"] = 0
    runner = run_services({"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": max_workers}, RawSink)
    try:
        started = time.perf_counter()
        publish(amqp_uri, events)
        wait_for(lambda: received["count"] >= len(events))
        return time.perf_counter() - started
    finally:
        runner.kill()


def filed_workers(config, workdir: str, count: int) -> list[str]:
    """`count` workers imported into the registry; their ids."""
    with ServiceRpcProxy("registry", config, timeout=600) as registry:
        csv_bytes = to_csv_bytes(generate_workers(count, seed=7))
        import_content(registry, csv_bytes, "bench.csv", "bench")
    engine = make_engine(config["REGISTRY_DB_URL"])
    with engine.connect() as connection:
        ids = list(connection.execute(select(workers.c.worker_id)).scalars())
    engine.dispose()
    return ids


def message_count(engine, *statuses) -> int:
    query = select(func.count()).select_from(messages)
    if statuses:
        query = query.where(messages.c.status.in_(statuses))
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def notify_seconds(amqp_uri: str, workdir: str, config, events, expected_statuses=(), **settings) -> float:
    """Seconds from publishing `events` until notify holds that many messages (in those statuses)."""
    notify_config = {
        **config,
        "NOTIFY_DB_URL": f"sqlite:///{workdir}/notify-{len(events)}.db",
        **settings,
        "max_workers": int(config["NOTIFY_MAX_WORKERS"]),
    }
    upgrade("notify", notify_config)
    engine = make_engine(notify_config["NOTIFY_DB_URL"])
    runner = run_services(notify_config, NotifyService)
    try:
        started = time.perf_counter()
        publish(amqp_uri, events)
        wait_for(lambda: message_count(engine, *expected_statuses) >= len(events))
        return time.perf_counter() - started
    finally:
        runner.stop()
        engine.dispose()


def run(events: int = EVENTS) -> dict:
    print(
        f"短信基准：{events} 个状态事件生成短信记录；另 {PACED} 条短信按服务商限速 {PACED_QPS} 条/秒发送 …", flush=True
    )
    with tempfile.TemporaryDirectory() as workdir, private_vhost() as amqp_uri:
        config = nameko_config(
            AMQP_URI=amqp_uri,
            HARDSHIP_VAR_DIR=workdir,
            DATA_KEY=DATA_KEY,
            RPC_TIMEOUT="600",
            REGISTRY_DB_URL=f"sqlite:///{workdir}/registry.db",
            SMS_QUIET_HOURS="off",
        )
        upgrade("registry", config)
        add_to_database(config["REGISTRY_DB_URL"])
        registry = run_services(config, RegistryService)
        try:
            worker_ids = filed_workers(config, workdir, max(events, PACED))
            raw = raw_event_seconds(amqp_uri, submitted_events(worker_ids[:events]), int(config["NOTIFY_MAX_WORKERS"]))
            recorded = notify_seconds(
                amqp_uri, workdir, config, submitted_events(worker_ids[:events]), SMS_DISPATCH_SECONDS="3600"
            )
            paced = notify_seconds(
                amqp_uri,
                workdir,
                config,
                submitted_events(worker_ids[:PACED]),
                ("sent",),
                SMS_PROVIDER_QPS=str(PACED_QPS),
                SMS_DISPATCH_SECONDS="0.1",
            )
        finally:
            registry.stop()
    floor = PACED / PACED_QPS
    figures = {
        "events": events,
        "record_seconds": recorded,
        "records_per_second": events / recorded,
        "raw_events_per_second": events / raw,
        "raw_share": raw / recorded,
        "paced": PACED,
        "paced_seconds": paced,
        "paced_floor_seconds": floor,
        "paced_over_floor": paced / floor - 1,
    }
    report(figures)
    return figures


def report(f: dict) -> None:
    print(
        f"  {f['events']} 个事件生成短信记录：{f['record_seconds']:.2f} s，{f['records_per_second']:,.0f} 条/秒；"
        f"为原始事件速率的 {f['raw_share']:.0%}（目标 ≥ {TARGET_RAW_SHARE:.0%}）"
    )
    print(f"  锚点：同一 broker 上 nameko 原始事件处理 {f['raw_events_per_second']:,.0f} 个/秒（处理函数什么也不做）")
    print(
        f"  {f['paced']} 条短信限速 {PACED_QPS} 条/秒发送完毕：{f['paced_seconds']:.1f} s；下限 {f['paced_floor_seconds']:.0f} s，"
        f"超出 {f['paced_over_floor']:.1%}（目标 ≤ {TARGET_OVER_FLOOR:.0%}）"
    )
