"""the union tree (帮扶中心网络), with its root: a fresh install and an older one both start with one unit

Revision ID: 0004
Revises: 0003
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from shared.events import new_id
from shared.migrations import migration_setting
from shared.org_levels import ORG_LEVELS

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    org_units = op.create_table(
        "org_units",
        sa.Column("org_unit_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["org_units.org_unit_id"]),
        sa.PrimaryKeyConstraint("org_unit_id"),
        sa.UniqueConstraint("parent_id", "name", name="uq_org_units_parent_id_name"),
    )
    op.create_index("ix_org_units_path", "org_units", ["path"], postgresql_ops={"path": "text_pattern_ops"})
    add_root(org_units)


def add_root(org_units) -> None:
    """The root, named by ORG_ROOT_NAME at ORG_ROOT_LEVEL, and its org_unit_created event (as this revision's schema
    has it) in the outbox, so every service learns it as it learns any other unit."""
    name, level = migration_setting("ORG_ROOT_NAME").strip(), migration_setting("ORG_ROOT_LEVEL")
    if not name or level not in ORG_LEVELS:
        raise ValueError(f"ORG_ROOT_NAME must not be empty and ORG_ROOT_LEVEL must be one of {', '.join(ORG_LEVELS)}")
    now, unit_id, event_id = datetime.now(UTC), new_id(), new_id()
    op.bulk_insert(
        org_units,
        [
            {
                "org_unit_id": unit_id,
                "name": name,
                "parent_id": None,
                "level": level,
                "path": f"{unit_id}/",
                "depth": 0,
                "children": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    payload = {
        "event_id": event_id,
        "occurred_at": now.isoformat(),
        "schema_version": 1,
        "org_unit_id": unit_id,
        "name": name,
        "parent_id": None,
        "level": level,
        "path": [],
        "version": 1,
    }
    outbox = sa.table(
        "outbox",
        sa.column("event_id", sa.String),
        sa.column("event_type", sa.String),
        sa.column("payload", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        outbox,
        [
            {
                "event_id": event_id,
                "event_type": "org_unit_created",
                "payload": json.dumps(payload, ensure_ascii=False),
                "created_at": now,
            }
        ],
    )


def downgrade():
    op.drop_index("ix_org_units_path", table_name="org_units")
    op.drop_table("org_units")
