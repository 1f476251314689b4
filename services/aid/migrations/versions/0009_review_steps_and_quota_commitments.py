"""applications are reviewed level by level (the steps taken, the level awaited) and commit against a unit's quota

Revision ID: 0009
Revises: 0008

Applications in review in a campaign with review levels wait for the first of its levels their worker's path has (no
step was ever taken before this revision); units aid has not learnt are left out, as they are when one is filed.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("applications", sa.Column("review_done", sa.JSON(), nullable=True))
    op.add_column("applications", sa.Column("review_next", sa.String(length=10), nullable=True))
    op.add_column("applications", sa.Column("quota_org_unit_id", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    units = connection.execute(sa.text("SELECT org_unit_id, level, parent_id FROM org_units")).all()
    level_of = {unit_id: level for unit_id, level, _parent in units}
    root_levels = [level for _unit, level, parent in units if parent is None]  # a NULL path is the root's
    waiting = connection.execute(
        sa.text(
            "SELECT a.application_id, a.path, c.review_levels FROM applications a"
            " JOIN campaigns c ON c.campaign_id = a.campaign_id WHERE a.status = 'submitted'"
        )
    ).all()
    for application_id, path, review_levels in waiting:
        on_path = [level_of.get(unit_id) for unit_id in path.split("/")[:-1]] if path else root_levels
        # the JSON column read as text: decoded by the driver on PostgreSQL, not on SQLite
        wanted = review_levels if isinstance(review_levels, list) else json.loads(review_levels)
        first = next((level for level in wanted if level in on_path), None)
        if first is not None:
            connection.execute(
                sa.text("UPDATE applications SET review_next = :level WHERE application_id = :id"),
                {"level": first, "id": application_id},
            )


def downgrade():
    # not a batch: rebuilding applications would break the foreign keys that refer to it (SQLite)
    op.drop_column("applications", "quota_org_unit_id")
    op.drop_column("applications", "review_next")
    op.drop_column("applications", "review_done")
