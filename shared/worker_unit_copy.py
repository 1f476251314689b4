"""Which union unit a service last learnt each worker to be in, and the version of the worker's file that said so (the
registry adds one to a file's version at every write, and its worker_updated events carry it).

A worker's records in another service follow the file's moves, but the events that tell a move may arrive late,
twice or in another order (a redelivery, a retry after a failure, competing consumers): a service moves the records
only to the unit of a newer version than the one it keeps, so every copy ends up where the newest version says. The
version kept is the worker's, not a record's: a filing keeps the version the registry answered with, so an older move
told after it is refused even when it is the first event heard of for the worker; with nothing kept, the first move
told is taken, and a newer one told after it wins.
"""

from sqlalchemy import Column, Integer, String, Table, bindparam, select, update

from shared.db import insert_many, insert_or_skip


def worker_units_table(metadata) -> Table:
    return Table(
        "worker_units",
        metadata,
        Column("worker_id", String(32), primary_key=True),
        Column("org_unit_id", String(32), nullable=False),
        Column("version", Integer, nullable=False),
    )


def take_if_newer(session, table: Table, worker_id: str, org_unit_id: str, version: int) -> bool:
    """Keep the worker's unit as of `version` unless that version or a later one is kept, in the caller's transaction;
    True: it is kept now, and the caller moves the worker's records there in the same transaction.

    The comparison is in the UPDATE itself, and the row stays locked until the caller commits: two moves handled at
    once take turns, and the later one to run re-reads the row the earlier one wrote (PostgreSQL re-checks the
    condition; SQLite has one writer at a time), so the older move never overwrites the newer."""
    told = {"worker_id": worker_id, "org_unit_id": org_unit_id, "version": version}
    if insert_or_skip(session, table, told):
        return True
    return (
        session.execute(
            update(table)
            .where(table.c.worker_id == worker_id, table.c.version < version)
            .values(org_unit_id=org_unit_id, version=version)
        ).rowcount
        == 1
    )


def newest(session, table: Table, seen: dict[str, tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """Each worker's unit as just read (`seen`: {worker_id: (org_unit_id, version)}, the registry's answer) kept unless
    a later version is kept, in the caller's transaction; {worker_id: (org_unit_id, version)} as now kept, the newest
    known (a later one than seen: a move handled since the registry answered).

    The rows stay locked until the caller commits, so a move handled meanwhile waits for the records the caller writes,
    and then moves them too. They are taken in the order of their ids, so two callers never wait for each other."""
    if not seen:
        return {}
    rows = [
        {"worker_id": worker_id, "org_unit_id": unit, "version": version}
        for worker_id, (unit, version) in sorted(seen.items())
    ]
    insert_many(session, table, rows, skip_existing=True)
    session.execute(
        update(table)
        .where(table.c.worker_id == bindparam("b_worker_id"), table.c.version < bindparam("b_version"))
        .values(org_unit_id=bindparam("b_org_unit_id"), version=bindparam("b_version")),
        [{f"b_{name}": value for name, value in row.items()} for row in rows],
    )
    return _locked(session, table, list(seen))


def kept(session, table: Table, worker_ids) -> dict[str, str]:
    """{worker_id: org_unit_id} of those of the workers a unit is kept for, the rows locked until the caller commits
    (as in `newest`): the unit for records written from something that names no version (another service's event
    about the worker). Either it is the newest, or a newer move is still to be handled, and moves them when it is."""
    return {worker_id: unit for worker_id, (unit, _version) in _locked(session, table, sorted(set(worker_ids))).items()}


def _locked(session, table: Table, worker_ids: list[str]) -> dict[str, tuple[str, int]]:
    if not worker_ids:
        return {}
    rows = session.execute(
        select(table.c.worker_id, table.c.org_unit_id, table.c.version)
        .where(table.c.worker_id.in_(worker_ids))
        .order_by(table.c.worker_id)
        .with_for_update()
    ).all()
    return {row.worker_id: (row.org_unit_id, row.version) for row in rows}
