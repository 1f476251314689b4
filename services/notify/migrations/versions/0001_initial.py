"""messages, attempts, receipts, opt-outs, outbox and inbox

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_event_tables(op, sa)
    op.create_table(
        "messages",
        sa.Column("notification_id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("phone_masked", sa.String(length=11), nullable=True),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=True),
        sa.Column("provider_message_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("notification_id"),
        sa.UniqueConstraint("application_id", "template", name="uq_messages_application_template"),
    )
    op.create_index("ix_messages_worker_id", "messages", ["worker_id"], unique=False)
    op.create_index("ix_messages_provider_message_id", "messages", ["provider_message_id"], unique=False)
    op.create_index("ix_messages_status_due", "messages", ["status", "due_at"], unique=False)
    op.create_index("ix_messages_phone_sent", "messages", ["phone_hash", "sent_at"], unique=False)
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notification_id", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attempts_notification_id", "attempts", ["notification_id"], unique=False)
    op.create_table(
        "receipts",
        sa.Column("receipt_key", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("notification_id", sa.String(length=32), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("receipt_key"),
    )
    op.create_table(
        "opt_outs",
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id"),
    )


def downgrade():
    op.drop_table("opt_outs")
    op.drop_table("receipts")
    op.drop_index("ix_attempts_notification_id", table_name="attempts")
    op.drop_table("attempts")
    op.drop_index("ix_messages_phone_sent", table_name="messages")
    op.drop_index("ix_messages_status_due", table_name="messages")
    op.drop_index("ix_messages_provider_message_id", table_name="messages")
    op.drop_index("ix_messages_worker_id", table_name="messages")
    op.drop_table("messages")
    drop_event_tables(op)
