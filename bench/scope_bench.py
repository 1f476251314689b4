"""The scope part of `make bench`: a registry of 1,000,000 workers over 3,016 union units on PostgreSQL (a throw-away
database, dropped at the end), searched by district caseworkers — a name's first characters (`q`), a hardship
category, a page of 50 and its total — through the function the list_workers RPC runs, against the same two queries
sent as raw SQL through psycopg2 (the anchor), query by query, with varied districts and names; then the root's
roll-up report over it and a throw-away aid database (report_bench.py)."""

import random
import time
import uuid
from types import SimpleNamespace

import psycopg2
from sqlalchemy.orm import Session

from bench import report_bench, scope_rows
from services.registry.service import RegistryService
from shared.crypto import Vault
from shared.db import make_engine
from shared.migrations import upgrade
from shared.org_paths import subtree_pattern

WORKERS = 1_000_000
SEARCHES = 200
WARM_UP = 20  # searches of each kind run first, untimed: the first ones fill the caches
PER_PAGE = 50
TARGET_P95_MS = 50.0
TARGET_RAW_RATIO = 3.0
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
CONDITIONS = "path LIKE %(scope)s AND category = %(category)s AND (name LIKE %(q)s OR employer LIKE %(q)s)"
ORDER = "ORDER BY created_at, worker_id"
# the registry's shape (store.search): the page's ids with the total, then the page's files
RAW_PAGE = f"SELECT worker_id, count(*) OVER () FROM workers WHERE {CONDITIONS} {ORDER} LIMIT {PER_PAGE}"
RAW_FILES = f"SELECT * FROM workers WHERE worker_id = ANY(%(ids)s) {ORDER}"


def _admin(statement: str) -> None:
    connection = psycopg2.connect(POSTGRES_ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def searches(tree: scope_rows.Tree, rng: random.Random, count: int) -> list[dict]:
    """(district, query) pairs as caseworkers type them: a surname, or a surname and a given name's first character."""
    return [
        {
            "district": rng.choice(tree.districts),
            "q": name[: rng.choice((1, 2))],
            "category": rng.choice(scope_rows.CATEGORIES),
        }
        for name in scope_rows.names(rng, count)
    ]


def through_the_registry(registry, search: dict) -> int:
    query = {"q": search["q"], "category": search["category"], "page": "1", "per_page": str(PER_PAGE)}
    answer = RegistryService.list_workers(registry, query, search["district"].org_unit_id)
    registry.db.rollback()  # as the RPC's worker ends its session
    return answer["total"]


def as_raw_sql(connection, search: dict) -> int:
    values = {
        "scope": subtree_pattern(search["district"].path),
        "category": search["category"],
        "q": f"%{search['q']}%",
    }
    with connection.cursor() as cursor:
        cursor.execute(RAW_PAGE, values)
        page = cursor.fetchall()
        total = page[0][1] if page else 0
        cursor.execute(RAW_FILES, {"ids": [worker_id for worker_id, _ in page]})
        cursor.fetchall()
    connection.rollback()
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(registry, connection, plan: list[dict]) -> tuple[list[float], list[float]]:
    """Each search's milliseconds both ways, the two taking turns at going first; both must find the same total."""
    ours, raw = [], []
    for number, search in enumerate(plan):
        both = [(ours, through_the_registry, registry), (raw, as_raw_sql, connection)]
        totals = []
        for times, call, through in both if number % 2 else both[::-1]:
            started = time.perf_counter()
            totals.append(call(through, search))
            times.append((time.perf_counter() - started) * 1000)
        assert totals[0] == totals[1], (search, totals)
    return ours, raw


def search_figures(workers: int, units: int, ours: list[float], raw: list[float]) -> dict:
    figures = {
        "workers": workers,
        "units": units,
        "searches": SEARCHES,
        "p50_ms": percentile(ours, 0.5),
        "p95_ms": percentile(ours, 0.95),
        "raw_p50_ms": percentile(raw, 0.5),
        "raw_p95_ms": percentile(raw, 0.95),
    }
    figures["raw_ratio"] = figures["p95_ms"] / figures["raw_p95_ms"]
    print(
        f"  经 list_workers：p50 {figures['p50_ms']:.1f} ms，p95 {figures['p95_ms']:.1f} ms（目标 ≤ {TARGET_P95_MS:.0f} ms）"
    )
    print(
        f"  原始 SQL（psycopg2）：p50 {figures['raw_p50_ms']:.1f} ms，p95 {figures['raw_p95_ms']:.1f} ms；"
        f"p95 之比 {figures['raw_ratio']:.2f} 倍（目标 ≤ {TARGET_RAW_RATIO:.0f} 倍）",
        flush=True,
    )
    return figures


def run(workers: int = WORKERS) -> dict:
    units = 1 + scope_rows.DISTRICTS * (1 + scope_rows.BASES)
    print(
        f"范围检索基准：PostgreSQL 上 {workers:,} 份档案、{units:,} 个工会组织，区县经办人按姓名前几个字与困难类别检索"
        f"（每页 {PER_PAGE} 条及总数），{SEARCHES} 次…",
        flush=True,
    )
    name = f"hardship_bench_{uuid.uuid4().hex[:12]}"
    url, aid_url = (POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + database for database in (name, f"{name}_aid"))
    _admin(f'CREATE DATABASE "{name}"')
    _admin(f'CREATE DATABASE "{name}_aid"')
    try:
        upgrade("registry", {"REGISTRY_DB_URL": url})
        started = time.perf_counter()
        tree = scope_rows.fill(url, workers)
        print(f"  建树并以 COPY 载入 {workers:,} 份档案、ANALYZE：{time.perf_counter() - started:.1f} s", flush=True)
        engine = make_engine(url)
        registry = SimpleNamespace(db=Session(engine), vault=Vault(b"bench-key"))
        connection = psycopg2.connect(url)
        plan = searches(tree, random.Random(7), WARM_UP + SEARCHES)
        timed(registry, connection, plan[:WARM_UP])
        ours, raw = timed(registry, connection, plan[WARM_UP:])
        registry.db.close()
        engine.dispose()
        connection.close()
        figures = search_figures(workers, units, ours, raw)
        figures.update(report_bench.run(url, aid_url, tree, workers))
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'DROP DATABASE IF EXISTS "{name}_aid" WITH (FORCE)')
    return figures
