"""disbursement batches keep their payees and the downloads of their bank file; allocations by external_ref

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("batch_items", sa.Column("payee_sealed", sa.Text(), nullable=True))
    op.create_table(
        "batch_downloads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["disbursement_batches.batch_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_batch_downloads_batch_id"), "batch_downloads", ["batch_id"], unique=False)
    op.create_table(
        "allocations",
        sa.Column("allocation_id", sa.String(length=32), nullable=False),
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("from_donations", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.campaign_id"]),
        sa.PrimaryKeyConstraint("allocation_id"),
        sa.UniqueConstraint("external_ref"),
    )
    op.create_index(op.f("ix_allocations_campaign_id"), "allocations", ["campaign_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_allocations_campaign_id"), table_name="allocations")
    op.drop_table("allocations")
    op.drop_index(op.f("ix_batch_downloads_batch_id"), table_name="batch_downloads")
    op.drop_table("batch_downloads")
    with op.batch_alter_table("batch_items") as batch:
        batch.drop_column("payee_sealed")
