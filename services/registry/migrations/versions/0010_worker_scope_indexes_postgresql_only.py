"""the files' two scope indexes kept on PostgreSQL only

Revision ID: 0010
Revises: 0009

SQLite's LIKE never reads an index on a case-sensitive column, so ix_workers_path and ix_workers_search served no
scoped list there (a category alone, a path alone: one centre's files are read from the table in milliseconds) and only
slowed every import, where each file's path was written into both.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_workers_search", table_name="workers")
        op.drop_index("ix_workers_path", table_name="workers")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_workers_path", "workers", ["path"])
        op.create_index("ix_workers_search", "workers", ["category", "path"])
