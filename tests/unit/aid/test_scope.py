from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session

from services.aid import scope
from services.aid.metrics import application_figures
from services.aid.models import applications, metadata, org_units
from shared import org_paths
from tests.unit.aid.data import AT

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


def path_of(unit: str | None) -> str:
    return org_paths.EVERYWHERE if unit is None else org_paths.stored_path(TREE[unit], unit)


def test_a_campaign_already_read_is_seen_as_the_query_sees_it():
    for caller in [None, *TREE]:
        expected = seen_by(caller)
        for owner in [None, *TREE]:
            assert scope.campaign_seen_at(path_of(owner), path_of(caller)) == ((owner or "root (NULL)") in expected)


def applications_seen_by(unit: str | None) -> set[str]:
    """The workers' units of the applications the caller sees: one filed at each unit, and one from before units."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[applications])
    with engine.begin() as connection:
        for unit_id in [*TREE, None]:
            connection.execute(insert(applications).values(**application_row(unit_id, path_of(unit_id) or None)))
        seen = connection.execute(select(applications.c.org_unit_id).where(scope.applications_seen(path_of(unit))))
        return {unit_id or "before units (NULL)" for unit_id in seen.scalars()}


def application_row(unit_id: str | None, path: str | None) -> dict:
    return {
        "application_id": f"a-{unit_id}",
        "campaign_id": "c",
        "program": "warmth",
        "worker_id": f"w-{unit_id}",
        "status": "submitted",
        "amount_fen": 1,
        "name_masked": "王*",
        "id_number_masked": "110105********1234",
        "id_last4": "1234",
        "short_number": "ABC123",
        "union": "工会",
        "category": "deep",
        "org_unit_id": unit_id,
        "path": path,
        "submitted_by": "caseworker:maker",
        "created_at": AT,
        "updated_at": AT,
    }


def test_applications_are_seen_by_their_workers_unit_and_those_above_it():
    assert applications_seen_by("base") == {"base"}
    assert applications_seen_by("east") == {"east", "base"}
    assert applications_seen_by("west") == {"west"}


def test_applications_from_before_units_are_the_roots():
    assert applications_seen_by(None) == {"city", "east", "base", "west", "before units (NULL)"}


def counted_by(unit: str | None) -> dict[str, float]:
    """The /metrics applications by status that a user of that unit reads: one submitted at each unit and one from
    before units, one more at the base union withdrawn."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[applications])
    with Session(engine) as session:
        rows = [application_row(unit_id, path_of(unit_id) or None) for unit_id in [*TREE, None]]
        withdrawn = {**application_row("base", path_of("base")), "application_id": "a-gone", "status": "withdrawn"}
        session.execute(insert(applications), [*rows, withdrawn])
        (family,) = application_figures(session, scope.applications_seen(path_of(unit)))
        return {sample.labels["status"]: sample.value for sample in family.samples if sample.value}


def test_the_applications_on_metrics_are_counted_in_the_readers_subtree_only():
    assert counted_by("east") == {"submitted": 2, "withdrawn": 1}
    assert counted_by("base") == {"submitted": 1, "withdrawn": 1}
    assert counted_by("west") == {"submitted": 1}
    assert counted_by(None) == {"submitted": 5, "withdrawn": 1}
