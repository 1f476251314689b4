"""Imports and payee changes in the registry's database, without a broker: an import never writes back bank
details that a payee change replaced after the import read the file, one from the command line asks for none,
and an approval does not replace a payee changed since the request."""

from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.registry import imports, payee_decisions, payee_requests, store, workers
from services.registry.models import change_requests
from services.registry.sheet_rows import check_row, row_to_data
from shared.crypto import Vault
from shared.db import make_engine
from shared.domain_errors import Refused
from tests.fakes.unions import ROOT_SCOPE

TODAY = date(2026, 11, 25)
ROW = {
    "name": "李秀",
    "id_number": "440106197907124050",
    "phone": "13392655486",
    "employer": "市第一纺织厂",
    "union": "建设工会",
    "hardship_category": "深度困难",
    "reasons": "因病、子女教育",
    "household_size": "3",
    "household_monthly_income": "4352.5",
    "bank_name": "中国工商银行",
    "bank_account": "6222078651237160091",
    "filed_on": "2025/04/03",
}
APPROVED_BANK = {"name": "中国建设银行", "account": "6217000010012345678"}
NEW_ACCOUNT_CELLS = {"bank_name": APPROVED_BANK["name"], "bank_account": APPROVED_BANK["account"]}


@pytest.fixture
def registry(migrated_db_urls):
    """(session, vault, the id of a worker filed as ROW says)"""
    engine = make_engine(migrated_db_urls["REGISTRY_DB_URL"])
    session, vault = Session(engine, expire_on_commit=False), Vault(b"test-key")
    data, _ = row_to_data(ROW, TODAY)
    yield session, vault, store.register(session, vault, data, "caseworker:alice", ROOT_SCOPE).worker_id
    session.close()
    engine.dispose()


def test_a_payee_change_approved_while_an_import_writes_stays(registry):
    session, vault, worker_id = registry
    _, change_request_id = store.apply_update(
        session, vault, worker_id, {"bank": APPROVED_BANK}, "caseworker:alice", ROOT_SCOPE
    )

    importer = imports.importer_for(session, vault, "caseworker:carol", ROOT_SCOPE)
    read_stored = importer._stored_rows_that_differ
    reads = []

    def approve_after_the_first_read(pending):
        stored = read_stored(pending)
        if not reads:
            payee_decisions.decide(session, vault, change_request_id, True, None, "admin:bob", ROOT_SCOPE)
        reads.append(stored)
        return stored

    importer._stored_rows_that_differ = approve_after_the_first_read
    importer.take(check_row(vault, 2, {**ROW, "phone": "13392655487"}, TODAY))  # the sheet's bank is the old one
    importer.flush()
    session.commit()

    after = store.load(session, worker_id, ROOT_SCOPE)
    assert workers.data_of(vault, after)["bank"] == APPROVED_BANK
    assert workers.data_of(vault, after)["phone"] == "13392655487"
    assert after.version == 3 and len(reads) == 2
    result = importer.result
    assert result.updated == 1 and len(result.pending_changes) == 1  # the sheet's account waits for approval again


def test_a_command_line_import_asks_for_no_payee_change(registry):
    """Its actor is a name typed on the server: the same-user check could not stop them approving it themselves."""
    session, vault, worker_id = registry
    importer = imports.importer_for(session, vault, "cli:ops", ROOT_SCOPE)
    importer.take(check_row(vault, 2, {**ROW, "phone": "13392655487", **NEW_ACCOUNT_CELLS}, TODAY))
    importer.flush()
    session.commit()

    result = importer.result
    assert result.pending_changes == [] and (result.updated, result.unchanged) == (0, 0)
    [rejected] = result.rejected
    assert rejected["row"] == 2 and rejected["field"] == "bank_account" and rejected["column"] == "银行卡号"
    assert "管理台" in rejected["message"] and "审批" in rejected["message"]
    after = workers.data_of(vault, store.load(session, worker_id, ROOT_SCOPE))
    assert after["bank"]["account"] == ROW["bank_account"] and after["phone"] == ROW["phone"]  # the row is not applied
    assert session.execute(select(func.count()).select_from(change_requests)).scalar() == 0


def test_of_two_requests_made_at_once_only_the_first_approved_changes_the_payee(registry):
    """Two PATCHes at once on PostgreSQL may both find no pending request and leave two; the second approval
    must not replace what the first approved on details its requester never saw."""
    session, vault, worker_id = registry
    other_bank = {"name": "中国农业银行", "account": "6228480010012345678"}
    _, first = store.apply_update(session, vault, worker_id, {"bank": APPROVED_BANK}, "caseworker:alice", ROOT_SCOPE)
    _, second = store.apply_update(session, vault, worker_id, {"bank": other_bank}, "caseworker:carol", ROOT_SCOPE)
    session.execute(
        update(change_requests)
        .where(change_requests.c.change_request_id == first)
        .values(status="pending", decided_by=None, decided_at=None)
    )  # as if made at the same time
    session.commit()

    payee_decisions.decide(session, vault, second, True, None, "admin:bob", ROOT_SCOPE)
    with pytest.raises(Refused) as refused:
        payee_decisions.decide(session, vault, first, True, None, "admin:bob", ROOT_SCOPE)

    assert refused.value.code == "conflict"
    assert workers.data_of(vault, store.load(session, worker_id, ROOT_SCOPE))["bank"] == other_bank
    assert payee_requests.view_of(session, first)["status"] == "pending"  # still there to reject
