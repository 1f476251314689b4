"""campaigns are owned by a union unit and say which levels review them; quotas share a campaign's money among
units; the registry's units as aid learns them

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # existing campaigns belong to the root (NULL) and keep their single approval
    op.add_column("campaigns", sa.Column("org_unit_id", sa.String(length=32), nullable=True))
    op.add_column("campaigns", sa.Column("review_levels", sa.JSON(), nullable=False, server_default="[]"))
    op.create_index("ix_campaigns_org_unit_id", "campaigns", ["org_unit_id"])
    op.create_table(
        "campaign_quotas",
        sa.Column("campaign_id", sa.String(length=32), sa.ForeignKey("campaigns.campaign_id"), nullable=False),
        sa.Column("org_unit_id", sa.String(length=32), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("committed_fen", sa.BigInteger(), nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "org_unit_id"),
    )
    op.create_table(
        "org_units",
        sa.Column("org_unit_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org_unit_id"),
    )


def downgrade():
    op.drop_table("org_units")
    op.drop_table("campaign_quotas")
    op.drop_index("ix_campaigns_org_unit_id", "campaigns")
    # not a batch: rebuilding campaigns would break the foreign keys that refer to it (SQLite)
    op.drop_column("campaigns", "review_levels")
    op.drop_column("campaigns", "org_unit_id")
