"""The roll-up report's fold (services/gateway/rollup.py): per-unit counts become the unit's own figures, each child's
subtree and the total, and own plus the children add up to the total in every figure, to the fen."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.gateway.rollup import Counted, Unit, added, roll_up
from shared import org_paths

ZERO = {
    "workers": {"active": 0, "by_category": {"deep": 0, "relative": 0, "accident": 0}},
    "applications": {"by_status": {"submitted": 0, "disbursed": 0}},
    "approved_fen": 0,
    "disbursed_fen": 0,
}
ROOT = Unit("r" * 32, "市总工会", org_paths.stored_path([], "r" * 32))


def unit(name: str, parent: Unit) -> Unit:
    unit_id = hashlib.md5(name.encode()).hexdigest()
    return Unit(unit_id, name, org_paths.child_path(parent.path, unit_id))


def counted(at: Unit, deep=0, relative=0, submitted=0, disbursed=0, approved_fen=0, disbursed_fen=0) -> Counted:
    return Counted(
        at.org_unit_id,
        {
            "workers": {"active": deep + relative, "by_category": {"deep": deep, "relative": relative}},
            "applications": {"by_status": {"submitted": submitted, "disbursed": disbursed}},
            "approved_fen": approved_fen,
            "disbursed_fen": disbursed_fen,
        },
    )


def paths(*units: Unit) -> dict[str, str]:
    return {unit.org_unit_id: unit.path for unit in units}


def sum_of(*figures) -> dict:
    total = ZERO
    for one in figures:
        total = added(total, one)
    return total


def figures_of(child: dict) -> dict:
    return {key: value for key, value in child.items() if key not in ("org_unit_id", "name")}


def test_records_at_the_unit_are_its_own_and_those_below_a_child_are_that_childs_whole_subtree():
    east, west = unit("城东区", ROOT), unit("城西区", ROOT)
    mill, dock = unit("纺织厂工会", east), unit("码头工会", east)
    report = roll_up(
        ROOT,
        [east, west],
        paths(ROOT, east, west, mill, dock),
        [
            counted(ROOT, deep=1, approved_fen=300_000),
            counted(east, relative=2),
            counted(mill, deep=3, submitted=1, disbursed=2, approved_fen=600_001, disbursed_fen=600_001),
            counted(dock, deep=1, disbursed=1, approved_fen=150_000, disbursed_fen=150_000),
        ],
        ZERO,
    )

    assert report["own"] == added(ZERO, counted(ROOT, deep=1, approved_fen=300_000).figures)
    east_figures, west_figures = (figures_of(child) for child in report["children"])
    assert [(child["org_unit_id"], child["name"]) for child in report["children"]] == [
        (east.org_unit_id, "城东区"),
        (west.org_unit_id, "城西区"),
    ]
    assert east_figures["workers"] == {"active": 6, "by_category": {"deep": 4, "relative": 2, "accident": 0}}
    assert east_figures["applications"] == {"by_status": {"submitted": 1, "disbursed": 3}}
    assert (east_figures["approved_fen"], east_figures["disbursed_fen"]) == (750_001, 750_001)
    assert west_figures == ZERO  # a child with no records shows every figure as zero
    assert report["total"]["approved_fen"] == 1_050_001
    assert report["total"] == sum_of(report["own"], east_figures, west_figures)


def test_a_unit_with_no_records_and_no_children_reports_zero_everywhere():
    assert roll_up(ROOT, [], paths(ROOT), [], ZERO) == {"own": ZERO, "children": [], "total": ZERO}


def test_several_counts_of_one_unit_add_up_and_records_kept_before_the_tree_are_the_roots_own():
    east = unit("城东区", ROOT)
    before_the_tree = Counted(None, {"applications": {"by_status": {"submitted": 4}}, "approved_fen": 7})
    report = roll_up(
        ROOT, [east], paths(ROOT, east), [counted(east, deep=1), counted(east, relative=1), before_the_tree], ZERO
    )

    assert report["children"][0]["workers"]["active"] == 2
    assert report["own"]["applications"]["by_status"] == {"submitted": 4, "disbursed": 0}
    assert report["own"]["approved_fen"] == 7


def test_a_report_below_the_root_places_records_by_the_path_under_its_own_unit():
    east = unit("城东区", ROOT)
    mill = unit("纺织厂工会", east)
    loom = unit("织布车间工会", mill)
    report = roll_up(east, [mill], paths(east, mill, loom), [counted(east, deep=2), counted(loom, relative=1)], ZERO)

    assert report["own"]["workers"]["active"] == 2
    assert report["children"][0]["workers"]["by_category"]["relative"] == 1


def test_a_count_of_a_unit_outside_the_subtree_or_under_an_unknown_child_is_a_mistake_not_a_figure():
    east, west = unit("城东区", ROOT), unit("城西区", ROOT)
    dock = unit("码头工会", west)
    with pytest.raises(ValueError):
        roll_up(east, [], paths(east), [counted(west, deep=1)], ZERO)  # not among the subtree's units
    with pytest.raises(ValueError):
        roll_up(east, [], paths(east, west), [counted(west, deep=1)], ZERO)  # a path outside it
    with pytest.raises(ValueError):
        roll_up(ROOT, [east], paths(ROOT, east, west, dock), [counted(dock, deep=1)], ZERO)


@st.composite
def trees(draw):
    """A tree up to six levels deep under the root, each unit with random figures (fen up to 10¹²)."""
    units, counts = [ROOT], []
    for number in range(draw(st.integers(min_value=0, max_value=40))):
        parent = draw(st.sampled_from(units))
        if len(org_paths.ancestors(parent.path)) < 5:
            units.append(unit(f"unit{number}", parent))
    for at in units:
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            deep, relative = draw(st.integers(0, 50)), draw(st.integers(0, 50))
            paid = draw(st.integers(0, 10**12))
            counts.append(
                counted(at, deep, relative, draw(st.integers(0, 9)), draw(st.integers(0, 9)), paid * 2 + 1, paid)
            )
    report_unit = draw(st.sampled_from(units))
    subtree = [below for below in units if org_paths.within(below.path, report_unit.path)]
    return subtree, [item for item in counts if item.org_unit_id in paths(*subtree)], report_unit


@settings(max_examples=200, deadline=None)
@given(trees())
def test_own_plus_the_children_add_up_to_the_total_in_every_figure_at_any_depth(drawn):
    subtree, counts, report_unit = drawn
    children = [below for below in subtree if org_paths.ancestors(below.path)[-1:] == [report_unit.org_unit_id]]
    report = roll_up(report_unit, children, paths(*subtree), counts, ZERO)

    assert report["total"] == sum_of(report["own"], *(figures_of(child) for child in report["children"]))
    assert report["total"] == sum_of(*(item.figures for item in counts))  # nothing lost, nothing counted twice
    where = paths(*subtree)
    for child, shown in zip(children, report["children"], strict=True):
        below = [item.figures for item in counts if org_paths.within(where[item.org_unit_id], child.path)]
        assert figures_of(shown) == sum_of(*below)  # a child holds its whole subtree, at any depth
