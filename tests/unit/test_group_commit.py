"""Group commit: a batch lands in one transaction, a repeated key is skipped, a refused row fails alone."""
import pytest
from eventlet.event import Event
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from shared.db import make_engine
from shared.group_commit import GroupCommitInserts

metadata = MetaData()
rows = Table("rows", metadata, Column("key", String(10), primary_key=True), Column("value", Integer, nullable=False))


@pytest.fixture
def writer(tmp_path):
    inserts = GroupCommitInserts("test", rows)
    inserts.engine = make_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    metadata.create_all(inserts.engine)
    inserts.sessions = sessionmaker(inserts.engine)
    yield inserts
    inserts.engine.dispose()


def stored(writer) -> dict:
    with writer.engine.connect() as connection:
        return dict(connection.execute(select(rows.c.key, rows.c.value)).all())


def batch_of(*values) -> list:
    return [(value, Event()) for value in values]


def test_a_batch_is_written_and_every_waiting_worker_is_released(writer):
    batch = batch_of({"key": "a", "value": 1}, {"key": "b", "value": 2}, {"key": "a", "value": 9})
    writer._write(batch)
    assert stored(writer) == {"a": 1, "b": 2}
    assert all(done.ready() for _, done in batch)


def test_a_refused_row_fails_only_its_own_worker(writer):
    good, bad, other = batch_of({"key": "a", "value": 1}, {"key": "b", "value": None}, {"key": "c", "value": 3})
    writer._write([good, bad, other])
    assert stored(writer) == {"a": 1, "c": 3}
    assert good[1].wait() is None and other[1].wait() is None
    with pytest.raises(IntegrityError):
        bad[1].wait()
