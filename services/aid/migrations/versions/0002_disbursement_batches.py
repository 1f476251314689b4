"""disbursement batches and what the bank answered for each item

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "disbursement_batches",
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.campaign_id"],
        ),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_index("ix_disbursement_batches_campaign_id", "disbursement_batches", ["campaign_id"], unique=False)
    op.create_table(
        "batch_items",
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("bank_ref", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.application_id"],
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disbursement_batches.batch_id"],
        ),
        sa.PrimaryKeyConstraint("batch_id", "application_id"),
    )


def downgrade():
    op.drop_table("batch_items")
    op.drop_index("ix_disbursement_batches_campaign_id", table_name="disbursement_batches")
    op.drop_table("disbursement_batches")
