"""The outbox relay marks exactly the rows it published: a run of rows as a range, rows with gaps one by one."""

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.registry.models import outbox
from shared.bus import ConfirmingPublisher
from shared.db import make_engine
from shared.event_types import new_event
from shared.outbox import add_events, relay_batch
from tests.fakes.events import FIELDS
from tests.integration.test_bus import counting_queue, drain  # noqa: F401

EARLIER = datetime(2026, 1, 1, tzinfo=UTC)


def queue_events(engine, count: int) -> list[int]:
    with Session(engine) as session:
        add_events(
            session, outbox, [new_event("worker_registered", **FIELDS["worker_registered"]) for _ in range(count)]
        )
        session.commit()
        return list(session.execute(select(outbox.c.id).order_by(outbox.c.id)).scalars())


def published(engine) -> dict[int, datetime | None]:
    with engine.connect() as connection:
        return dict(connection.execute(select(outbox.c.id, outbox.c.published_at)).all())


def sent_earlier(engine) -> int:
    """Marks the events the migrations queued (the root unit's) as sent long ago; how many there were."""
    with engine.begin() as connection:
        return connection.execute(update(outbox).values(published_at=EARLIER)).rowcount


def test_the_relay_marks_what_it_sent_and_nothing_else(config, counting_queue):  # noqa: F811
    engine = make_engine(config["REGISTRY_DB_URL"])
    publisher = ConfirmingPublisher(config["AMQP_URI"])
    try:
        already = sent_earlier(engine)
        ids = queue_events(engine, 10)[already:]
        with engine.begin() as connection:  # sent by an earlier relay: a gap in what is left
            connection.execute(update(outbox).where(outbox.c.id.in_(ids[3:5])).values(published_at=EARLIER))

        with engine.connect() as connection:
            assert relay_batch(connection, outbox, publisher, "test.events") == 8
        marks = published(engine)
        assert all(marks[i] is not None for i in ids)
        assert [marks[i] for i in ids[3:5]] == [EARLIER, EARLIER]  # not sent again, not marked again

        more = queue_events(engine, 5)[already + 10 :]  # a run with no gap: marked as a range
        with engine.connect() as connection:
            assert relay_batch(connection, outbox, publisher, "test.events") == 5
            assert relay_batch(connection, outbox, publisher, "test.events") == 0
        assert all(published(engine)[i] is not None for i in more)
    finally:
        publisher.close()
        engine.dispose()
    assert len(drain(config["AMQP_URI"], counting_queue)) == 13
