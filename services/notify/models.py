"""The notify service's tables: one message per (application, status), its attempts, receipts and opt-outs, and the
union units as the registry announces them (each message and opt-out belongs to its worker's unit).

No full phone number is stored: the dispatcher asks the registry for it at send time and keeps only
the masked form (for staff) and a keyed hash (for per-number limits).
"""

from sqlalchemy import JSON, Boolean, Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from shared.db import UtcDateTime
from shared.inbox import inbox_table
from shared.org_unit_copy import org_units_table
from shared.outbox import outbox_table
from shared.worker_unit_copy import worker_units_table

metadata = MetaData()

messages = Table(
    "messages",
    metadata,
    Column("notification_id", String(32), primary_key=True),
    Column("application_id", String(32), nullable=False),
    Column("worker_id", String(32), nullable=False, index=True),
    Column("org_unit_id", String(32), index=True),  # the worker's union unit (scope.py); NULL: the root's
    Column("template", String(20), nullable=False),
    Column("params", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("segments", Integer, nullable=False),
    # queued | deferred | sending (claimed by a dispatcher) | sent | delivered | failed | suppressed
    Column("status", String(12), nullable=False),
    # when a queued/deferred message is due, a claim expires, or a sent message's receipt is overdue
    Column("due_at", UtcDateTime, nullable=False),
    Column("claim", String(32)),
    Column("phone_masked", String(11)),
    Column("phone_hash", String(64)),
    Column("provider", String(20)),
    Column("provider_message_id", String(64), index=True),
    Column("attempts", Integer, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    UniqueConstraint("application_id", "template", name="uq_messages_application_template"),
    Index("ix_messages_status_due", "status", "due_at"),
    Index("ix_messages_phone_sent", "phone_hash", "sent_at"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("notification_id", String(32), nullable=False, index=True),
    Column("provider", String(20), nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("code", String(80), nullable=False),
    Column("message", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

receipts = Table(
    "receipts",
    metadata,
    Column("receipt_key", String(200), primary_key=True),
    Column("provider", String(20), nullable=False),
    Column("notification_id", String(32)),
    Column("delivered", Boolean, nullable=False),
    Column("code", String(80), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

opt_outs = Table(
    "opt_outs",
    metadata,
    Column("worker_id", String(32), primary_key=True),
    Column("org_unit_id", String(32), index=True),  # the worker's union unit (scope.py); NULL: the root's
    Column("source", String(20), nullable=False),  # staff | provider
    Column("reason", Text, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

org_units = org_units_table(metadata)
# each worker's unit as of the newest version of their file notify knows of: messages and opt-outs move only to a newer
# one's
worker_units = worker_units_table(metadata)
inbox = inbox_table(metadata)
outbox = outbox_table(metadata)
