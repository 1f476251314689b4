"""accounts belong to a union unit; the units the registry announces; the inbox of those events

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
    # existing accounts belong to the root, filled in when the registry's event about it arrives
    op.add_column("users", sa.Column("org_unit_id", sa.String(length=32), nullable=True))
    op.add_column("console_sessions", sa.Column("org_unit_id", sa.String(length=32), nullable=True))
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
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("handler", sa.String(length=120), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "handler"),
    )


def downgrade():
    op.drop_table("inbox")
    op.drop_table("org_units")
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_column("org_unit_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("org_unit_id")
