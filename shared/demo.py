"""`hardship demo`: a running system filled with one campaign of each programme, a registry and real reviews."""
import sys
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy.orm import Session

from shared import clock
from shared.config import setting
from shared.db import db_url, make_engine
from shared.migrations import upgrade
from shared.validation import id_check_char
from services.gateway.auth import create_user

DEFAULT_SHEET = Path(__file__).resolve().parents[2] / "shared" / "data" / "workers_sample.csv"
LEVELS = ("undergraduate", "junior_college", "senior_high")


class Gateway:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, token: str, **kwargs) -> dict:
        response = requests.request(method, self.base_url + path, headers={"Authorization": f"Bearer {token}"},
                                    timeout=120, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} → {response.status_code} {response.text}")
        return response.json()


def make_tokens() -> dict[str, str]:
    upgrade("gateway")
    with Session(make_engine(db_url("gateway"))) as session:
        return {
            label: create_user(session, name, role)["token"]
            for label, name, role in (
                ("admin", "演示管理员", "admin"), ("maker", "演示经办人", "caseworker"),
                ("checker", "演示审核人", "caseworker"), ("finance", "演示财务", "finance"),
                ("auditor", "演示审计", "auditor"),
            )
        }


def campaign_bodies(today) -> list[dict]:
    window = {"opens_on": (today - timedelta(days=7)).isoformat(), "closes_on": (today + timedelta(days=30)).isoformat()}
    return [
        {"program": "warmth", "name": f"{today.year}年春节送温暖", "year": today.year, **window,
         "budget_fen": 3_000_000, "amounts": {"deep": 300_000, "relative": 150_000, "accident": 200_000},
         "publicity_days": 5},
        {"program": "education", "name": f"{today.year}年金秋助学", "year": today.year, **window,
         "budget_fen": 2_000_000, "amounts": {"undergraduate": 500_000, "junior_college": 400_000, "senior_high": 300_000},
         "publicity_days": 5},
    ]


def student(worker: dict, index: int, year: int) -> dict:
    first17 = f"110105{year - 18}0901{index:03d}"
    return {"name": f"{worker['name'][0]}同学", "id_number": first17 + id_check_char(first17), "level": LEVELS[index % 3],
            "school": "示范大学", "admission_year": year, "admission_notice_no": f"LQ{year}{index:05d}"}


def run_demo(sheet: str | None) -> int:
    sheet_path = Path(sheet) if sheet else DEFAULT_SHEET
    if not sheet_path.is_file():
        print(f"找不到档案表 {sheet_path}，请用 --sheet 指定", file=sys.stderr)
        return 2
    port = setting("GATEWAY_PORT")
    gateway = Gateway(f"http://127.0.0.1:{port}")
    try:
        requests.get(f"{gateway.base_url}/health", timeout=5)
    except requests.ConnectionError:
        print(f"系统没有运行：请先在另一个终端执行 make run（网关 http://127.0.0.1:{port}）", file=sys.stderr)
        return 1
    tokens = make_tokens()
    today = clock.today()
    warmth, education = (gateway.call("POST", "/api/v1/campaigns", tokens["admin"], json=body) for body in campaign_bodies(today))
    imported = gateway.call("POST", "/api/v1/workers/import", tokens["maker"], files={"file": sheet_path.open("rb")})
    workers = gateway.call("GET", "/api/v1/workers?status=active&per_page=20", tokens["maker"])["items"]
    filed = []
    for index, worker in enumerate(workers[:12]):
        body = {"campaign_id": warmth["campaign_id"], "worker_id": worker["worker_id"]}
        if index >= 9:
            body = {"campaign_id": education["campaign_id"], "worker_id": worker["worker_id"],
                    "student": student(worker, index, today.year)}
        filed.append(gateway.call("POST", "/api/v1/applications", tokens["maker"], json=body)["application_id"])
    batch = gateway.call("POST", "/api/v1/applications/approve-batch", tokens["checker"], json={"application_ids": filed[:7]})
    for application_id in filed[7:9]:
        gateway.call("POST", f"/api/v1/applications/{application_id}/reject", tokens["checker"],
                     json={"reason": "家庭收入超过标准，经入户核实不符合条件"})
    print(f"演示数据已就绪：导入档案 {imported['created'] + imported['updated'] + imported['unchanged']} 份"
          f"（拒绝 {len(imported['rejected'])} 行），申请 {len(filed)} 件，批准 {len(batch['approved'])} 件，驳回 2 件。")
    print(f"  API:          {gateway.base_url}/api/v1/")
    print(f"  送温暖公示:    {gateway.base_url}/api/v1/public/campaigns/{warmth['campaign_id']}/publicity")
    print(f"  金秋助学公示:  {gateway.base_url}/api/v1/public/campaigns/{education['campaign_id']}/publicity")
    print(f"  项目资金:      curl -H 'Authorization: Bearer {tokens['admin']}' {gateway.base_url}/api/v1/campaigns")
    print(f"  短信记录:      curl -H 'Authorization: Bearer {tokens['admin']}' {gateway.base_url}/api/v1/notifications"
          f"（控制台模式的短信写在 var/sms.log）")
    for label, token in tokens.items():
        print(f"  令牌 {label:8s} {token}")
    return 0
