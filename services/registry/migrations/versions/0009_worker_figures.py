"""the roll-up report counts a subtree's active files by unit and category from one small index

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":  # see models.py
        op.create_index("ix_workers_figures", "workers", ["status", "org_unit_id", "category"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_workers_figures", table_name="workers")
