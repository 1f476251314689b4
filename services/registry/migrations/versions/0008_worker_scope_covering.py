"""a caseworker's list of their subtree without a category, answered from the path index alone

Revision ID: 0008
Revises: 0007

A district's files are spread over the whole table: a page of them in filing order read every one of them from the
table to sort them (a second at a million files). On PostgreSQL the path index now carries what the list sorts and
filters on, as ix_workers_search does for a search by category; SQLite has no covering columns, and keeps its index.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COVERED = ["name", "employer", "created_at", "worker_id"]


def _path_index(include: list[str]) -> None:
    op.drop_index("ix_workers_path", table_name="workers")
    op.create_index(
        "ix_workers_path", "workers", ["path"], postgresql_ops={"path": "text_pattern_ops"}, postgresql_include=include
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _path_index(COVERED)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _path_index([])
