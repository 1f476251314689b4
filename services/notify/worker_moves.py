"""A worker's messages and opt-out belong to the worker's union unit, which notify learns from the registry's
worker_updated events: the unit of the newest version of the file it was told, whatever order the events came in
(shared/worker_unit_copy.py)."""

from sqlalchemy import bindparam, update

from services.notify.models import messages, opt_outs, worker_units
from shared import worker_unit_copy

RECORDS = (messages, opt_outs)


def moved(session, worker_id: str, org_unit_id: str, version: int) -> None:
    """A worker_updated event: the worker's messages and opt-out go to its unit, unless a newer version of the file
    was told first; in the caller's transaction."""
    if worker_unit_copy.take_if_newer(session, worker_units, worker_id, org_unit_id, version):
        _go_with(session, {worker_id: org_unit_id})


def settle(session, worker_ids) -> None:
    """Records of these workers just written in the unit something else named (an application's event, a message's
    row): moved to the unit kept for their worker, if any, in the caller's transaction. The unit kept is as new as
    theirs or newer (a move told but not handled yet moves them when it is), and stays locked until the caller commits,
    so a move handled meanwhile waits, then moves these records too."""
    _go_with(session, worker_unit_copy.kept(session, worker_units, worker_ids))


def _go_with(session, units: dict[str, str]) -> None:
    if not units:
        return
    moves = [{"b_worker_id": worker_id, "b_org_unit_id": unit} for worker_id, unit in units.items()]
    for table in RECORDS:
        session.execute(
            update(table)
            .where(
                table.c.worker_id == bindparam("b_worker_id"),
                table.c.org_unit_id.is_distinct_from(bindparam("b_org_unit_id")),
            )
            .values(org_unit_id=bindparam("b_org_unit_id")),
            moves,
        )
