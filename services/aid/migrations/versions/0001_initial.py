"""campaigns, applications, history, claims, outbox and inbox

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
        "campaigns",
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("program", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("allocated_fen", sa.BigInteger(), nullable=False),
        sa.Column("committed_fen", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger(), nullable=False),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.Column("publicity_days", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "applications",
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("program", sa.String(length=10), nullable=False),
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("name_masked", sa.String(length=50), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("id_last4", sa.String(length=4), nullable=False),
        sa.Column("union", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("student", sa.JSON(), nullable=True),
        sa.Column("student_sealed", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("publicity_ends_on", sa.Date(), nullable=True),
        sa.Column("batch_id", sa.String(length=32), nullable=True),
        sa.Column("bank_ref", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.campaign_id"],
        ),
        sa.PrimaryKeyConstraint("application_id"),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_campaign_status", ["campaign_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "application_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.application_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("application_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_history_application_id"), ["application_id"], unique=False)

    op.create_table(
        "claims",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.application_id"],
        ),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_application_id"), ["application_id"], unique=False)


def downgrade():
    drop_event_tables(op)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_application_id"))

    op.drop_table("claims")
    with op.batch_alter_table("application_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_history_application_id"))

    op.drop_table("application_history")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_worker_id"))
        batch_op.drop_index("ix_applications_campaign_status")

    op.drop_table("applications")
    op.drop_table("campaigns")
