"""import parts: an upload stored part by part (encrypted) before it is imported

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_parts",
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("import_id", "seq"),
    )
    op.create_index("ix_import_parts_received_at", "import_parts", ["received_at"])


def downgrade():
    op.drop_index("ix_import_parts_received_at", table_name="import_parts")
    op.drop_table("import_parts")
