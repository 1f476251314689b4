"""each worker's unit as of the newest version of their file aid knows of, so that moves told out of order end where
the newest one says (shared/worker_unit_copy.py)

Revision ID: 0012
Revises: 0011

Empty at first: the versions of the moves handled before this revision were not kept, so the first move handled for a
worker after it is taken as before, whatever its version, and from then on only a newer one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_units",
        sa.Column("worker_id", sa.String(length=32), nullable=False),
        sa.Column("org_unit_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id"),
    )


def downgrade():
    op.drop_table("worker_units")
