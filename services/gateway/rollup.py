"""The roll-up report (统计报表), folded over the union tree: each service counts its records per unit in one GROUP BY,
and here those counts become the report unit's own figures, each child's (the child's whole subtree) and the total.
Plain functions over plain data: a unit's figures are a nested dict of whole numbers (counts and fen), and adding two
adds them key by key, so own and the children add up to the total exactly.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared import org_paths

Figures = Mapping[str, Any]


@dataclass(frozen=True)
class Unit:
    org_unit_id: str
    name: str
    path: str


@dataclass(frozen=True)
class Counted:
    """One unit's figures as a service counted them. No unit: records kept before the union tree, the root's."""

    org_unit_id: str | None
    figures: Figures


def added(first: Figures, second: Figures) -> dict:
    """The two sets of figures added key by key; a key only one of them holds counts as zero in the other."""
    total = _copy(first)
    _add_into(total, second)
    return total


def _copy(figures: Figures) -> dict:
    return {key: _copy(value) if isinstance(value, dict) else value for key, value in figures.items()}


def _add_into(total: dict, figures: Figures) -> None:
    """Add in place: a report adds thousands of units' figures, and a new dict for each sum took most of its time."""
    for key, value in figures.items():
        if isinstance(value, dict):
            _add_into(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value


def roll_up(
    unit: Unit, children: list[Unit], paths: Mapping[str, str], counted: Iterable[Counted], zero: Figures
) -> dict:
    """{"own", "children": [{"org_unit_id", "name", **figures}], "total"} of the report's unit: `counted` holds the
    figures of units at or below it (several items of one unit add up), `paths` the path of every unit of the subtree,
    which places each under a child, `children` every unit right below it, each with the figures of its whole subtree,
    `zero` the figures of a unit with no records (every key the answer shows)."""
    own = _copy(zero)
    subtrees = {child.org_unit_id: _copy(zero) for child in children}
    for item in counted:
        if item.org_unit_id is not None and item.org_unit_id not in paths:
            raise ValueError(f"unit {item.org_unit_id} is not in the subtree of {unit.org_unit_id}")
        below = None if item.org_unit_id is None else org_paths.child_toward(unit.path, paths[item.org_unit_id])
        if below is None:
            _add_into(own, item.figures)
        elif below in subtrees:
            _add_into(subtrees[below], item.figures)
        else:
            raise ValueError(f"unit {item.org_unit_id} lies below {below}, which is not a child of {unit.org_unit_id}")
    total = _copy(own)
    for figures in subtrees.values():
        _add_into(total, figures)
    return {
        "own": own,
        "children": [
            {"org_unit_id": child.org_unit_id, "name": child.name, **subtrees[child.org_unit_id]} for child in children
        ],
        "total": total,
    }
