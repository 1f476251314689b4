"""the accounts of an admin's subtree: the units by path prefix, the accounts by unit

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_org_units_path", "org_units", ["path"], postgresql_ops={"path": "text_pattern_ops"})
    op.create_index("ix_users_org_unit_id", "users", ["org_unit_id"])


def downgrade():
    op.drop_index("ix_users_org_unit_id", table_name="users")
    op.drop_index("ix_org_units_path", table_name="org_units")
