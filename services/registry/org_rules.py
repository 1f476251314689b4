"""The rules of the union tree (帮扶中心网络), as plain functions: levels, names, where a unit may go, which unit a
worker's union names.

全国总工会 → 省 → 市 → 区县 → 基层: a unit's level is lower than its parent's (levels may be skipped), names are
unique among siblings, and a unit moves only while nothing hangs below it or refers to it.
"""

from dataclasses import dataclass

from shared.domain_errors import Invalid, Refused
from shared.org_levels import ORG_LEVEL_LABELS as LEVEL_LABELS
from shared.org_levels import ORG_LEVELS as LEVELS
from shared.org_paths import within
from shared.validation import InvalidValue, check_typed_text

MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class Place:
    """What the rules read of a unit: its id, level and path (shared.org_paths)."""

    org_unit_id: str
    level: str
    path: str


def check_level(value: str) -> str:
    if value not in LEVELS:
        raise InvalidValue("级别应为 " + "、".join(f"{level}（{LEVEL_LABELS[level]}）" for level in LEVELS))
    return value


def check_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise InvalidValue("组织名称不能为空")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidValue(f"组织名称不能超过{MAX_NAME_LENGTH}个字")
    return check_typed_text(name)


def check_below(parent_level: str, level: str, field: str) -> None:
    """A unit's level is strictly lower than its parent's; `field` is the body's field the refusal names."""
    if LEVELS.index(level) <= LEVELS.index(parent_level):
        raise Invalid(
            {field: [f"下级组织的级别应低于上级组织（上级为{LEVEL_LABELS[parent_level]}）"]},
            "组织级别不符合上下级关系",
        )


def check_unique(name: str, sibling_names) -> None:
    if name in sibling_names:
        raise duplicate_name(name)


def duplicate_name(name: str) -> Refused:
    return Refused("duplicate_name", f"同一上级组织下已有名为“{name}”的组织")


def check_new_unit(parent: Place, level: str, name: str, sibling_names) -> None:
    check_below(parent.level, level, "level")
    check_unique(name, sibling_names)


def check_move(unit: Place, new_parent: Place, has_records: bool, sibling_names, name: str) -> None:
    """A move under a unit of its own subtree would make a cycle; a unit with units below it, worker files or imports
    would take them along, which the paths already stored elsewhere do not follow: both are refused."""
    if within(new_parent.path, unit.path):
        raise Refused("conflict", "不能把组织调整到它自己或它的下级组织之下")
    if has_records:
        raise Refused("conflict", "该组织已有下级组织、职工档案或导入记录，不能调整上级组织")
    check_below(new_parent.level, unit.level, "parent_id")
    check_unique(name, sibling_names)


UNKNOWN_UNION = "未知的工会组织"


@dataclass(frozen=True)
class UnionUnit:
    """The unit a worker's file belongs to, as the file keeps it: its id, name and path."""

    org_unit_id: str
    name: str
    path: str


def union_named(name: str, units_by_name: dict[str, list[UnionUnit]]) -> UnionUnit:
    """The unit a worker's `union` names among the units of the caller's scope (all of them, or those of that name)."""
    found = units_by_name.get(name, ())
    if not found:
        raise InvalidValue(UNKNOWN_UNION)
    if len(found) > 1:
        raise InvalidValue(f"组织范围内有{len(found)}个名为“{name}”的工会组织，请改用 org_unit_id 指明，或先为其更名")
    return found[0]
