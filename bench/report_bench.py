"""The roll-up report's part of the scope benchmark: the root's summary (统计报表) over scope_bench's registry and an
aid database of a year's applications (and half as many of the year before, which the report leaves out), through the
functions the two report_figures RPCs run and the gateway's fold and dump (reports.summary, the bus left out), against
the same two GROUP BYs sent as raw SQL through psycopg2 (the anchor); REPORTS of each, taking turns."""

import statistics
import time
from types import SimpleNamespace

import psycopg2
from sqlalchemy.orm import Session

from bench import report_rows, scope_rows
from services.aid.domain.statuses import APPROVED
from services.aid.service import AidService
from services.gateway import reports
from services.registry.service import RegistryService
from shared.db import make_engine
from shared.migrations import upgrade

YEAR = 2026
APPLICATIONS_PER_WORKER = 0.2  # 200,000 of the year for a million files
REPORTS = 5
TARGET_SECONDS = 2.0
RAW_WORKERS = (
    "SELECT org_unit_id, category, count(*) FROM workers WHERE status = 'active' GROUP BY org_unit_id, category"
)
RAW_APPLICATIONS = (
    "SELECT a.org_unit_id, a.status, count(*), sum(a.amount_fen) FROM applications a "
    "JOIN campaigns c ON c.campaign_id = a.campaign_id WHERE c.year = %(year)s GROUP BY a.org_unit_id, a.status"
)


class Direct:
    """A backend answered in this process by the RPC's own method, its session ended as the RPC's worker ends it."""

    def __init__(self, service_class, service):
        self.service_class, self.service = service_class, service

    def call(self, method: str, *args):
        answer = getattr(self.service_class, method)(self.service, *args)
        self.service.db.rollback()
        return answer


def through_the_services(backends: dict) -> tuple[int, int]:
    report = reports.summary(backends["aid"], backends["registry"], None, YEAR, None)
    return report["total"]["workers"]["active"], report["total"]["approved_fen"]


def as_raw_sql(connections: dict) -> tuple[int, int]:
    with connections["registry"].cursor() as cursor:
        cursor.execute(RAW_WORKERS)
        active = sum(row[2] for row in cursor.fetchall())
    with connections["aid"].cursor() as cursor:
        cursor.execute(RAW_APPLICATIONS, {"year": YEAR})
        approved = sum(int(row[3]) for row in cursor.fetchall() if row[1] in APPROVED)
    for connection in connections.values():
        connection.rollback()
    return active, approved


def run(registry_url: str, aid_url: str, tree: scope_rows.Tree, workers: int) -> dict:
    applications = int(workers * APPLICATIONS_PER_WORKER)
    upgrade("aid", {"AID_DB_URL": aid_url})
    started = time.perf_counter()
    report_rows.fill(aid_url, tree, {YEAR - 1: applications // 2, YEAR: applications})
    print(
        f"  统计报表：以 COPY 载入 {applications:,} 件 {YEAR} 年度申请（另 {applications // 2:,} 件上一年度）、ANALYZE："
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    engines = {"registry": make_engine(registry_url), "aid": make_engine(aid_url)}
    backends = {
        "registry": Direct(RegistryService, SimpleNamespace(db=Session(engines["registry"]))),
        "aid": Direct(AidService, SimpleNamespace(db=Session(engines["aid"]), unit_from_registry=None)),
    }
    connections = {"registry": psycopg2.connect(registry_url), "aid": psycopg2.connect(aid_url)}
    ours, raw = [], []
    try:
        for number in range(REPORTS + 1):  # the first of each, untimed, fills the caches
            both = [(ours, through_the_services, backends), (raw, as_raw_sql, connections)]
            totals = []
            for times, call, through in both if number % 2 else both[::-1]:
                begun = time.perf_counter()
                totals.append(call(through))
                if number:
                    times.append(time.perf_counter() - begun)
            assert totals[0] == totals[1], totals
    finally:
        for backend in backends.values():
            backend.service.db.close()
        for engine in engines.values():
            engine.dispose()
        for connection in connections.values():
            connection.close()
    figures = {
        "applications": applications,
        "summary_seconds": statistics.median(ours),
        "summary_max_seconds": max(ours),
        "raw_seconds": statistics.median(raw),
    }
    print(
        f"  根组织统计报表（{len(tree.districts)} 个下级、{workers:,} 份档案、{applications:,} 件申请）：中位 "
        f"{figures['summary_seconds']:.2f} s，最长 {figures['summary_max_seconds']:.2f} s（目标 ≤ {TARGET_SECONDS:.0f} s）；"
        f"原始 SQL（同样两次 GROUP BY）中位 {figures['raw_seconds']:.2f} s"
    )
    return figures
