"""the roll-up report counts a year's applications by unit and status, and sums their amounts, from one small index

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":  # see models.py
        op.create_index(
            "ix_applications_figures", "applications", ["campaign_id", "org_unit_id", "status", "amount_fen"]
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_applications_figures", table_name="applications")
