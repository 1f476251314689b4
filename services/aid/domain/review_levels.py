"""Which levels of the union tree approve a campaign's applications, lower first (基层初审 → 区县复审 → 市审批)."""

from shared.org_levels import ORG_LEVEL_LABELS, ORG_LEVELS
from shared.validation import InvalidValue

LOWER_FIRST = tuple(reversed(ORG_LEVELS))


def check(levels: list[str]) -> list[str]:
    """The levels as given, when each is known, none twice, and each higher than the one before."""
    unknown = [level for level in levels if level not in ORG_LEVEL_LABELS]
    if unknown:
        raise InvalidValue(
            "审核级别应为 " + "、".join(f"{level}（{ORG_LEVEL_LABELS[level]}）" for level in LOWER_FIRST)
        )
    if len(set(levels)) != len(levels):
        raise InvalidValue("审核级别不能重复")
    if [LOWER_FIRST.index(level) for level in levels] != sorted(LOWER_FIRST.index(level) for level in levels):
        raise InvalidValue("审核级别应自下而上排列（基层在前）")
    return levels
