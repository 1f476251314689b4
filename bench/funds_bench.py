"""The funds part of `make bench`: one batch of 10,000 disbursements — the batch, the bank file, the
bank's results and the allocation of every payment to its sources — on SQLite, through the aid
service's own store functions. The 10,000 approved applications are made first and not timed.
"""

import json
import tempfile
import time
from datetime import date

from sqlalchemy.orm import Session

from services.aid import approvals, campaigns, disbursement, funds, ledger, scope, submissions
from services.aid.domain.workdays import NO_CALENDAR  # no 公示 (publicity_days 0): the calendar is not read
from shared import org_paths
from shared.crypto import Vault
from shared.db import make_engine
from shared.events import new_id
from shared.migrations import upgrade

DISBURSEMENTS = 10_000
TARGET_SECONDS = 5.0
AMOUNT_FEN = 300_000
TODAY = date(2026, 8, 10)
ROOT = "0" * 32  # the unit the workers are filed at: the campaign is the root's, so any unit may apply


def approved_applications(session, vault, count: int):
    campaign = campaigns.create(
        session,
        {
            "program": "warmth",
            "name": "基准送温暖",
            "year": 2026,
            "opens_on": date(2026, 8, 1),
            "closes_on": date(2026, 8, 31),
            "budget_fen": AMOUNT_FEN * count // 2,
            "amounts": {"deep": AMOUNT_FEN},
            "publicity_days": 0,
        },
        "admin:bench",
        None,  # the root's: a campaign that names no unit belongs to its maker's, so the registry is never asked
        ask_registry=None,
    )
    donor = funds.create_donor(
        session,
        vault,
        {"name": "基准捐赠单位", "kind": "organization", "anonymous": False, "phone": None},
        "finance:bench",
    )
    funds.donate(
        session,
        {
            "donor_id": donor["donor_id"],
            "amount_fen": AMOUNT_FEN * count // 4,
            "campaign_id": campaign.campaign_id,
            "received_on": date(2026, 8, 1),
            "external_ref": "BENCH-RESTRICTED",
        },
        "finance:bench",
    )
    funds.donate(
        session,
        {
            "donor_id": donor["donor_id"],
            "amount_fen": AMOUNT_FEN * count // 4,
            "campaign_id": None,
            "received_on": date(2026, 8, 2),
            "external_ref": "BENCH-OPEN",
        },
        "finance:bench",
    )
    funds.allocate(session, campaign, AMOUNT_FEN * count // 4, "finance:bench")
    applicants, payees = {}, {}
    for index in range(count):
        worker_id = new_id()
        applicants[worker_id] = {
            "worker_id": worker_id,
            "status": "active",
            "category": "deep",
            "union": "基准工会",
            "name_masked": "王*",
            "id_number_masked": "110105********0000",
            "id_last4": "0000",
            "version": 1,
            "household": [f"household-{index}"],
            "org_unit_id": ROOT,
            "path": org_paths.stored_path([], ROOT),
        }
        payees[worker_id] = vault.encrypt(
            json.dumps(
                {"name": "王小明", "bank_name": "中国工商银行", "account": f"6222{index:015d}"}, ensure_ascii=False
            )
        )
    filed = submissions.submit_many(
        session,
        vault,
        [
            ({"campaign_id": campaign.campaign_id, "worker_id": worker_id}, "caseworker:maker", None, None)
            for worker_id in applicants
        ],
        lambda worker_ids: {worker_id: applicants[worker_id] for worker_id in worker_ids},
        None,  # the campaign is the root's and the callers too: the registry is never asked for a unit
        TODAY,
        False,
    )
    approved = approvals.approve_many(
        session,
        [outcome["application"]["application_id"] for outcome in filed],
        approvals.Reviewer("caseworker:checker", org_paths.EVERYWHERE, None),
        approvals.Approval(
            None,
            TODAY,
            NO_CALENDAR,
            lambda worker_ids: {worker_id: applicants[worker_id] for worker_id in worker_ids},
            None,  # a campaign without review levels: no unit is looked up
        ),
    )
    assert len(approved["approved"]) == count, approved["failed"][:3]
    return campaigns.load(session, campaign.campaign_id), payees


def run(count: int = DISBURSEMENTS) -> dict:
    print(f"资金基准：一个批次 {count} 笔发放（建批次、导出银行文件、导入银行结果、逐笔记录资金来源）…", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/aid.db"
        upgrade("aid", {"AID_DB_URL": url, "HARDSHIP_VAR_DIR": workdir})
        engine = make_engine(url)
        session = Session(engine, expire_on_commit=False)
        vault = Vault(b"bench-key")
        campaign, payees = approved_applications(session, vault, count)
        # SQLite copies its write-ahead log into the database once the log passes wal_autocheckpoint pages: without
        # this, the setup's pages would be copied in whichever timed commit happened to cross that line.
        session.commit()
        session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        started = time.perf_counter()
        batch = disbursement.create(session, campaign, disbursement.due(session, campaign), payees, "finance:bench")
        batched = time.perf_counter()
        everywhere = scope.batches_seen(org_paths.EVERYWHERE)  # the root's finance
        items = disbursement.payable_items(session, batch["batch_id"], everywhere)
        bank_file = disbursement.bank_file(items, vault, {})
        exported = time.perf_counter()
        results = "application_id,result,bank_ref,reason\n" + "".join(
            f"{item.application_id},success,B{item.line:08d},\n" for item in items
        )
        summary = disbursement.apply_results(session, batch["batch_id"], results.encode(), "finance:bench", everywhere)
        finished = time.perf_counter()
        money = ledger.campaign_money(session, campaign.campaign_id)
        balanced = ledger.total(session) == 0
        session.close()
        engine.dispose()
    assert summary["disbursed"] == count and not summary["errors"], summary["errors"][:3]
    assert money["disbursed"] == AMOUNT_FEN * count and balanced
    figures = {
        "disbursements": count,
        "batch_seconds": batched - started,
        "export_seconds": exported - batched,
        "results_seconds": finished - exported,
        "seconds": finished - started,
        "bank_file_bytes": len(bank_file),
    }
    print(
        f"  建批次 {figures['batch_seconds']:.2f} s；导出银行文件 {figures['export_seconds']:.2f} s"
        f"（{figures['bank_file_bytes'] / 1e6:.1f} MB）；导入结果并记录资金来源 {figures['results_seconds']:.2f} s"
    )
    print(
        f"  合计 {figures['seconds']:.2f} s（目标 ≤ {TARGET_SECONDS:.0f} s）；账本借贷平衡：{'是' if balanced else '否'}"
    )
    return figures
