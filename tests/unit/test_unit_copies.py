"""A service's copy of the union tree (shared/org_unit_copy.py) and the scope rules built on it: which records of which
units a caller's scope keeps, in an in-memory database, and what a caller's scope path is."""

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.orm import Session

from services.notify.scope import worker_seen
from shared import org_paths, org_unit_copy
from shared.domain_errors import Refused
from shared.errors import ServiceError

ROOT, EAST, MILL, WEST = ("0a" * 16, "0b" * 16, "0c" * 16, "0d" * 16)
PATHS = {ROOT: [], EAST: [ROOT], MILL: [ROOT, EAST], WEST: [ROOT]}
metadata = MetaData()
units = org_unit_copy.org_units_table(metadata)
records = Table(
    "records", metadata, Column("record_id", String(8), primary_key=True), Column("org_unit_id", String(32))
)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as db:
        for unit_id, ancestors in PATHS.items():
            unit = {"org_unit_id": unit_id, "name": unit_id, "parent_id": (ancestors or [None])[-1], "level": "base"}
            org_unit_copy.learn(db, units, {**unit, "path": ancestors, "version": 1})
        rows = [{"record_id": "root", "org_unit_id": ROOT}, {"record_id": "none", "org_unit_id": None}]
        db.execute(
            insert(records),
            rows
            + [
                {"record_id": name, "org_unit_id": unit}
                for name, unit in (("east", EAST), ("mill", MILL), ("west", WEST))
            ],
        )
        yield db


def kept(session, scope_path) -> set[str]:
    condition = org_unit_copy.in_subtree(units, records.c.org_unit_id, scope_path)
    return set(session.execute(select(records.c.record_id).where(condition)).scalars())


def test_a_scope_keeps_the_records_of_its_unit_and_below_only(session):
    east = org_unit_copy.path_of(session, units, EAST)

    assert kept(session, east) == {"east", "mill"}
    assert kept(session, org_unit_copy.path_of(session, units, MILL)) == {"mill"}
    assert kept(session, org_paths.EVERYWHERE) == {"root", "none", "east", "mill", "west"}  # NULL: the root's
    assert kept(session, None) == set()  # a unit not learnt yet: a scope of nothing


def never_asked(_unit_id):
    raise AssertionError("the registry is asked for a unit the copy holds")


def test_the_root_users_scope_is_everywhere_and_a_units_is_its_path(session):
    assert org_unit_copy.scope_path(session, units, None, never_asked) == org_paths.EVERYWHERE
    assert org_unit_copy.scope_path(session, units, ROOT, never_asked) == org_paths.EVERYWHERE
    assert org_unit_copy.scope_path(session, units, MILL, never_asked) == f"{ROOT}/{EAST}/{MILL}/"


def test_a_unit_not_learnt_yet_is_asked_of_the_registry_and_kept(session):
    north = "0e" * 16
    told = {
        "org_unit_id": north,
        "name": "城北区",
        "parent_id": ROOT,
        "level": "district",
        "path": [ROOT],
        "version": 1,
    }

    assert org_unit_copy.scope_path(session, units, north, lambda _unit_id: told) == f"{ROOT}/{north}/"
    assert org_unit_copy.path_of(session, units, north) == f"{ROOT}/{north}/"


def test_a_caller_whose_unit_the_registry_does_not_know_is_refused(session):
    def unknown(_unit_id):
        raise ServiceError("not_found", "组织不存在", 404)

    with pytest.raises(Refused) as refusal:
        org_unit_copy.scope_path(session, units, "0f" * 16, unknown)
    assert refusal.value.code == "conflict" and "不存在" in refusal.value.message


@pytest.mark.parametrize(
    "applicant, scope, seen",
    [
        ({"path": f"{ROOT}/{EAST}/{MILL}/"}, f"{ROOT}/{EAST}/", True),
        ({"path": f"{ROOT}/{EAST}/"}, f"{ROOT}/{EAST}/", True),
        ({"path": f"{ROOT}/{WEST}/"}, f"{ROOT}/{EAST}/", False),
        ({"path": f"{ROOT}/{EAST}/"}, f"{ROOT}/{EAST}/{MILL}/", False),  # a child does not see its parent's
        ({"path": f"{ROOT}/"}, org_paths.EVERYWHERE, True),
        (None, org_paths.EVERYWHERE, False),  # no such worker
    ],
)
def test_notify_acts_on_a_worker_of_the_callers_scope_only(applicant, scope, seen):
    assert worker_seen(applicant, scope) is seen
