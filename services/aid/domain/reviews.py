"""Review level by level (逐级审核): a campaign's `review_levels` name, lower first, the levels at which each of its
applications is approved, e.g. 基层初审 → 区县复审.

An application is reviewed at the campaign's levels that its worker's path has (a level the path skips is skipped),
each step by a reviewer whose unit is at that level (scope already holds the reviewer's unit on the worker's path),
each step by another person, never the submitter. Before the last step it stays submitted; the last step approves
it. With no level to take (a campaign without levels, or none of them on the worker's path), one approval by any
reviewer in scope decides, as it always did, and no step is recorded.

A step done is {"level", "actor", "at"} (plain JSON, as the application keeps it). Steps stay with an application that
leaves review (approved, rejected, withdrawn); when it comes back to review (an objection, the worker's file) its
review starts over at the first level: the facts changed, every level looks again (its history keeps the old steps).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.aid.domain.rules import check_maker_checker
from shared.actors import user_of
from shared.domain_errors import Refused
from shared.org_levels import ORG_LEVEL_LABELS

Step = Mapping[str, Any]


def levels_for(campaign_levels: Sequence[str], path_levels: Sequence[str]) -> list[str]:
    """The levels an application is reviewed at: the campaign's, in its order, that the worker's path has."""
    return [level for level in campaign_levels if level in path_levels]


def next_level(levels: Sequence[str], done: Sequence[Step]) -> str | None:
    """The first of `levels` no step has been taken at; None when none is left."""
    taken = {step["level"] for step in done}
    return next((level for level in levels if level not in taken), None)


def first_level(levels: Sequence[str]) -> str | None:
    """Where the review of an application (filed, or back in review) starts."""
    return next_level(levels, ())


def take_step(
    levels: Sequence[str],
    done: Sequence[Step],
    submitted_by: str,
    actor: str,
    actor_level: str | None,
    at: datetime,
) -> tuple[list[dict], bool]:
    """An approval by `actor`, whose unit is at `actor_level`: the steps done after it, and whether it was the last
    (the application moves on). Refused: same_user (the submitter, or someone who took an earlier step), then
    wrong_level (naming the level expected)."""
    check_maker_checker(submitted_by, actor)
    if any(user_of(step["actor"]) == user_of(actor) for step in done):
        raise Refused("same_user", "每一级审核应由不同的人完成，您已审核过这件申请")
    expected = next_level(levels, done)
    if expected is None:
        return [dict(step) for step in done], True
    if actor_level != expected:
        label = ORG_LEVEL_LABELS[expected]
        raise Refused(
            "wrong_level",
            f"这件申请正待{label}工会审核，应由{label}工会的审核人员办理",
            extra={"next_level": expected},
        )
    after = [*(dict(step) for step in done), {"level": expected, "actor": actor, "at": at.isoformat()}]
    return after, next_level(levels, after) is None


def step_reason(level: str, note: str | None) -> str:
    """The history reason of a step: the level that approved, and the reviewer's note."""
    said = f"{ORG_LEVEL_LABELS[level]}审核通过"
    return f"{said}：{note}" if note else said
