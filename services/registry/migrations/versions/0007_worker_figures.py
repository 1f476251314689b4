"""the roll-up report counts a subtree's active files by unit and category from one small index

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_workers_figures", "workers", ["status", "org_unit_id", "category"])


def downgrade():
    op.drop_index("ix_workers_figures", table_name="workers")
