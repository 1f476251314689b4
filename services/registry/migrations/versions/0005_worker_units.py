"""worker files and imports belong to a union unit: one base unit under the root for each union a file names

Revision ID: 0005
Revises: 0004

Before this revision a file named its union in free text. Each distinct name becomes a base unit right under the
root (or the root's child of that name, when an admin already made one), announced by its org_unit_created event, and
every file and every import belongs to a unit: files to their union's, imports (whose starter's unit is not known) to
the root.
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from shared.events import new_id

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BASE = "base"


def units_for_unions(union_names, root_children: dict[str, str], make_id) -> tuple[dict[str, str], list[str]]:
    """({union name: the unit id its files go to}, the names whose unit is new): a child of the root of that name is
    kept, any other name gets a new unit (its id from make_id())."""
    unit_of, new = {}, []
    for name in sorted(set(union_names)):
        if name not in root_children:
            new.append(name)
        unit_of[name] = root_children.get(name) or make_id()
    return unit_of, new


def _add_unit_columns(table: str) -> None:
    """NOT NULL with a default, so that SQLite adds them in place: rebuilding `workers` would fail while rows of other
    tables refer to it (foreign keys are checked). PostgreSQL then drops the default."""
    for name, size in (("org_unit_id", 32), ("path", 1000)):
        op.add_column(table, sa.Column(name, sa.String(length=size), nullable=False, server_default=""))


def _drop_defaults(table: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name in ("org_unit_id", "path"):
            op.alter_column(table, name, server_default=None)


def upgrade():
    bind = op.get_bind()
    org_units = sa.table(
        "org_units",
        *(sa.column(name) for name in ("org_unit_id", "name", "parent_id", "level", "path", "depth", "children")),
        sa.column("version"),
        sa.column("created_at"),
        sa.column("updated_at"),
    )
    root = bind.execute(sa.select(org_units).where(org_units.c.parent_id.is_(None))).one()
    children = dict(
        bind.execute(
            sa.select(org_units.c.name, org_units.c.org_unit_id).where(org_units.c.parent_id == root.org_unit_id)
        )
        .tuples()
        .all()
    )
    names = bind.execute(sa.text('SELECT DISTINCT "union" FROM workers')).scalars().all()
    unit_of, new = units_for_unions(names, children, new_id)
    _add_units(org_units, root, {name: unit_of[name] for name in new})

    _add_unit_columns("workers")
    for name, unit_id in unit_of.items():
        bind.execute(
            sa.text('UPDATE workers SET org_unit_id = :unit_id, path = :path WHERE "union" = :name'),
            {"unit_id": unit_id, "path": f"{root.path}{unit_id}/", "name": name},
        )
    _drop_defaults("workers")
    op.create_index("ix_workers_path", "workers", ["path"], postgresql_ops={"path": "text_pattern_ops"})

    _add_unit_columns("imports")
    bind.execute(
        sa.text("UPDATE imports SET org_unit_id = :unit_id, path = :path"),
        {"unit_id": root.org_unit_id, "path": root.path},
    )
    _drop_defaults("imports")


def _add_units(org_units, root, new_units: dict[str, str]) -> None:
    """The base units under the root, each with its org_unit_created event (as this revision's schema has it)."""
    if not new_units:
        return
    now = datetime.now(UTC)
    rows = [
        {
            "org_unit_id": unit_id,
            "name": name,
            "parent_id": root.org_unit_id,
            "level": BASE,
            "path": f"{root.path}{unit_id}/",
            "depth": root.depth + 1,
            "children": 0,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for name, unit_id in new_units.items()
    ]
    op.bulk_insert(org_units, rows)
    op.get_bind().execute(
        sa.update(org_units)
        .where(org_units.c.org_unit_id == root.org_unit_id)
        .values(children=org_units.c.children + len(rows))
    )
    outbox = sa.table(
        "outbox",
        sa.column("event_id", sa.String),
        sa.column("event_type", sa.String),
        sa.column("payload", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    events = []
    for row in rows:
        event_id = new_id()
        payload = {
            "event_id": event_id,
            "occurred_at": now.isoformat(),
            "schema_version": 1,
            "org_unit_id": row["org_unit_id"],
            "name": row["name"],
            "parent_id": root.org_unit_id,
            "level": BASE,
            "path": [root.org_unit_id],
            "version": 1,
        }
        events.append(
            {
                "event_id": event_id,
                "event_type": "org_unit_created",
                "payload": json.dumps(payload, ensure_ascii=False),
                "created_at": now,
            }
        )
    op.bulk_insert(outbox, events)


def downgrade():
    """The columns go; the units made for the unions stay, as units an admin made would."""
    op.drop_index("ix_workers_path", table_name="workers")
    for table in ("imports", "workers"):
        # Not batch mode: SQLite 3.35+ drops a plain column in place (see 0003)
        op.drop_column(table, "path")
        op.drop_column(table, "org_unit_id")
