"""users: revocation and token expiry; console sessions remember the token they were opened with

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("token_issued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("revoke_reason", sa.String(length=500), nullable=True))
    op.execute("UPDATE users SET token_issued_at = created_at")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("token_issued_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    # an account's session opened before this revision names no token, so it ends: its user signs in again
    op.add_column("console_sessions", sa.Column("token_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_column("token_hash")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("revoke_reason")
        batch.drop_column("revoked_by")
        batch.drop_column("revoked_at")
        batch.drop_column("token_issued_at")
