"""A group of SMS is marked `sending` and finished in one statement each; a message that moved meanwhile (an
expired lease, an early receipt) is left as it is and reported, on SQLite (one executemany) and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.notify import messages
from services.notify.models import attempts, outbox
from services.notify.models import messages as messages_table
from services.notify.outcomes import after_send
from services.notify.providers.base import Outcome, SendResult
from services.notify.templates import render
from shared import clock
from shared.db import make_engine
from shared.event_types import read
from shared.events import new_id
from tests.fakes.events import sample

CLAIM = "c" * 32


@pytest.fixture
def engine(migrated_db_urls):
    engine = make_engine(migrated_db_urls["NOTIFY_DB_URL"])
    yield engine
    engine.dispose()


def claimed(engine, count: int) -> list:
    now = clock.now()
    events = [
        read("application_submitted", sample("application_submitted", application_id=new_id(), worker_id=new_id()))
        for _ in range(count)
    ]
    rows = [messages.new_message(event, render("submitted", event, "市总工会"), now, now) for event in events]
    with Session(engine) as session:
        session.execute(messages_table.insert(), [{**row, "status": "claimed", "claim": CLAIM} for row in rows])
        session.commit()
        return session.execute(select(messages_table).order_by(messages_table.c.notification_id)).all()


def moved_meanwhile(engine, row, status: str) -> None:
    with Session(engine) as session:
        session.execute(
            update(messages_table)
            .where(messages_table.c.notification_id == row.notification_id)
            .values(status=status, claim=None)
        )
        session.commit()


def stored(engine, row):
    with engine.connect() as connection:
        return connection.execute(
            select(messages_table).where(messages_table.c.notification_id == row.notification_id)
        ).one()


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def contact(number: int) -> dict:
    return {"phone_masked": f"138****{number:04d}", "phone_hash": f"{number:064d}"}


def start(engine, rows) -> list[bool]:
    with Session(engine) as session:
        moved = messages.start_sending(
            session,
            rows,
            ["console"] * len(rows),
            clock.now() + timedelta(minutes=1),
            [contact(number) for number in range(len(rows))],
        )
        session.commit()
    return moved


def finish(engine, rows, results) -> list[bool]:
    now = clock.now()
    with Session(engine) as session:
        finished = messages.finish_sending(
            session,
            rows,
            ["console"] * len(rows),
            [after_send(result, row.failures, now, [1.0], timedelta(minutes=30)) for row, result in zip(rows, results)],
            results,
        )
        session.commit()
    return finished


def test_a_group_is_marked_sending_with_each_number_in_one_go(engine):
    rows = claimed(engine, 3)
    assert start(engine, rows) == [True, True, True]
    assert [(stored(engine, row).status, stored(engine, row).phone_masked) for row in rows] == [
        ("sending", "138****0000"),
        ("sending", "138****0001"),
        ("sending", "138****0002"),
    ]


def test_a_message_that_moved_before_the_group_started_is_left_alone(engine):
    rows = claimed(engine, 3)
    moved_meanwhile(engine, rows[1], "queued")
    assert start(engine, rows) == [True, False, True]
    assert [stored(engine, row).status for row in rows] == ["sending", "queued", "sending"]
    assert stored(engine, rows[1]).phone_hash is None


def test_each_answer_is_recorded_with_its_attempt_and_event_once(engine):
    rows = claimed(engine, 3)
    start(engine, rows)
    sending = [stored(engine, row) for row in rows]
    results = [
        SendResult(Outcome.SENT, "biz-1", "OK"),
        SendResult(Outcome.TRANSIENT, None, "503", "busy"),
        SendResult(Outcome.SENT, "biz-3", "OK"),
    ]
    assert finish(engine, sending, results) == [True, True, True]
    after = [stored(engine, row) for row in rows]
    assert [(row.status, row.provider_message_id, row.attempts, row.failures, row.claim) for row in after] == [
        ("sent", "biz-1", 1, 0, None),
        ("queued", None, 1, 1, None),
        ("sent", "biz-3", 1, 0, None),
    ]
    assert after[1].last_error.startswith("暂时失败")
    assert count(engine, attempts) == count(engine, outbox) == 3


def test_an_answer_for_a_message_that_moved_meanwhile_changes_nothing(engine):
    rows = claimed(engine, 3)
    start(engine, rows)
    sending = [stored(engine, row) for row in rows]
    moved_meanwhile(engine, rows[0], "sent")
    results = [SendResult(Outcome.SENT, f"biz-{number}", "OK") for number in range(3)]
    assert finish(engine, sending, results) == [False, True, True]
    assert stored(engine, rows[0]).provider_message_id is None
    assert count(engine, attempts) == count(engine, outbox) == 2
