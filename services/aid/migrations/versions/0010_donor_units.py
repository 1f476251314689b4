"""donors and donations belong to the union unit that took them on or received them, so that a scope is one condition
on the record (batches are scoped by their campaign's unit, which they have already)

Revision ID: 0010
Revises: 0009

Donors and donations from before this revision keep NULL: the root's, seen by the root's users only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("donors", "donations")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("org_unit_id", sa.String(length=32), nullable=True))
        op.create_index(f"ix_{table}_org_unit_id", table, ["org_unit_id"])


def downgrade():
    for table in TABLES:
        op.drop_index(f"ix_{table}_org_unit_id", table_name=table)
        # not a batch: rebuilding the table would break the foreign keys that refer to it (SQLite)
        op.drop_column(table, "org_unit_id")
