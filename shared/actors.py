"""Who did something: actors are written 'role:user_id' in every service's records."""


def user_of(actor: str) -> str:
    """The user behind an actor; maker-checker compares the user, whatever role they act in."""
    return actor.partition(":")[2] or actor
