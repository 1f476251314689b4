"""Paying approved aid through the bank: batches, the bank's upload file, its results, and payment by hand."""

import json

from sqlalchemy import bindparam, func, insert, select, true, update

from services.aid import campaigns as campaign_store
from services.aid.answers import BatchPageSchema, BatchResultsSchema, BatchViewSchema
from services.aid.domain import decisions
from services.aid.domain.bank_files import (
    RESULTS,
    check_due,
    check_payees_known,
    check_still_paying,
    read_results,
    result_lines,
    yuan_text,
)
from services.aid.domain.model import Application, Campaign
from services.aid.domain.statuses import PAYING, PAYMENT_FAILED, READY
from services.aid.models import applications, batch_downloads, batch_items, batches
from services.aid.moves import DECIDED, carry_out
from shared.answers import Shown, page_of
from shared.cells import csv_file
from shared.collector import fewer_collections
from shared.db import insert_many, row_by_id
from shared.events import new_id, now_utc

BANK_FILE_HEADER = ("序号", "收款人账号", "收款人户名", "收款银行", "金额（元）", "用途", "业务参考号")
PURPOSE = {"warmth": "送温暖补助", "education": "金秋助学补助"}


def load(session, batch_id: str, seen):
    """The batch, when the caller sees it (`seen`: scope.batches_seen); else not_found."""
    return row_by_id(session, batches.c.batch_id, batch_id, "发放批次", seen)


def due(session, campaign) -> list:
    """The campaign's ready and payment_failed applications, oldest first: what a new batch would pay."""
    rows = session.execute(
        select(*DECIDED)
        .where(applications.c.campaign_id == campaign.campaign_id, applications.c.status.in_((READY, PAYMENT_FAILED)))
        .order_by(applications.c.created_at, applications.c.application_id)
    ).all()
    session.rollback()
    check_due(len(rows))
    return rows


