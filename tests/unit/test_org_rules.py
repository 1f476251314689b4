"""The union tree's rules: levels, names, and where a unit may be put; and the paths every service keeps."""

import pytest

from services.registry import org_rules
from services.registry.org_rules import Place
from shared import org_paths
from shared.domain_errors import DomainError
from shared.edge import service_error
from shared.errors import ServiceError
from shared.validation import InvalidValue

ROOT, DISTRICT, BASE = "r" * 32, "d" * 32, "b" * 32
CITY = Place(ROOT, "city", org_paths.stored_path([], ROOT))
EAST = Place(DISTRICT, "district", org_paths.child_path(CITY.path, DISTRICT))
FACTORY = Place(BASE, "base", org_paths.child_path(EAST.path, BASE))
WEST = Place("w" * 32, "district", org_paths.child_path(CITY.path, "w" * 32))


def refusal(call, *args) -> ServiceError:
    """The rules raise a domain error, carrying no HTTP status: here it is as the service's edge answers it."""
    with pytest.raises(DomainError) as caught:
        call(*args)
    return service_error(caught.value)


def test_a_path_holds_the_ancestors_root_first_and_a_subtree_is_a_prefix():
    assert FACTORY.path == f"{ROOT}/{DISTRICT}/{BASE}/"
    assert org_paths.ancestors(FACTORY.path) == [ROOT, DISTRICT]
    assert org_paths.ancestors(CITY.path) == []
    assert org_paths.stored_path([ROOT, DISTRICT], BASE) == FACTORY.path
    assert org_paths.within(FACTORY.path, EAST.path) and org_paths.within(EAST.path, EAST.path)
    assert not org_paths.within(FACTORY.path, WEST.path) and not org_paths.within(EAST.path, FACTORY.path)
    assert all(org_paths.within(place.path, org_paths.EVERYWHERE) for place in (CITY, EAST, FACTORY))


@pytest.mark.parametrize("level", ["Base", "street", "", "市级"])
def test_an_unknown_level_is_refused(level):
    with pytest.raises(InvalidValue, match="级别应为"):
        org_rules.check_level(level)


def test_a_name_is_trimmed_and_must_be_plain_text():
    assert org_rules.check_name("  城东区工会 ") == "城东区工会"
    for bad in ["   ", "工" * 101, "=HYPERLINK()", "城东\n区"]:
        with pytest.raises(InvalidValue):
            org_rules.check_name(bad)


@pytest.mark.parametrize("parent, level", [("city", "district"), ("city", "base"), ("national", "base")])
def test_a_child_is_lower_than_its_parent_and_levels_may_be_skipped(parent, level):
    org_rules.check_new_unit(Place(ROOT, parent, CITY.path), level, "新工会", set())


@pytest.mark.parametrize("level", ["city", "province", "national"])
def test_a_child_not_lower_than_its_parent_is_refused_on_level(level):
    error = refusal(org_rules.check_new_unit, CITY, level, "新工会", set())

    assert (error.status, error.code, error.message) == (400, "validation_error", "组织级别不符合上下级关系")
    assert error.fields == {"level": ["下级组织的级别应低于上级组织（上级为市级）"]}


def test_a_name_taken_by_a_sibling_is_refused():
    error = refusal(org_rules.check_new_unit, CITY, "district", "城东区工会", {"城东区工会", "城西区工会"})

    assert (error.status, error.code) == (409, "duplicate_name")
    assert "城东区工会" in error.message


def test_a_leaf_moves_under_another_parent_of_a_higher_level():
    org_rules.check_move(FACTORY, WEST, False, {"纺织厂工会"}, "机械厂工会")


@pytest.mark.parametrize("new_parent", [EAST, FACTORY], ids=["itself", "its child"])
def test_a_move_into_its_own_subtree_is_refused(new_parent):
    error = refusal(org_rules.check_move, EAST, new_parent, False, set(), "城东区工会")

    assert (error.status, error.code) == (409, "conflict")
    assert "自己或它的下级" in error.message


def test_the_root_cannot_move_at_all():
    assert refusal(org_rules.check_move, CITY, WEST, False, set(), "本级工会").code == "conflict"


def test_a_unit_with_records_does_not_move():
    error = refusal(org_rules.check_move, EAST, Place("p" * 32, "province", "p" * 32 + "/"), True, set(), "城东")

    assert (error.status, error.code) == (409, "conflict")
    assert "下级组织、职工档案或导入记录" in error.message


def test_a_move_under_a_parent_not_higher_is_refused_on_parent_id():
    error = refusal(
        org_rules.check_move, FACTORY, Place("q" * 32, "base", CITY.path + "q" * 32 + "/"), False, set(), "厂"
    )

    assert error.status == 400 and list(error.fields) == ["parent_id"]


def test_a_move_next_to_a_sibling_of_the_same_name_is_refused():
    assert refusal(org_rules.check_move, FACTORY, WEST, False, {"纺织厂工会"}, "纺织厂工会").code == "duplicate_name"


def test_a_workers_union_is_the_one_unit_of_that_name_in_the_scope():
    factory = org_rules.UnionUnit(BASE, "纺织工会", FACTORY.path)
    west_factory = org_rules.UnionUnit("f" * 32, "纺织工会", org_paths.child_path(WEST.path, "f" * 32))

    assert org_rules.union_named("纺织工会", {"纺织工会": [factory]}) == factory
    with pytest.raises(InvalidValue, match="^未知的工会组织$"):
        org_rules.union_named("建设工会", {"纺织工会": [factory]})
    with pytest.raises(InvalidValue, match="org_unit_id"):  # names are unique among siblings only
        org_rules.union_named("纺织工会", {"纺织工会": [factory, west_factory]})
