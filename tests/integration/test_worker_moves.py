"""A worker moved twice, the registry's two worker_updated events delivered the wrong way round, one of them twice: aid's
applications and notify's messages and opt-out end in the unit of the newest version of the file, as does a record
written from an older answer meanwhile; two moves handled at once by two consumers end the same way
(shared/worker_unit_copy.py). On the real databases, through the services' own handlers."""

import eventlet
import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.aid import campaigns as campaign_store
from services.aid import submissions
from services.aid.models import applications
from services.aid.models import worker_units as aid_worker_units
from services.aid.service import AidService
from services.notify import messages, opt_outs, templates
from services.notify.models import messages as message_rows
from services.notify.models import opt_outs as opt_out_rows
from services.notify.service import NotifyService
from shared import worker_unit_copy
from shared.crypto import Vault
from shared.db import make_engine
from shared.event_types import read
from shared.events import now_utc
from tests.fakes.events import sample
from tests.integration.conftest import wait_until
from tests.integration.test_aid_submissions import MAKER, TODAY, applicant

ROOT, EAST, WEST, NORTH = ("0a" * 16, "0b" * 16, "0c" * 16, "0d" * 16)
W1, W2, W3 = "1" * 32, "2" * 32, "3" * 32


def moved(worker_id: str, unit: str, version: int) -> dict:
    """The registry's worker_updated event of a move to `unit`, the file then at `version`."""
    return sample("worker_updated", worker_id=worker_id, org_unit_id=unit, version=version, changed=["union"])


def in_unit(session, table, worker_id: str) -> set:
    units = set(session.execute(select(table.c.org_unit_id).where(table.c.worker_id == worker_id)).scalars())
    session.rollback()
    return units


@pytest.fixture
def aid(migrated_db_urls):
    engine = make_engine(migrated_db_urls["AID_DB_URL"])
    with Session(engine, expire_on_commit=False) as session:
        service = worker_factory_with_units(AidService, session)
        yield service, session
    engine.dispose()


@pytest.fixture
def notify(migrated_db_urls):
    engine = make_engine(migrated_db_urls["NOTIFY_DB_URL"])
    with Session(engine, expire_on_commit=False) as session:
        yield worker_factory_with_units(NotifyService, session), session
    engine.dispose()


def worker_factory_with_units(service_class, session):
    """The service on that database, the union units told: the root, and three districts under it."""
    service = worker_factory(service_class, db=session)
    service.on_org_unit_created(
        sample("org_unit_created", org_unit_id=ROOT, name="市总工会", parent_id=None, level="city", path=[])
    )
    for unit, name in ((EAST, "城东区"), (WEST, "城西区"), (NORTH, "城北区")):
        service.on_org_unit_created(sample("org_unit_created", org_unit_id=unit, name=name, path=[ROOT]))
    return service


def file(session, worker_id: str, unit: str, version: int) -> list[dict]:
    """An application of the worker, filed on the registry's answer: the worker in `unit`, the file at `version`."""
    campaign_id = campaign_store.create(
        session,
        {
            "program": "warmth",
            "name": "2026年春节送温暖",
            "year": 2026,
            "opens_on": TODAY,
            "closes_on": TODAY,
            "budget_fen": 10_000_000,
            "amounts": {"deep": 300_000},
            "publicity_days": 5,
        },
        "admin:a",
        None,
        ask_registry=None,
    ).campaign_id
    answer = {**applicant(worker_id, [f"household-{worker_id}"]), "org_unit_id": unit, "path": f"{ROOT}/{unit}/"}
    return submissions.submit_many(
        session,
        Vault(b"test-key"),
        [({"campaign_id": campaign_id, "worker_id": worker_id}, MAKER, None, None)],
        lambda _worker_ids: {worker_id: {**answer, "version": version}},
        None,
        TODAY,
        True,
    )


def test_aids_applications_end_in_the_unit_of_the_newest_move_whatever_order_the_moves_came_in(aid):
    service, session = aid
    file(session, W1, EAST, 1)
    newer, older = moved(W1, NORTH, 3), moved(W1, WEST, 2)

    for event in (newer, older, older, moved(W1, WEST, 2)):  # the older one late, redelivered, and retried anew
        service.on_worker_updated(event)

    assert in_unit(session, applications, W1) == {NORTH}
    paths = set(session.execute(select(applications.c.path).where(applications.c.worker_id == W1)).scalars())
    assert paths == {f"{ROOT}/{NORTH}/"}


