"""applications belong to their worker's union unit, copied at filing with its path, so that a scope is one prefix
condition on the application itself

Revision ID: 0008
Revises: 0007

aid cannot read the registry's database, so applications filed before this revision keep NULL: the root's, seen by
the root's users only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("applications", sa.Column("org_unit_id", sa.String(length=32), nullable=True))
    op.add_column("applications", sa.Column("path", sa.String(length=1000), nullable=True))
    op.create_index("ix_applications_path", "applications", ["path"], postgresql_ops={"path": "text_pattern_ops"})


def downgrade():
    op.drop_index("ix_applications_path", table_name="applications")
    # not a batch: rebuilding applications would break the foreign keys that refer to it (SQLite)
    op.drop_column("applications", "path")
    op.drop_column("applications", "org_unit_id")
