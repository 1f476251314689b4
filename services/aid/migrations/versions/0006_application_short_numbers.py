"""applications keep the 编号 their SMS names, indexed for the public status lookup; history says worker
statuses in Chinese

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from shared.application_numbers import short_number

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# what on_worker_status_changed wrote before it named the status in Chinese
OLD_REASONS = {
    "职工档案状态变为 exited，退回重新审核": "职工档案状态变为已退出，退回重新审核",
    "职工档案状态变为 suspended，退回重新审核": "职工档案状态变为暂停，退回重新审核",
}


def upgrade():
    # NOT NULL at once (SQLite cannot change it later without rebuilding a table others refer to); the default
    # only fills the rows already there, which are given their number next
    op.add_column("applications", sa.Column("short_number", sa.String(length=6), nullable=False, server_default=""))
    applications = sa.table(
        "applications", sa.column("application_id", sa.String), sa.column("short_number", sa.String)
    )
    connection = op.get_bind()
    ids = connection.execute(sa.select(applications.c.application_id)).scalars().all()
    if ids:
        connection.execute(
            applications.update()
            .where(applications.c.application_id == sa.bindparam("b_id"))
            .values(short_number=sa.bindparam("b_number")),
            [{"b_id": application_id, "b_number": short_number(application_id)} for application_id in ids],
        )
    if connection.dialect.name != "sqlite":
        op.alter_column("applications", "short_number", server_default=None)
    op.create_index(op.f("ix_applications_short_number"), "applications", ["short_number"], unique=False)
    history = sa.table("application_history", sa.column("reason", sa.Text))
    for old, new in OLD_REASONS.items():
        connection.execute(history.update().where(history.c.reason == old).values(reason=new))


def downgrade():
    op.drop_index(op.f("ix_applications_short_number"), table_name="applications")
    op.drop_column("applications", "short_number")
