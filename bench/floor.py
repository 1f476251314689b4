"""The raw floor for an import: a plain csv parse, the ID checksum and one sqlite executemany."""

import csv
import io
import sqlite3
import time
from pathlib import Path

import orjson

from bench.broker import bind_counting_queue
from shared.bus import ConfirmingPublisher
from shared.event_types import build
from shared.validation import id_check_char


def raw_import_seconds(csv_bytes: bytes, workdir: Path) -> float:
    """Seconds to parse, checksum and store the rows with nothing else in the way."""
    path = workdir / "floor.db"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    reader = csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")))
    next(reader)
    rows = [row for row in reader if id_check_char(row[1][:17]) == row[1][17]]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"CREATE TABLE workers ({', '.join(f'c{i} TEXT' for i in range(len(rows[0])))})")
    connection.executemany(f"INSERT INTO workers VALUES ({', '.join('?' * len(rows[0]))})", rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def raw_publish_rate(amqp_uri: str, messages: int) -> float:
    """Messages per second the project's confirming publisher gets into a queue of this broker, with nothing else running."""
    bind_counting_queue(amqp_uri, "bench.raw", "bench.raw.count")
    body = orjson.dumps(
        build(
            "worker_registered",
            worker_id="0" * 32,
            category="deep",
            union="基准工会",
            org_unit_id="0" * 32,
            status="active",
            household_size=3,
            filed_on="2026-01-05",
            review_due_on="2027-01-05",
        )
    )
    publisher = ConfirmingPublisher(amqp_uri)
    started = time.perf_counter()
    for start in range(0, messages, 1000):
        publisher.publish("bench.raw", [("raw", body, str(n)) for n in range(start, min(start + 1000, messages))])
    elapsed = time.perf_counter() - started
    publisher.close()
    return messages / elapsed
