"""each file's unit announced once, so that the services that keep records about workers file them in that unit

Revision ID: 0007
Revises: 0006

Revision 0005 gave every file its union's unit, but announced only the units: aid still kept the applications made
before then at the root, seen by the root's users only and added up in the root's own figures. A worker_updated
event for every file, naming its unit (`changed`: ["union"], as a move says it), moves them where they belong; aid
learns the unit from 0005's org_unit_created event first, or retries until it has. The events go out as written, a
chunk at a time, so a registry of a million files is announced without holding it in memory.
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from shared.events import new_id

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CHUNK = 5000
ANNOUNCED = (
    "worker_id",
    "category",
    "union",
    "org_unit_id",
    "status",
    "household_size",
    "filed_on",
    "review_due_on",
    "version",
)


def announcement(row, occurred_at: str) -> dict:
    """The worker_updated event of a file as stored (the event's schema as this revision knows it)."""
    payload = {
        "event_id": new_id(),
        "occurred_at": occurred_at,
        "schema_version": 1,
        **{name: getattr(row, name) for name in ANNOUNCED},
        "changed": ["union"],
    }
    payload["filed_on"] = row.filed_on.isoformat()
    payload["review_due_on"] = row.review_due_on.isoformat()
    return payload


def upgrade():
    bind = op.get_bind()
    dates = ("filed_on", "review_due_on")
    workers = sa.table("workers", *(sa.column(name, sa.Date if name in dates else None) for name in ANNOUNCED))
    outbox = sa.table(
        "outbox",
        sa.column("event_id", sa.String),
        sa.column("event_type", sa.String),
        sa.column("payload", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    after = ""
    while True:
        rows = bind.execute(
            sa.select(workers).where(workers.c.worker_id > after).order_by(workers.c.worker_id).limit(CHUNK)
        ).all()
        if not rows:
            return
        events = [announcement(row, now.isoformat()) for row in rows]
        op.bulk_insert(
            outbox,
            [
                {
                    "event_id": event["event_id"],
                    "event_type": "worker_updated",
                    "payload": json.dumps(event, ensure_ascii=False),
                    "created_at": now,
                }
                for event in events
            ],
        )
        after = rows[-1].worker_id


def downgrade():
    """Nothing to undo: the events are history, and a unit named again changes nothing."""
