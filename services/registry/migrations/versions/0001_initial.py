"""worker files, history, audit, imports, outbox and inbox

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
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "imports",
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("import_id"),
    )
    op.create_table(
        "workers",
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("gender", sa.String(length=6), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone_masked", sa.String(length=11), nullable=False),
        sa.Column("employer", sa.String(length=100), nullable=False),
        sa.Column("union", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.String(length=100), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("household_monthly_income_fen", sa.Integer(), nullable=False),
        sa.Column("bank_name", sa.String(length=50), nullable=False),
        sa.Column("bank_account_masked", sa.String(length=8), nullable=False),
        sa.Column("family", sa.JSON(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("review_due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id"),
        sa.UniqueConstraint("id_number_hash"),
    )
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.create_index("ix_workers_status_review_due_on", ["status", "review_due_on"], unique=False)

    op.create_table(
        "worker_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=True),
        sa.Column("to_status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["workers.worker_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("worker_status_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_status_history_worker_id"), ["worker_id"], unique=False)


def downgrade():
    drop_event_tables(op)
    with op.batch_alter_table("worker_status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_status_history_worker_id"))

    op.drop_table("worker_status_history")
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_index("ix_workers_status_review_due_on")

    op.drop_table("workers")
    op.drop_table("imports")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_worker_id"))

    op.drop_table("audit_log")
