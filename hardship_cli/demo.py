"""`hardship demo`: a running system filled with one campaign of each programme, a registry and real reviews."""

import sys
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy.exc import SQLAlchemyError

from hardship_cli import demo_network
from hardship_cli.demo_calls import (
    DemoStopped,
    Gateway,
    demo_application,
    demo_campaign,
    make_tokens,
    not_approved,
)
from services.registry.spreadsheet import SkippedLine, SpreadsheetError, read_rows
from shared import clock
from shared.config import setting
from shared.validation import id_check_char

DEFAULT_SHEET = Path(__file__).resolve().parents[2] / "shared" / "data" / "workers_sample.csv"
LEVELS = ("undergraduate", "junior_college", "senior_high")
UNION_LEVEL = "base"


APPROVED = ("publicizing", "ready", "paying", "disbursed", "payment_failed")
REJECTION = "家庭收入超过标准，经入户核实不符合条件"
DEMO_USERS = (  # at the root
    ("admin", "演示管理员", "admin", None),
    ("maker", "演示经办人", "caseworker", None),
    ("checker", "演示审核人", "caseworker", None),
    ("finance", "演示财务", "finance", None),
    ("auditor", "演示审计", "auditor", None),
)


def campaign_bodies(today) -> list[dict]:
    window = {
        "opens_on": (today - timedelta(days=7)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
    }
    return [
        {
            "program": "warmth",
            "name": f"{today.year}年春节送温暖",
            "year": today.year,
            **window,
            "budget_fen": 3_000_000,
            "amounts": {"deep": 300_000, "relative": 150_000, "accident": 200_000},
            "publicity_days": 5,
        },
        {
            "program": "education",
            "name": f"{today.year}年金秋助学",
            "year": today.year,
            **window,
            "budget_fen": 2_000_000,
            "amounts": {"undergraduate": 500_000, "junior_college": 400_000, "senior_high": 300_000},
            "publicity_days": 5,
        },
    ]


def student(worker: dict, index: int, year: int) -> dict:
    first17 = f"110105{year - 18}0901{index:03d}"
    return {
        "name": f"{worker['name'][0]}同学",
        "id_number": first17 + id_check_char(first17),
        "level": LEVELS[index % 3],
        "school": "示范大学",
        "admission_year": year,
        "admission_notice_no": f"LQ{year}{index:05d}",
    }


def run_demo(sheet: str | None) -> int:
    """Fill the running system; a summary and the tokens on stdout, or why it stopped in one line on stderr."""
    sheet_path = Path(sheet) if sheet else DEFAULT_SHEET
    if not sheet_path.is_file():
        print(f"找不到档案表 {sheet_path}，请用 --sheet 指定", file=sys.stderr)
        return 2
    port = setting("GATEWAY_PORT")
    gateway = Gateway(f"http://127.0.0.1:{port}")
    try:
        health = requests.get(f"{gateway.base_url}/health", timeout=10)
    except requests.RequestException:
        print(f"系统没有运行：请先在另一个终端执行 make run（网关 http://127.0.0.1:{port}）", file=sys.stderr)
        return 1
    if health.status_code != 200:
        print(f"系统还没有就绪（/health 返回 {health.status_code}）：请稍候再执行 hardship demo", file=sys.stderr)
        return 1
    try:
        tokens = make_tokens(DEMO_USERS)
    except SQLAlchemyError as error:
        print(f"演示中断：无法写入网关数据库（{type(error).__name__}），请检查 GATEWAY_DB_URL", file=sys.stderr)
        return 1
    try:
        summary, warmth_id, education_id = fill(gateway, tokens, sheet_path, clock.today())
        network, reviewers = demo_network.build(gateway, tokens["admin"], clock.today())
    except DemoStopped as stopped:
        print(stopped, file=sys.stderr)
        return 1
    print(summary)
    print(f"  API:          {gateway.base_url}/api/v1/")
    print(f"  送温暖公示:    {gateway.base_url}/api/v1/public/campaigns/{warmth_id}/publicity")
    print(f"  金秋助学公示:  {gateway.base_url}/api/v1/public/campaigns/{education_id}/publicity")
    print(f"  项目资金:      curl -H 'Authorization: Bearer {tokens['admin']}' {gateway.base_url}/api/v1/campaigns")
    print(
        f"  短信记录:      curl -H 'Authorization: Bearer {tokens['admin']}' {gateway.base_url}/api/v1/notifications"
        f"（控制台模式的短信写在 var/sms.log）"
    )
    print("\n".join(network))
    for label, token in (tokens | reviewers).items():
        print(f"  令牌 {label:8s} {token}")
    return 0


def fill(gateway: Gateway, tokens: dict, sheet_path: Path, today) -> tuple[str, str, str]:
    """The demo's campaigns, registry and reviews; what an earlier run made is found and kept, only the rest is
    added. (The summary line, the warmth and the education campaign ids.)"""
    existing = gateway.call("GET", "/api/v1/campaigns?per_page=500", tokens["admin"])["items"]
    (warmth, warmth_kept), (education, education_kept) = (
        demo_campaign(gateway, tokens["admin"], existing, body) for body in campaign_bodies(today)
    )
    demo_unions(gateway, tokens["admin"], sheet_unions(sheet_path))
    imported = gateway.call("POST", "/api/v1/workers/import", tokens["maker"], files={"file": sheet_path.open("rb")})
    workers = gateway.call("GET", "/api/v1/workers?status=active&per_page=20", tokens["maker"])["items"]
    filed, kept = [], 0
    for index, worker in enumerate(workers[:12]):
        body = {"campaign_id": warmth["campaign_id"], "worker_id": worker["worker_id"]}
        if index >= 9:
            body = {
                "campaign_id": education["campaign_id"],
                "worker_id": worker["worker_id"],
                "student": student(worker, index, today.year),
            }
        application, was_there = demo_application(gateway, tokens["maker"], body)
        filed.append(application)
        kept += was_there
    to_approve = [application["application_id"] for application in filed[:7] if application["status"] == "submitted"]
    answer = (
        gateway.call(
            "POST", "/api/v1/applications/approve-batch", tokens["checker"], json={"application_ids": to_approve}
        )
        if to_approve
        else {"approved": [], "failed": []}
    )
    approved = len(answer["approved"])
    to_reject = [application["application_id"] for application in filed[7:9] if application["status"] == "submitted"]
    for application_id in to_reject:
        gateway.call(
            "POST", f"/api/v1/applications/{application_id}/reject", tokens["checker"], json={"reason": REJECTION}
        )
    approved += sum(application["status"] in APPROVED for application in filed[:7])
    rejected = len(to_reject) + sum(application["status"] == "rejected" for application in filed[7:9])
    summary = (
        f"演示数据已就绪：导入档案 {imported['created'] + imported['updated'] + imported['unchanged']} 份"
        f"（拒绝 {len(imported['rejected'])} 行），申请 {len(filed)} 件，批准 {approved} 件，驳回 {rejected} 件。"
    )
    summary += not_approved(answer["failed"], f"{gateway.base_url}/calendar")
    if warmth_kept or education_kept or kept:
        summary += f"已有的演示项目和 {kept} 件申请沿用，未重复建立。"
    return summary, warmth["campaign_id"], education["campaign_id"]


def sheet_unions(sheet_path: Path) -> set[str]:
    """The unions the sheet's 所属工会 column names; an unreadable sheet names none (its import says why)."""
    try:
        with sheet_path.open("rb") as file:
            return {
                cells["union"].strip()
                for _, cells in read_rows(file, sheet_path.name)
                if not isinstance(cells, SkippedLine) and cells["union"].strip()
            }
    except SpreadsheetError:
        return set()


def demo_unions(gateway: Gateway, token: str, names: set[str]) -> None:
    """The sheet's unions as base units under the root (a worker's union names a unit); those there already are kept."""
    units = gateway.call("GET", "/api/v1/org-units?per_page=500", token)["items"]
    (root_id,) = [unit["org_unit_id"] for unit in units if unit["parent_id"] is None]
    known = {unit["name"] for unit in units if unit["parent_id"] == root_id}
    for name in sorted(names - known):
        gateway.call(
            "POST", "/api/v1/org-units", token, json={"name": name, "parent_id": root_id, "level": UNION_LEVEL}
        )
