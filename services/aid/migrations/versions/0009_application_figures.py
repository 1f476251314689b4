"""the roll-up report counts a year's applications by unit and status, and sums their amounts, from one small index

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_applications_figures", "applications", ["campaign_id", "org_unit_id", "status", "amount_fen"])


def downgrade():
    op.drop_index("ix_applications_figures", table_name="applications")
