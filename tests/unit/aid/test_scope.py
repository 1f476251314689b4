from sqlalchemy import create_engine, insert, select

from services.aid import scope
from services.aid.models import metadata, org_units
from shared import org_paths

# city → district → base, and a sibling district
TREE = {"city": [], "east": ["city"], "base": ["city", "east"], "west": ["city"]}


def seen_by(unit: str | None, rule=scope.below_or_above) -> set[str]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[org_units])
    with engine.begin() as connection:
        for unit_id, ancestors in TREE.items():
            connection.execute(
                insert(org_units).values(
                    org_unit_id=unit_id,
                    name=unit_id,
                    parent_id=(ancestors or [None])[-1],
                    level="base",
                    path=org_paths.stored_path(ancestors, unit_id),
                    version=1,
                )
            )
        path = org_paths.EVERYWHERE if unit is None else org_paths.stored_path(TREE[unit], unit)
        owners = select(org_units.c.org_unit_id.label("org_unit_id")).union_all(select(None))
        owner = owners.subquery().c.org_unit_id
        seen = connection.execute(select(owner).where(rule(owner, path))).scalars()
        return {unit_id or "root (NULL)" for unit_id in seen}


def test_a_unit_sees_its_subtree_and_its_ancestors_records_never_a_siblings():
    assert seen_by("base") == {"root (NULL)", "city", "east", "base"}
    assert seen_by("east") == {"root (NULL)", "city", "east", "base"}
    assert seen_by("west") == {"root (NULL)", "city", "west"}


def test_the_roots_users_see_everything():
    assert seen_by(None) == {"root (NULL)", "city", "east", "base", "west"}
    assert seen_by("city") == {"root (NULL)", "city", "east", "base", "west"}


def test_records_kept_below_are_seen_from_above_only():
    assert seen_by("east", scope.below) == {"east", "base"}
    assert seen_by(None, scope.below) == {"root (NULL)", "city", "east", "base", "west"}
