"""A union unit's place in the tree (帮扶中心网络) as every service keeps it: the ids from the root down to the unit
itself, each followed by "/", in one text column. A unit's subtree is then every path that starts with its own,
one indexed prefix query at any depth. Plain functions."""

SEPARATOR = "/"
EVERYWHERE = ""  # the prefix of every path: the scope of the root's users


def stored_path(ancestors: list[str], unit_id: str) -> str:
    """The path of a unit whose ancestors (root first) are given."""
    return "".join(f"{ancestor}{SEPARATOR}" for ancestor in [*ancestors, unit_id])


def ancestors(path: str) -> list[str]:
    """The ids above the unit, root first ([] for the root)."""
    return path.split(SEPARATOR)[:-2]


def lineage(path: str) -> list[str]:
    """The ids from the root down to the unit itself."""
    return path.split(SEPARATOR)[:-1]


def within(path: str, scope: str) -> bool:
    """Whether the unit at `path` is the one at `scope` or below it."""
    return path.startswith(scope)


def subtree_pattern(scope: str) -> str:
    """The LIKE pattern of a subtree: ids are hex, so nothing in a path needs escaping."""
    return f"{scope}%"


def child_path(parent_path: str, unit_id: str) -> str:
    return f"{parent_path}{unit_id}{SEPARATOR}"


def child_toward(scope: str, path: str) -> str | None:
    """The id of the unit right below the one at `scope` on the way down to the unit at `path` (None: that unit is
    the one at `scope`). A path outside the scope is a mistake of the caller's query."""
    if path == scope:
        return None
    if not within(path, scope):
        raise ValueError(f"{path} is not below {scope}")
    return path[len(scope) :].split(SEPARATOR, 1)[0]
