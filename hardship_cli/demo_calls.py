"""What `hardship demo` does through the running system: the gateway's API as a client that stops with one line, its
accounts' tokens (straight in the gateway's database), and finding what an earlier run made before making it."""

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.gateway.accounts import issue_token
from services.gateway.auth import BOOTSTRAP_ADMIN, create_user, token_ttl_days
from services.gateway.models import users
from shared.db import db_url, make_engine
from shared.migrations import upgrade

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


def make_tokens(accounts) -> dict[str, str]:
    """A token for each demo account, (label, name, role, org_unit_id or None for the root) → {label: token}. An
    earlier run's accounts are kept and given new tokens, as an admin issues them (only hashes are stored, so their old
    tokens cannot be shown again; those stop working); an account an admin revoked stays revoked and a new one takes
    its place."""
    upgrade("gateway")
    with Session(make_engine(db_url("gateway"))) as session:
        tokens = {}
        for label, name, role, org_unit_id in accounts:
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
                create_user(session, name, role, org_unit_id=org_unit_id)
                if user_id is None
                else issue_token(session, user_id, BOOTSTRAP_ADMIN, token_ttl_days(None))
            )
            tokens[label] = account["token"]
        return tokens


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
