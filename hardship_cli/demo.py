"""`hardship demo`: a running system filled with one campaign of each programme, a registry and real reviews."""

import sys
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.gateway.accounts import issue_token
from services.gateway.auth import BOOTSTRAP_ADMIN, create_user, token_ttl_days
from services.gateway.models import users
from services.registry.spreadsheet import SkippedLine, SpreadsheetError, read_rows
from shared import clock
from shared.config import setting
from shared.db import db_url, make_engine
from shared.migrations import upgrade
from shared.validation import id_check_char

DEFAULT_SHEET = Path(__file__).resolve().parents[2] / "shared" / "data" / "workers_sample.csv"
LEVELS = ("undergraduate", "junior_college", "senior_high")
UNION_LEVEL = "base"


APPROVED = ("publicizing", "ready", "paying", "disbursed", "payment_failed")
REJECTION = "家庭收入超过标准，经入户核实不符合条件"
DEMO_USERS = (
    ("admin", "演示管理员", "admin"),
    ("maker", "演示经办人", "caseworker"),
    ("checker", "演示审核人", "caseworker"),
    ("finance", "演示财务", "finance"),
    ("auditor", "演示审计", "auditor"),
)
WRONG_DATABASE = "（演示账号写在 GATEWAY_DB_URL 所指的数据库里：请用与运行中的网关相同的设置执行 hardship demo）"


class DemoStopped(Exception):
    """Why the demo stopped, as one line for the terminal."""


def one_line(text, most: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= most else line[: most - 1] + "…"


class Gateway:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, token: str, **kwargs) -> dict:
        """The answer's body; DemoStopped with the gateway's own message when it refuses or cannot be reached."""
        try:
            response = requests.request(
                method, self.base_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=120, **kwargs
            )
        except requests.RequestException as error:
            raise DemoStopped(f"演示中断：{method} {path} 没有应答（{one_line(error)}）") from None
        if response.status_code < 400:
            return response.json()
        try:
            message = one_line(response.json()["error"]["message"])
        except (ValueError, KeyError, TypeError):
            message = one_line(response.text)
        hint = WRONG_DATABASE if response.status_code == 401 else ""
        raise DemoStopped(f"演示中断：{method} {path} 返回 {response.status_code} {message}{hint}")


def make_tokens() -> dict[str, str]:
    """A token for each demo account. An earlier run's accounts are kept and given new tokens, as an admin issues
    them (only hashes are stored, so their old tokens cannot be shown again; those stop working); an account an
    admin revoked stays revoked and a new one takes its place."""
    upgrade("gateway")
    with Session(make_engine(db_url("gateway"))) as session:
        tokens = {}
        for label, name, role in DEMO_USERS:
            user_id = (
                session.execute(
                    select(users.c.user_id)
                    .where(users.c.name == name, users.c.role == role, users.c.revoked_at.is_(None))
                    .order_by(users.c.created_at)
                )
                .scalars()
                .first()
            )
            account = (
                create_user(session, name, role)
                if user_id is None
                else issue_token(session, user_id, BOOTSTRAP_ADMIN, token_ttl_days(None))
            )
            tokens[label] = account["token"]
        return tokens


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
        tokens = make_tokens()
    except SQLAlchemyError as error:
        print(f"演示中断：无法写入网关数据库（{type(error).__name__}），请检查 GATEWAY_DB_URL", file=sys.stderr)
        return 1
    try:
        summary, warmth_id, education_id = fill(gateway, tokens, sheet_path, clock.today())
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
    for label, token in tokens.items():
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


def not_approved(failed: list[dict], calendar_url: str) -> str:
    """Why the batch approval left applications unapproved, each reason once; the demo never guesses a calendar
    for a year the admin has not entered."""
    if not failed:
        return ""
    reasons = list(dict.fromkeys(item["message"] for item in failed))
    where = f"（工作日历：{calendar_url}）" if any(item["code"] == "calendar_missing" for item in failed) else ""
    return f"{len(failed)} 件未能批准：{'；'.join(reasons)}{where}。"


def demo_campaign(gateway: Gateway, token: str, existing: list[dict], body: dict) -> tuple[dict, bool]:
    """The campaign of this programme, name and year an earlier run made (the oldest), else a new one; and
    whether it was there already."""
    for campaign in sorted(existing, key=lambda campaign: campaign["created_at"]):
        if (campaign["program"], campaign["name"], campaign["year"]) == (body["program"], body["name"], body["year"]):
            return campaign, True
    return gateway.call("POST", "/api/v1/campaigns", token, json=body), False


def demo_application(gateway: Gateway, token: str, body: dict) -> tuple[dict, bool]:
    """The worker's application to the campaign from an earlier run (a rejected one too: filing again would make a
    second), else one filed now; and whether it was there."""
    found = gateway.call(
        "GET",
        "/api/v1/applications",
        token,
        params={"campaign_id": body["campaign_id"], "worker_id": body["worker_id"]},
    )["items"]
    if found:
        return found[0], True
    return gateway.call("POST", "/api/v1/applications", token, json=body), False
