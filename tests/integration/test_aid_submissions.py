"""Applications filed together (the gateway coalesces concurrent submissions into one call to aid):
each is judged as if they had come one after another, and a refusal never takes another one down.
Against the real databases, without the broker: the batch semantics live in services/aid/submissions.py.
"""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.aid import applications as application_store
from services.aid import campaigns as campaign_store
from services.aid import submissions
from services.aid.models import applications, claims, history, outbox
from shared.crypto import Vault
from shared.db import make_engine
from tests.unit.aid.data import ROOTS

TODAY = date(2026, 8, 10)
MAKER = "caseworker:maker"


@pytest.fixture
def aid_db(migrated_db_urls):
    engine = make_engine(migrated_db_urls["AID_DB_URL"])
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def campaign_id(aid_db) -> str:
    return campaign_store.create(
        aid_db,
        {
            "program": "warmth",
            "name": "2026年春节送温暖",
            "year": 2026,
            "opens_on": date(2026, 8, 1),
            "closes_on": date(2026, 8, 31),
            "budget_fen": 10_000_000,
            "amounts": {"deep": 300_000, "relative": 200_000},
            "publicity_days": 5,
        },
        "admin:a",
        None,  # the root's scope: a campaign that names no unit never asks the registry
        ask_registry=None,
    ).campaign_id


def applicant(worker_id: str, household: list[str], category: str = "deep") -> dict:
    return {
        "worker_id": worker_id,
        "status": "active",
        "category": category,
        "union": "市总工会",
        "name_masked": "王*明",
        "id_number_masked": "110**********1234",
        "id_last4": "1234",
        "household": household,
        "version": 1,
        **ROOTS,
    }


APPLICANTS = {
    "w1": applicant("w1", ["household-1"]),
    "w2": applicant("w2", ["household-2", "household-1"]),  # a family member of w1's household, filed separately
    "w3": applicant("w3", ["household-3"], "relative"),
    "w4": applicant("w4", ["household-4"], "accident"),  # no amount for this category in the campaign
}


def file_together(session, requests: list[dict]) -> list[dict]:
    return submissions.submit_many(
        session,
        Vault(b"test-key"),
        [(payload, MAKER, None, None) for payload in requests],
        lambda worker_ids: {i: APPLICANTS[i] for i in worker_ids if i in APPLICANTS},
        None,
        TODAY,
        True,
    )


def codes(outcomes: list[dict]) -> list[str]:
    return [outcome["error"][0] if "error" in outcome else "ok" for outcome in outcomes]


def count(session, table) -> int:
    total = session.execute(select(func.count()).select_from(table)).scalar_one()
    session.rollback()
    return total


def test_each_application_filed_together_gets_its_own_answer(aid_db, campaign_id):
    outcomes = file_together(
        aid_db,
        [
            {"campaign_id": campaign_id, "worker_id": "w1"},
            {"campaign_id": campaign_id, "worker_id": "w2"},  # same household as the one before it
            {"campaign_id": campaign_id},
            {"campaign_id": "0" * 32, "worker_id": "w3"},
            {"campaign_id": campaign_id, "worker_id": "nobody"},
            {"campaign_id": campaign_id, "worker_id": "w4"},
            {"campaign_id": campaign_id, "worker_id": "w3", "note": "家访核实"},
        ],
    )

    assert codes(outcomes) == [
        "ok",
        "duplicate_application",
        "validation_error",
        "not_found",
        "not_found",
        "not_eligible",
        "ok",
    ]
    assert list(outcomes[2]["error"][3]) == ["worker_id"]
    assert [outcomes[3]["error"][1], outcomes[4]["error"][1]] == ["帮扶项目不存在", "职工档案不存在"]
    filed = [outcomes[0]["application"], outcomes[6]["application"]]
    assert [(shown["worker_id"], shown["amount_fen"], shown["status"]) for shown in filed] == [
        ("w1", 300_000, "submitted"),
        ("w3", 200_000, "submitted"),
    ]
    assert (count(aid_db, applications), count(aid_db, history), count(aid_db, outbox)) == (2, 2, 2)
    assert count(aid_db, claims) == 1 + 2  # w1's household; w3's household twice (this campaign, relative once a year)


def test_what_a_submission_answers_is_what_reading_it_back_shows(aid_db, campaign_id):
    shown = file_together(aid_db, [{"campaign_id": campaign_id, "worker_id": "w3", "note": "家访核实"}])[0][
        "application"
    ]

    row = application_store.load(aid_db, shown["application_id"])
    assert shown == application_store.view(row, application_store.history_of(aid_db, shown["application_id"]))
    assert shown["history"] == [
        {"from": None, "to": "submitted", "at": shown["created_at"], "actor": MAKER, "reason": "家访核实"}
    ]


def test_a_claim_taken_meanwhile_refuses_only_its_own_application(aid_db, campaign_id, monkeypatch):
    file_together(aid_db, [{"campaign_id": campaign_id, "worker_id": "w1"}])
    real_taken = submissions._taken
    calls = []

    def missed_once(session, wanted):  # as if another aid instance committed w1's household just after the check
        calls.append(wanted)
        return set() if len(calls) == 1 else real_taken(session, wanted)

    monkeypatch.setattr(submissions, "_taken", missed_once)
    outcomes = file_together(
        aid_db,
        [
            {"campaign_id": campaign_id, "worker_id": "w2"},
            {"campaign_id": campaign_id, "worker_id": "w3"},
        ],
    )

    assert codes(outcomes) == ["duplicate_application", "ok"]
    assert len(calls) > 1  # the batch's insert was refused, and each application was settled on its own
    assert count(aid_db, applications) == 2
    worker_ids = set(aid_db.execute(select(applications.c.worker_id)).scalars())
    assert worker_ids == {"w1", "w3"}
