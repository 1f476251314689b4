"""The database dependency: one engine per service, one session per nameko worker."""

import logging
import os
from datetime import UTC, date
from pathlib import Path

from nameko.extensions import DependencyProvider
from sqlalchemy import Date, DateTime, Table, TypeDecorator, create_engine, event, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.config import setting
from shared.errors import looks_like_id, not_found

log = logging.getLogger(__name__)


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and read back timezone-aware on every engine.

    SQLite keeps no offset, so a Beijing-time value stored as is would read back, and compare, 8 hours off.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _green_postgres():
    """Make psycopg2 yield to other greenthreads while it waits on the server."""
    import eventlet.patcher

    if eventlet.patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    cursor.close()


def _private_sqlite_file(path: Path) -> None:
    """The database holds personal data: readable by the service's own user only (SQLite gives its -wal and -shm
    files the database file's mode). An existing file is never opened here: closing any descriptor of a file drops
    every POSIX lock this process holds on it, those of SQLite's open connections included."""
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        except FileExistsError:  # another process made it meanwhile
            pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def pool_options(config=None) -> dict:
    """The connections an engine keeps, those it may open beyond them at a peak, and how long a worker waits for one
    when all are taken: then SQLAlchemy's TimeoutError, a 503 at the gateway, rather than a queue without end."""
    return {
        "pool_size": int(setting("DB_POOL_SIZE", config)),
        "max_overflow": int(setting("DB_POOL_OVERFLOW", config)),
        "pool_timeout": float(setting("DB_POOL_TIMEOUT", config)),
    }


def make_engine(url: str, config=None) -> Engine:
    """hide_parameters: a failed statement's error (and so its log line) must not carry the row's values, say a
    birth date that completes a masked ID number."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        pooled = {}
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _private_sqlite_file(Path(path))
            pooled = pool_options(config)  # an in-memory database has one connection, no pool to size
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True, **pooled
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    _green_postgres()
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool_options(config))


def insert_many(session, table: Table, rows: list[dict], skip_existing: bool = False) -> None:
    """A bulk INSERT in the session's transaction (every row with the same keys); with skip_existing,
    rows whose key is already taken are left out instead of failing the statement.

    On SQLite, SQLAlchemy's per-row parameter processing costs more than the insert itself, so the
    rows go to the driver's executemany with only the column types' own conversions applied.
    """
    if rows:
        _insert(session.connection(), table, rows, skip_existing)


def insert_or_skip(session, table: Table, values: dict) -> bool:
    """INSERT .. ON CONFLICT DO NOTHING in the session's transaction; False when the key was already taken.

    Not a SAVEPOINT: with SQLite's Python driver a SAVEPOINT opens the transaction itself, and
    releasing it then commits the row before the rest of the caller's work.
    """
    return _insert(session.connection(), table, [values], skip_existing=True) == 1


def _insert(connection, table: Table, rows: list[dict], skip_existing: bool) -> int:
    """The rows inserted (a count to trust for one row: drivers report executemany differently)."""
    if connection.dialect.name != "sqlite":
        statement = postgresql.insert(table).on_conflict_do_nothing() if skip_existing else insert(table)
        return connection.execute(statement, rows if len(rows) > 1 else rows[0]).rowcount  # one row: a plain execute
    dialect = connection.dialect
    names = list(rows[0])
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    # ON CONFLICT DO NOTHING skips taken keys only; INSERT OR IGNORE would also drop rows missing a NOT NULL value
    conflict = " ON CONFLICT DO NOTHING" if skip_existing else ""
    sql = f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(names))}){conflict}"
    values = [[row[name] for row in rows] for name in names]
    for index, name in enumerate(names):
        column_type = table.c[name].type
        convert = column_type._cached_bind_processor(dialect)
        if type(column_type) is Date:
            values[index] = _iso_dates(convert, values[index])
        elif convert:
            values[index] = _convert_column(convert, values[index])
    return connection.exec_driver_sql(sql, list(zip(*values))).rowcount


def _iso_dates(convert, column: list) -> list:
    """A Date column as SQLite stores it: the YYYY-MM-DD that SQLAlchemy formats field by field, date.isoformat()
    makes several times faster (anything else, a datetime included, is left to SQLAlchemy)."""
    return [value.isoformat() if type(value) is date else convert(value) for value in column]


def _convert_column(convert, column: list) -> list:
    """Apply a type's conversion down a column, once per distinct object (timestamps repeat in a batch)."""
    converted, last, last_converted = [], object(), None
    for value in column:
        if value is not last:
            last, last_converted = value, convert(value)
        converted.append(last_converted)
    return converted


def row_by_id(session, id_column, value: str, what: str, *conditions):
    """The row whose server-made id is `value` (and that meets the conditions, such as a caller's scope); not_found for
    an unknown id, anything that is not an id, or a row the conditions leave out."""
    row = None
    if looks_like_id(value):
        row = session.execute(select(id_column.table).where(id_column == value, *conditions)).first()
    if row is None:
        raise not_found(what)
    return row


def db_url(service: str, config=None) -> str:
    return setting(f"{service.upper()}_DB_URL", config)


EVENTS_WRITTEN = "events_written"


class Database(DependencyProvider):
    """Gives each worker its own Session; whatever the worker did not commit is rolled back (or, when
    the database dropped the connection, thrown away with it).

    A worker whose session wrote outbox events calls the `after_events` hooks when it ends (the relay
    registers its wake-up there), so workers that wrote none cost the relay nothing.
    """

    def __init__(self, service: str):
        self.service = service
        self.engine: Engine  # both from setup() on
        self.sessions: sessionmaker[Session]
        self.worker_sessions: dict = {}
        self.after_events: list = []

    def setup(self):
        self.engine = make_engine(db_url(self.service, self.container.config), self.container.config)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)

    def stop(self):
        self.engine.dispose()

    def kill(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx) -> Session:
        session = self.worker_sessions[worker_ctx] = self.sessions()
        return session

    def worker_teardown(self, worker_ctx):
        session = self.worker_sessions.pop(worker_ctx, None)
        if session is None:
            return
        try:
            session.close()
        except Exception as exc:  # the rollback failed: the database dropped the connection
            # nameko kills the whole service when a teardown raises: drop the dead connection instead
            log.warning(
                "could not close a %s session (%s); discarding its connection", self.service, type(exc).__name__
            )
            session.invalidate()
        if session.info.pop(EVENTS_WRITTEN, False):
            for hook in self.after_events:
                hook()
