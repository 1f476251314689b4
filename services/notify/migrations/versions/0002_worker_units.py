"""messages and opt-outs belong to their worker's union unit; the registry's units as notify learns them

Revision ID: 0002
Revises: 0001

notify cannot read the registry's database, so messages and opt-outs from before this revision keep NULL: the root's,
seen by the root's users only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("messages", "opt_outs"):
        op.add_column(table, sa.Column("org_unit_id", sa.String(length=32), nullable=True))
        op.create_index(f"ix_{table}_org_unit_id", table, ["org_unit_id"])
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
    for table in ("opt_outs", "messages"):
        op.drop_index(f"ix_{table}_org_unit_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("org_unit_id")
