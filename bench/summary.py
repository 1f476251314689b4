"""The table `make bench` ends with, and bench/RESULTS.md: each target beside the figure and its anchor."""

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench import aid_bench, funds_bench, import_bench, notify_bench, pipeline_bench, report_bench, scope_bench

RESULTS = Path(__file__).with_name("RESULTS.md")


def rows(results: dict[str, dict]) -> list[tuple[str, str, str, str, bool]]:
    """(part, measured, target, anchor, met) for every target of the parts that ran."""
    table = []
    if (f := results.get("import")) is not None:
        table += [
            (
                "导入",
                f"{f['rows']:,} 行 {f['import_seconds']:.2f} s",
                f"≤ {import_bench.TARGET_SECONDS:.0f} s",
                f"事件全部确认 {f['published_seconds']:.1f} s",
                f["import_seconds"] <= import_bench.TARGET_SECONDS,
            ),
            (
                "导入",
                f"原始下限的 {f['floor_ratio']:.1f} 倍",
                f"≤ {import_bench.TARGET_FLOOR_RATIO:.0f} 倍",
                f"下限 {f['floor_seconds']:.2f} s",
                f["floor_ratio"] <= import_bench.TARGET_FLOOR_RATIO,
            ),
        ]
    if (f := results.get("aid")) is not None:
        table.append(
            (
                "审批",
                f"{f['per_second']:,.0f} 件/秒",
                f"≥ {aid_bench.TARGET_PER_SECOND}",
                f"nameko RPC {f['raw_rpc_per_second']:,.0f} 次/秒",
                f["per_second"] >= aid_bench.TARGET_PER_SECOND,
            )
        )
    if (f := results.get("notify")) is not None:
        table += [
            (
                "短信记录",
                f"{f['records_per_second']:,.0f} 条/秒（原始的 {f['raw_share']:.0%}）",
                f"≥ {notify_bench.TARGET_RAW_SHARE:.0%}",
                f"nameko 事件 {f['raw_events_per_second']:,.0f} 个/秒",
                f["raw_share"] >= notify_bench.TARGET_RAW_SHARE,
            ),
            (
                "短信限速",
                f"{f['paced']:,} 条 {f['paced_seconds']:.1f} s",
                f"≤ 下限 +{notify_bench.TARGET_OVER_FLOOR:.0%}",
                f"下限 {f['paced_floor_seconds']:.0f} s",
                f["paced_over_floor"] <= notify_bench.TARGET_OVER_FLOOR,
            ),
        ]
    if (f := results.get("funds")) is not None:
        table.append(
            (
                "资金",
                f"{f['disbursements']:,} 笔发放 {f['seconds']:.1f} s",
                f"≤ {funds_bench.TARGET_SECONDS:.0f} s",
                "—",
                f["seconds"] <= funds_bench.TARGET_SECONDS,
            )
        )
    if (f := results.get("pipeline")) is not None:
        table += [
            (
                "全流程",
                f"{f['per_second']:,.0f} 件/秒（短信延迟 p50 {f['sms_p50_ms']:.0f} ms，p99 {f['sms_p99_ms']:.0f} ms）",
                f"≥ {pipeline_bench.TARGET_PER_SECOND}",
                f"pika {f['raw_pika_per_second']:,.0f} 条/秒",
                f["per_second"] >= pipeline_bench.TARGET_PER_SECOND,
            ),
            (
                "全流程",
                f"nameko 原始事件速率的 {f['raw_share']:.2f} 倍",
                f"≥ {pipeline_bench.TARGET_RAW_SHARE}",
                f"nameko 事件 {f['raw_events_per_second']:,.0f} 个/秒",
                f["raw_share"] >= pipeline_bench.TARGET_RAW_SHARE,
            ),
        ]
    if (f := results.get("scope")) is not None:
        table += [
            (
                "范围检索",
                f"{f['workers']:,} 份档案 p95 {f['p95_ms']:.1f} ms（p50 {f['p50_ms']:.1f} ms）",
                f"≤ {scope_bench.TARGET_P95_MS:.0f} ms",
                f"原始 SQL p95 {f['raw_p95_ms']:.1f} ms",
                f["p95_ms"] <= scope_bench.TARGET_P95_MS,
            ),
            (
                "范围检索",
                f"原始 SQL 的 {f['raw_ratio']:.2f} 倍",
                f"≤ {scope_bench.TARGET_RAW_RATIO:.0f} 倍",
                f"原始 SQL p95 {f['raw_p95_ms']:.1f} ms",
                f["raw_ratio"] <= scope_bench.TARGET_RAW_RATIO,
            ),
            (
                "统计报表",
                f"根组织 {f['workers']:,} 份档案、{f['applications']:,} 件申请 {f['summary_seconds']:.2f} s"
                f"（最长 {f['summary_max_seconds']:.2f} s）",
                f"≤ {report_bench.TARGET_SECONDS:.0f} s",
                f"原始 SQL {f['raw_seconds']:.2f} s",
                f["summary_max_seconds"] <= report_bench.TARGET_SECONDS,
            ),
        ]
    return table


def print_table(table) -> None:
    print("\n汇总：")
    for part, measured, target, anchor, met in table:
        print(f"  {'✓' if met else '✗'} {part}：{measured}（目标 {target}；锚点 {anchor}）")


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    broker = subprocess.run(["rabbitmqctl", "version"], capture_output=True, text=True).stdout.strip() or "?"
    load = os.getloadavg()
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB; Linux {platform.release()}; "
        f"Python {platform.python_version()}; RabbitMQ {broker}; load average before the run "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


def record(table, results: dict[str, dict], started_machine: str) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"`python -m bench --record` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {started_machine}.",
        "Every figure was measured in the same run as its anchor, on the same broker (a private vhost).",
        "",
        "| | part | measured | target | anchor (same run) |",
        "|---|---|---|---|---|",
        *[
            f"| {'✓' if met else '✗'} | {part} | {measured} | {target} | {anchor} |"
            for part, measured, target, anchor, met in table
        ],
        "",
        "Sizes: " + "; ".join(f"{name} {size}" for name, size in sizes(results).items()) + ".",
        *pipeline_rounds(results.get("pipeline")),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"已写入 {RESULTS}")


def pipeline_rounds(pipeline: dict | None) -> list[str]:
    if pipeline is None:
        return []
    each = "; ".join(f"{per_second:,.0f}/s at {share:.2f}×" for per_second, share in pipeline["rounds"])
    return [f"Pipeline rounds, each against its own anchors: {each}; the table shows the one with the median ratio."]


def sizes(results: dict[str, dict]) -> dict[str, str]:
    keys = {
        "import": "rows",
        "aid": "applications",
        "notify": "events",
        "funds": "disbursements",
        "pipeline": "applications",
        "scope": "workers",
    }
    return {name: f"{results[name][key]:,}" for name, key in keys.items() if name in results}
