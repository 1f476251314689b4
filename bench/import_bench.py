"""The import part of `make bench`: 100,000 generated rows through the registry, against the raw floor.

Imported means validated, persisted with their audit records and events in the outbox; the time
until the outbox relay has every event confirmed on the broker is printed beside it, with the raw
publish rate of the same broker as its anchor.
"""

import tempfile
import time
from pathlib import Path

from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ServiceRpcProxy

from bench import DATA_KEY
from bench.broker import bind_counting_queue, private_vhost, wait_for_queued
from bench.floor import raw_import_seconds, raw_publish_rate
from services.registry.service import RegistryService
from shared.config import nameko_config
from shared.migrations import upgrade
from shared.upload_parts import import_content
from tests.fakes.sheets import generate_workers, to_csv_bytes
from tests.fakes.unions import add_to_database

ROWS = 100_000
TARGET_SECONDS = 8.0
TARGET_FLOOR_RATIO = 10.0


def run(rows: int = ROWS) -> dict:
    print(f"导入基准：生成 {rows} 行合成数据 …", flush=True)
    csv_bytes = to_csv_bytes(generate_workers(rows, seed=2026))
    with tempfile.TemporaryDirectory() as workdir, private_vhost() as amqp_uri:
        floor = raw_import_seconds(csv_bytes, Path(workdir))
        publish_rate = raw_publish_rate(amqp_uri, min(rows, 20_000))
        config = nameko_config(
            AMQP_URI=amqp_uri,
            HARDSHIP_VAR_DIR=workdir,
            DATA_KEY=DATA_KEY,
            REGISTRY_DB_URL=f"sqlite:///{workdir}/registry.db",
            RPC_TIMEOUT="600",
        )
        upgrade("registry", config)
        add_to_database(config["REGISTRY_DB_URL"])
        queue = bind_counting_queue(amqp_uri, "registry.events")
        runner = ServiceRunner(config)
        runner.add_service(RegistryService)
        runner.start()
        try:
            with ServiceRpcProxy("registry", config, timeout=600) as registry:
                started = time.perf_counter()
                result = import_content(registry, csv_bytes, "bench.csv", "bench")
                imported = time.perf_counter() - started
            published = imported + wait_for_queued(amqp_uri, queue, result["created"])
        finally:
            runner.stop()
    assert result["created"] == rows and not result["rejected"], result["rejected"][:5]
    figures = {
        "rows": rows,
        "import_seconds": imported,
        "rows_per_second": rows / imported,
        "published_seconds": published,
        "floor_seconds": floor,
        "floor_ratio": imported / floor,
        "raw_publish_per_second": publish_rate,
    }
    report(figures)
    return figures


def report(f: dict) -> None:
    print(
        f"  导入 {f['rows']} 行（校验、加密、入库、审计、事件写入 outbox）：{f['import_seconds']:.2f} s，"
        f"{f['rows_per_second']:,.0f} 行/秒（目标 ≤ {TARGET_SECONDS:.0f} s）"
    )
    print(
        f"  原始下限（csv 解析 + 校验位 + sqlite executemany）：{f['floor_seconds']:.2f} s；"
        f"倍数 {f['floor_ratio']:.1f}×（目标 ≤ {TARGET_FLOOR_RATIO:.0f}×）"
    )
    print(f"  全部 {f['rows']} 个事件经 outbox 发布并被 RabbitMQ 确认：{f['published_seconds']:.2f} s")
    print(
        f"  锚点：同一 broker 上原始发布（持久化消息 + publisher confirms）{f['raw_publish_per_second']:,.0f} 条/秒，"
        f"即 {f['rows']} 条至少需 {f['rows'] / f['raw_publish_per_second']:.1f} s"
    )