def test_an_older_move_told_first_leaves_an_application_filed_after_the_newer_one_where_it_is(aid):
    service, session = aid
    assert "application" in file(session, W2, NORTH, 3)[0]  # the registry answered after both moves

    service.on_worker_updated(moved(W2, WEST, 2))  # the first move aid hears of for this worker, and an old one

    assert in_unit(session, applications, W2) == {NORTH}
    service.on_worker_updated(moved(W2, EAST, 4))
    assert in_unit(session, applications, W2) == {EAST}


def test_a_filing_on_an_answer_older_than_a_move_handled_meanwhile_is_refused_to_be_filed_again(aid):
    service, session = aid
    service.on_worker_updated(moved(W3, WEST, 2))  # handled between the registry's answer and the filing

    (refused,) = file(session, W3, EAST, 1)
    assert refused["error"][:2] == ["conflict", "该职工刚调到其他工会组织，请重新提交申请"]
    assert in_unit(session, applications, W3) == set()
    assert "application" in file(session, W3, WEST, 2)[0]  # filed again, on the registry's new answer
    assert in_unit(session, applications, W3) == {WEST}


def message(worker_id: str, unit: str, application_id: str) -> dict:
    event = read(
        "application_submitted",
        sample("application_submitted", worker_id=worker_id, org_unit_id=unit, application_id=application_id),
    )
    now = now_utc()
    return messages.new_message(event, templates.render("submitted", event, "测试"), now, now)


def test_notifys_messages_and_opt_out_end_in_the_unit_of_the_newest_move(notify):
    service, session = notify
    messages.add_new(session, [message(W1, EAST, "a" * 32)])
    opt_outs.opt_out(session, W1, EAST, "staff", "本人要求", "caseworker:a")
    session.commit()
    newer, older = moved(W1, NORTH, 3), moved(W1, WEST, 2)

    for event in (newer, older, older, moved(W1, WEST, 2)):
        service.on_worker_updated(event)

    assert in_unit(session, message_rows, W1) == in_unit(session, opt_out_rows, W1) == {NORTH}
    # an SMS of an application event sent before the moves, recorded after them: in the newest unit too
    messages.add_new(session, [message(W1, EAST, "b" * 32)])
    assert in_unit(session, message_rows, W1) == {NORTH}


def test_an_older_move_told_first_is_taken_by_notify_until_the_newer_one_comes(notify):
    """notify learns a worker's unit from the events alone: the first one it hears of is taken, the newer one after
    it wins, and the older one again changes nothing."""
    service, session = notify
    messages.add_new(session, [message(W2, NORTH, "c" * 32)])
    newer, older = moved(W2, NORTH, 3), moved(W2, WEST, 2)

    service.on_worker_updated(older)
    assert in_unit(session, message_rows, W2) == {WEST}
    service.on_worker_updated(newer)
    service.on_worker_updated(moved(W2, WEST, 2))
    assert in_unit(session, message_rows, W2) == {NORTH}


@pytest.mark.parametrize("db_backend", ["postgres"])  # SQLite has one writer at a time: no race to look for
@pytest.mark.parametrize("filed_before", [False, True], ids=["first_told", "kept_before"])
@pytest.mark.parametrize("first", ["older", "newer"])
def test_two_consumers_handling_both_moves_at_once_end_in_the_newest_unit(migrated_db_urls, first, filed_before):
    """The move that runs first holds the worker's row until it commits (a row it made, or one kept before); the other
    waits for it, then re-reads it."""
    engine = make_engine(migrated_db_urls["AID_DB_URL"])
    told = {"older": (WEST, 2), "newer": (NORTH, 3)}
    second = "newer" if first == "older" else "older"
    try:
        with Session(engine) as one, Session(engine) as other, Session(engine) as watcher:
            if filed_before:
                file(one, W1, EAST, 1)
            assert worker_unit_copy.take_if_newer(one, aid_worker_units, W1, *told[first])
            waiting = eventlet.spawn(worker_unit_copy.take_if_newer, other, aid_worker_units, W1, *told[second])
            wait_until(lambda: waits_for_a_lock(watcher), describe=lambda: f"the second move returned {waiting.dead}")
            one.commit()
            assert waiting.wait() == (second == "newer")
            other.commit()
            kept = one.execute(select(aid_worker_units.c.org_unit_id, aid_worker_units.c.version)).all()
            assert kept == [(NORTH, 3)]
    finally:
        engine.dispose()


def waits_for_a_lock(session) -> bool:
    """Whether a session of this database waits for another's lock (the second move, held at the worker's row)."""
    waiting = session.execute(
        text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
    ).scalar_one()
    session.rollback()
    return waiting > 0