@fewer_collections()
def create(session, campaign, due_rows: list, payees: dict, actor: str) -> dict:
    """The `due` applications go to `paying` in one new batch, which keeps each payee as the registry has it now
    (`payees`: worker_id → sealed payee, from the registry's `payees`)."""
    check_payees_known((row.worker_id for row in due_rows), payees)
    batch_id, now = new_id(), now_utc()
    try:
        session.execute(
            insert(batches).values(
                batch_id=batch_id,
                campaign_id=campaign.campaign_id,
                count=len(due_rows),
                total_fen=sum(row.amount_fen for row in due_rows),
                created_by=actor,
                created_at=now,
            )
        )
        of_campaign = Campaign.of(campaign._mapping)
        carry_out(
            session,
            [
                decisions.move(
                    Application.of(row._mapping),
                    of_campaign,
                    "pay",
                    actor,
                    f"纳入发放批次 {batch_id}",
                    now,
                    values={"batch_id": batch_id},
                )
                for row in due_rows
            ],
            now,
        )
        insert_many(
            session,
            batch_items,
            [
                {
                    "batch_id": batch_id,
                    "application_id": row.application_id,
                    "line": line,
                    "amount_fen": row.amount_fen,
                    "result": None,
                    "bank_ref": None,
                    "reason": None,
                    "settled_at": None,
                    "payee_sealed": payees[row.worker_id],
                }
                for line, row in enumerate(due_rows, start=1)
            ],
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return view(session, batch_id, true())  # made just now for a campaign of the caller's


BATCH, BATCH_PAGE = BatchViewSchema(), BatchPageSchema()


def view(session, batch_id: str, seen) -> dict:
    return BATCH.dump(_shown(session, batch_id, seen))


def _shown(session, batch_id: str, seen) -> Shown:
    """A batch as the API shows it (BatchViewSchema): its lines by result and its downloads."""
    batch = load(session, batch_id, seen)
    results = dict(
        session.execute(
            select(batch_items.c.result, func.count())
            .where(batch_items.c.batch_id == batch_id)
            .group_by(batch_items.c.result)
        ).all()
    )
    downloads = session.execute(
        select(batch_downloads).where(batch_downloads.c.batch_id == batch_id).order_by(batch_downloads.c.id)
    ).all()
    session.rollback()
    return Shown(
        batch,
        paid=results.get("success", 0),
        failed=results.get("failed", 0),
        pending=results.get(None, 0),
        downloads=downloads,
    )


def listing(session, seen, page: int, per_page: int, campaign_id: str | None = None) -> dict:
    """The batches the caller sees (`seen`: scope.batches_seen), newest first, each as `view` shows it."""
    chosen = [seen, *([batches.c.campaign_id == campaign_id] if campaign_id else [])]
    total = session.execute(select(func.count()).select_from(batches).where(*chosen)).scalar()
    batch_ids = (
        session.execute(
            select(batches.c.batch_id)
            .where(*chosen)
            .order_by(batches.c.created_at.desc(), batches.c.batch_id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .scalars()
        .all()
    )
    return page_of(BATCH_PAGE, [_shown(session, batch_id, seen) for batch_id in batch_ids], total, page, per_page)


def payable_items(session, batch_id: str, seen) -> list:
    """The batch's lines the bank has still to pay: their application is still `paying` in this batch."""
    load(session, batch_id, seen)
    items = session.execute(
        select(
            batch_items.c.line,
            batch_items.c.amount_fen,
            batch_items.c.payee_sealed,
            applications.c.application_id,
            applications.c.worker_id,
            applications.c.program,
        )
        .join(applications, applications.c.application_id == batch_items.c.application_id)
        .where(batch_items.c.batch_id == batch_id, applications.c.batch_id == batch_id, applications.c.status == PAYING)
        .order_by(batch_items.c.line)
    ).all()
    session.rollback()
    return items


def workers_without_payee(items: list) -> list[str]:
    """Workers of lines from before batches kept their payees: only the registry knows them."""
    return sorted({item.worker_id for item in items if item.payee_sealed is None})


def bank_file(items: list, vault, current_payees: dict) -> bytes:
    """The batch-payment upload a Chinese bank takes: GB18030 CSV, one payee per line as the batch keeps it,
    our application id as the reference the bank echoes in its results."""
    rows = [BANK_FILE_HEADER]
    for item in items:
        payee = json.loads(vault.decrypt(item.payee_sealed or current_payees[item.worker_id]))
        rows.append(
            (
                item.line,
                payee["account"],
                payee["name"],
                payee["bank_name"],
                yuan_text(item.amount_fen),
                PURPOSE[item.program],
                item.application_id,
            )
        )
    return csv_file(rows, "gb18030")


def record_download(session, batch_id: str, actor: str, lines: int) -> None:
    try:
        session.execute(insert(batch_downloads).values(batch_id=batch_id, actor=actor, lines=lines, at=now_utc()))
        session.commit()
    except Exception:
        session.rollback()
        raise


BATCH_RESULTS = BatchResultsSchema()


@fewer_collections()
def apply_results(session, batch_id: str, content: bytes, actor: str, seen) -> dict:
    """The bank's answer, line by line: each paid or failed once; a line seen before changes nothing."""
    batch = load(session, batch_id, seen)
    campaign = campaign_store.load(session, batch.campaign_id)
    items = {
        row.application_id: row
        for row in session.execute(select(batch_items).where(batch_items.c.batch_id == batch_id))
    }
    session.rollback()
    read = read_results({application_id: item.result for application_id, item in items.items()}, result_lines(content))
    if read.settled:
        settled = [(items[application_id], result, line) for application_id, result, line in read.settled]
        _settle_all(session, campaign, batch_id, settled, actor)
    summary = {"batch_id": batch_id, "disbursed": read.disbursed, "failed": read.failed, "unchanged": read.unchanged}
    return BATCH_RESULTS.dump({**summary, "errors": read.errors})


def _settle_all(session, campaign, batch_id: str, settled: list[tuple], actor: str) -> None:
    """The bank's answers in one transaction: statuses, history and events, money, sources, the batch's items."""
    rows = {
        row.application_id: row
        for row in session.execute(
            select(*DECIDED).where(applications.c.application_id.in_([item.application_id for item, _r, _l in settled]))
        )
    }
    check_still_paying(((row.status, row.batch_id) for row in rows.values()), batch_id, PAYING)
    of_campaign = Campaign.of(campaign._mapping)
    now = now_utc()
    try:
        carry_out(
            session,
            [
                decisions.move(
                    Application.of(rows[item.application_id]._mapping),
                    of_campaign,
                    RESULTS[result],
                    actor,
                    line.get("reason") or None,
                    now,
                    values={"bank_ref": line.get("bank_ref") or None},
                )
                for item, result, line in settled
            ],
            now,
        )
        session.execute(
            update(batch_items)
            .where(batch_items.c.batch_id == batch_id, batch_items.c.application_id == bindparam("b_id"))
            .values(
                result=bindparam("b_result"), bank_ref=bindparam("b_ref"), reason=bindparam("b_reason"), settled_at=now
            ),
            [
                {
                    "b_id": item.application_id,
                    "b_result": result,
                    "b_ref": line.get("bank_ref") or None,
                    "b_reason": line.get("reason") or None,
                }
                for item, result, line in settled
            ],
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
