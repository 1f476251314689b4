"""A service's copy of each worker's unit (shared/worker_unit_copy.py): moves told in any order, twice, or after a
filing at a newer version end where the newest version of the file says, in an in-memory database."""

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.orm import Session

from shared import worker_unit_copy

EAST, WEST, NORTH = ("0b" * 16, "0c" * 16, "0d" * 16)
W1, W2 = "1" * 32, "2" * 32
metadata = MetaData()
units = worker_unit_copy.worker_units_table(metadata)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as db:
        yield db


def kept(session) -> dict[str, tuple[str, int]]:
    return {row.worker_id: (row.org_unit_id, row.version) for row in session.execute(select(units))}


def take(session, worker_id: str, unit: str, version: int) -> bool:
    return worker_unit_copy.take_if_newer(session, units, worker_id, unit, version)


def test_the_first_move_told_is_taken_whatever_its_version(session):
    assert take(session, W1, WEST, 5)
    assert kept(session) == {W1: (WEST, 5)}


def test_a_newer_move_is_taken_and_an_older_or_the_same_one_is_not(session):
    take(session, W1, WEST, 2)

    assert take(session, W1, NORTH, 3)
    assert not take(session, W1, WEST, 2)  # the older one, delivered late
    assert not take(session, W1, NORTH, 3)  # the same again (a redelivery under another id, a re-announcement)
    assert kept(session) == {W1: (NORTH, 3)}


def test_moves_told_in_reverse_order_end_where_the_newest_says(session):
    assert take(session, W1, NORTH, 3)
    assert not take(session, W1, WEST, 2)
    assert kept(session) == {W1: (NORTH, 3)}


def test_each_worker_has_a_version_of_their_own(session):
    take(session, W1, NORTH, 9)

    assert take(session, W2, WEST, 2)
    assert kept(session) == {W1: (NORTH, 9), W2: (WEST, 2)}


def test_a_filing_keeps_the_unit_it_read_unless_a_newer_one_is_kept(session):
    take(session, W1, NORTH, 3)  # a move handled after the registry answered the filing with version 2

    newest = worker_unit_copy.newest(session, units, {W1: (WEST, 2), W2: (EAST, 4)})

    assert newest == {W1: (NORTH, 3), W2: (EAST, 4)}
    assert kept(session) == newest
    assert not take(session, W2, WEST, 3)  # a move older than what the filing read, told after it


def test_a_filing_at_a_newer_version_than_kept_replaces_it(session):
    take(session, W1, WEST, 2)

    assert worker_unit_copy.newest(session, units, {W1: (NORTH, 3)}) == {W1: (NORTH, 3)}
    assert worker_unit_copy.newest(session, units, {}) == {}


def test_the_units_kept_are_those_of_the_workers_a_unit_is_kept_for(session):
    take(session, W1, NORTH, 3)

    assert worker_unit_copy.kept(session, units, [W2, W1, W1]) == {W1: NORTH}
    assert worker_unit_copy.kept(session, units, []) == {}
