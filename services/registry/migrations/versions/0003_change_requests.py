"""payee change requests: bank details change only with a second person's approval

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.add_column(sa.Column("bank_changed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "change_requests",
        sa.Column("change_request_id", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("old_bank_name", sa.String(length=50), nullable=False),
        sa.Column("old_account_masked", sa.String(length=8), nullable=False),
        sa.Column("new_bank_name", sa.String(length=50), nullable=False),
        sa.Column("new_account_masked", sa.String(length=8), nullable=False),
        sa.Column("new_account_sealed", sa.Text(), nullable=False),
        sa.Column("new_bank_hash", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.worker_id"]),
        sa.PrimaryKeyConstraint("change_request_id"),
    )
    op.create_index("ix_change_requests_worker_id", "change_requests", ["worker_id"])
    op.create_index("ix_change_requests_status", "change_requests", ["status"])


def downgrade():
    op.drop_index("ix_change_requests_status", table_name="change_requests")
    op.drop_index("ix_change_requests_worker_id", table_name="change_requests")
    op.drop_table("change_requests")
    # Not batch mode: rebuilding `workers` drops the table, which SQLite refuses while other rows refer to it;
    # SQLite 3.35+ drops a plain column in place.
    op.drop_column("workers", "bank_changed_at")
