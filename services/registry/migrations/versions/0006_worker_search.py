"""a caseworker's search of their subtree by category and name, answered from one index

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_workers_search",
        "workers",
        ["category", "path"],
        postgresql_ops={"path": "text_pattern_ops"},
        postgresql_include=["name", "employer", "created_at", "worker_id"],
    )


def downgrade():
    op.drop_index("ix_workers_search", table_name="workers")
