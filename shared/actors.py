"""Who did something: actors are written 'role:user_id' in every service's records."""

COMMAND_LINE = "cli"  # `hardship import --actor NAME`: a name typed on the server, not a signed-in user


def command_line_actor(name: str) -> str:
    return f"{COMMAND_LINE}:{name}"


def from_command_line(actor: str) -> bool:
    return actor.partition(":")[0] == COMMAND_LINE


def user_of(actor: str) -> str:
    """The user behind an actor; maker-checker compares the user, whatever role they act in."""
    return actor.partition(":")[2] or actor
