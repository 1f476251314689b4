"""What the system promised, read from its databases and the SMS log once the flow has settled."""

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

SETTLE_SECONDS = 240


@dataclass
class Figures:
    applications: int
    lost: int
    duplicate_sms: int
    duplicate_sends: int
    missing_sms: int
    double_payments: int
    ledger_total: int
    unpublished_events: int
    sms_by_status: dict

    def broken(self) -> list[str]:
        broken = []
        if self.lost:
            broken.append(f"丢失 {self.lost} 件申请")
        if self.duplicate_sms or self.duplicate_sends:
            broken.append(f"重复短信 {self.duplicate_sms} 条、重复发送 {self.duplicate_sends} 次")
        if self.missing_sms:
            broken.append(f"{self.missing_sms} 件已发放的申请没有发放短信")
        if self.double_payments:
            broken.append(f"重复支付 {self.double_payments} 件")
        if self.ledger_total:
            broken.append(f"账本不平：合计 {self.ledger_total} 分")
        if self.unpublished_events:
            broken.append(f"{self.unpublished_events} 个事件留在 outbox 未发出")
        return broken


class Databases:
    def __init__(self, urls: dict[str, str]):
        self.engines = {name: create_engine(url, pool_pre_ping=True) for name, url in urls.items()}

    def scalar(self, service: str, sql: str, **params) -> int:
        with self.engines[service].connect() as connection:
            return int(connection.execute(text(sql), params).scalar() or 0)

    def rows(self, service: str, sql: str, **params) -> list:
        with self.engines[service].connect() as connection:
            return connection.execute(text(sql), params).all()

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def unpublished(databases: Databases) -> int:
    return sum(
        databases.scalar(name, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
        for name in ("registry", "aid", "notify")
    )


def sms_settled(databases: Databases, campaign_id: str) -> bool:
    """Every paid application has its SMS recorded, and none is still waiting for a dispatcher."""
    paid = databases.scalar(
        "aid", "SELECT count(*) FROM applications WHERE campaign_id = :c AND status = 'disbursed'", c=campaign_id
    )
    recorded = databases.scalar("notify", "SELECT count(*) FROM messages WHERE template = 'disbursed'")
    waiting = databases.scalar(
        "notify", "SELECT count(*) FROM messages WHERE status IN ('queued', 'deferred', 'claimed')"
    )
    return recorded >= paid and waiting == 0 and unpublished(databases) == 0


def wait_until_settled(databases: Databases, campaign_id: str) -> float:
    started = time.monotonic()
    while not sms_settled(databases, campaign_id) and time.monotonic() - started < SETTLE_SECONDS:
        time.sleep(1)
    return time.monotonic() - started


def sends_per_notification(sms_log: Path) -> Counter:
    """The console provider writes one line per SMS handed to it: sent_at, notification_id, masked phone, text."""
    if not sms_log.exists():
        return Counter()
    return Counter(line.split("\t")[1] for line in sms_log.read_text(encoding="utf-8").splitlines() if line)


def check(databases: Databases, campaign_id: str, size: int, acknowledged: dict[str, str], sms_log: Path) -> Figures:
    """`acknowledged`: worker_id → the application id the system answered with."""
    applications = dict(
        databases.rows("aid", "SELECT application_id, status FROM applications WHERE campaign_id = :c", c=campaign_id)
    )
    unpaid = {application_id for application_id, status in applications.items() if status != "disbursed"}
    answered_but_gone = {
        application_id for application_id in acknowledged.values() if application_id not in applications
    }
    lost = len(unpaid) + len(answered_but_gone) + (size - len(acknowledged))
    duplicate_sms = databases.scalar(
        "notify",
        """
        SELECT coalesce(sum(n - 1), 0) FROM (
            SELECT count(*) AS n FROM messages GROUP BY application_id, template HAVING count(*) > 1) AS twice""",
    )
    sends = sends_per_notification(sms_log)
    missing_sms = databases.scalar("notify", "SELECT count(*) FROM messages WHERE template = 'disbursed'")
    missing_sms = max(0, sum(1 for status in applications.values() if status == "disbursed") - missing_sms)
    paid_twice = databases.scalar(
        "aid",
        """
        SELECT count(*) FROM applications a WHERE a.campaign_id = :c AND (
            (SELECT coalesce(sum(p.amount_fen), 0) FROM payouts p WHERE p.application_id = a.application_id) > a.amount_fen
         OR (SELECT count(*) FROM batch_items b WHERE b.application_id = a.application_id AND b.result = 'success') > 1
         OR (SELECT coalesce(sum(l.amount_fen), 0) FROM ledger_entries l
             WHERE l.application_id = a.application_id AND l.account LIKE :paid_accounts) > a.amount_fen)""",
        c=campaign_id,
        paid_accounts="%:disbursed",
    )
    return Figures(
        applications=len(applications),
        lost=lost,
        duplicate_sms=duplicate_sms,
        duplicate_sends=sum(count - 1 for count in sends.values() if count > 1),
        missing_sms=missing_sms,
        double_payments=paid_twice,
        ledger_total=databases.scalar("aid", "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries"),
        unpublished_events=unpublished(databases),
        sms_by_status=dict(databases.rows("notify", "SELECT status, count(*) FROM messages GROUP BY status")),
    )
