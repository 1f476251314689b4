"""Running an import job: read the uploaded sheet, feed the importer, commit and record progress chunk by chunk."""

import logging

import eventlet
from sqlalchemy import insert, select, update

from services.registry import units, uploads, views
from services.registry.checked_rows import checked_chunks
from services.registry.filenames import checked_filename
from services.registry.importer import Importer
from services.registry.models import audit_log, imports
from services.registry.scope import owner, scope_path, within_scope
from services.registry.spreadsheet import SpreadsheetError
from shared import clock
from shared.collector import fewer_collections
from shared.db import row_by_id
from shared.errors import validation_error
from shared.events import now_utc

log = logging.getLogger(__name__)


def _record_progress(session, import_id: str, importer: Importer, fraction: float) -> None:
    session.execute(
        update(imports)
        .where(imports.c.import_id == import_id)
        .values(processed_rows=importer.result.total_rows, progress=int(fraction * 100))
    )


def start(session, import_id: str, filename: str | None, actor: str, scope: str | None) -> None:
    """Record an import as running, so its progress can be asked for before the sheet is read; it belongs to the unit
    of the user who started it."""
    org_unit_id, path = owner(session, scope)
    session.execute(
        insert(imports).values(
            import_id=import_id,
            filename=checked_filename(filename),
            actor=actor,
            org_unit_id=org_unit_id,
            path=path,
            status="running",
            total_rows=0,
            processed_rows=0,
            progress=0,
            started_at=now_utc(),
        )
    )
    session.commit()


def announce(session, import_id: str, filename: str | None, actor: str, scope: str | None) -> None:
    """start() for an import that run_import will run later; refused, its upload's parts are deleted at once."""
    try:
        start(session, import_id, filename, actor, scope)
    except Exception:
        session.rollback()
        uploads.discard(session, import_id)
        raise


def run_import(session, vault, import_id: str, parts: int, filename: str | None, actor: str, scope: str | None) -> dict:
    """Import the sheet uploaded in `parts` parts (uploads.py), then delete them, whether it is done or failed.

    Each chunk commits on its own, so progress is visible while it runs. Should this instance die on the way, the
    parts are still there for the redelivered RPC, and the rows already written come back as unchanged.
    """
    try:
        announced = session.execute(select(imports.c.import_id).where(imports.c.import_id == import_id)).first()
        session.rollback()  # a SQLite read left open cannot become a write once another writer commits
        if announced is None:
            start(session, import_id, filename, actor, scope)
        return _import(session, vault, import_id, parts, filename, actor, scope)
    finally:
        session.rollback()  # whatever failed on the way, the parts are deleted in a transaction of their own
        uploads.discard(session, import_id)


def importer_for(session, vault, actor: str, scope: str | None) -> Importer:
    """An importer into the units of the scope, its read of them ended (the chunks write next)."""
    importer = Importer(session, vault, actor, units.unions_by_name(session, scope), scope_path(session, scope))
    session.rollback()
    return importer


def _import(session, vault, import_id: str, parts: int, filename: str | None, actor: str, scope: str | None) -> dict:
    try:
        with uploads.assembled(session, vault, import_id, parts) as file, fewer_collections():
            importer = importer_for(session, vault, actor, scope)
            with checked_chunks(file, filename, vault, clock.today()) as chunks:
                for chunk, progress in chunks:
                    for checked in chunk:
                        importer.take(checked)
                    importer.flush()
                    _record_progress(session, import_id, importer, progress)
                    session.commit()
                    eventlet.sleep(0)  # let heartbeats, the outbox relay and progress queries run
    except SpreadsheetError as exc:
        session.rollback()
        _finish(session, import_id, "failed", {"error": str(exc)})
        raise validation_error({"file": [str(exc)]}, str(exc)) from None
    except Exception:
        session.rollback()
        _finish(session, import_id, "failed", {"error": "导入中断，已写入的部分可再次导入补全"})
        raise
    result = views.import_result(import_id, importer.result)
    session.execute(
        insert(audit_log).values(
            at=now_utc(),
            actor=actor,
            action="import",
            worker_id=None,
            details={key: len(value) if isinstance(value, list) else value for key, value in result.items()},
        )
    )
    _finish(session, import_id, "done", result, importer.result.total_rows)
    log.info(
        "import %s by %s: %d rows, %d created, %d updated, %d unchanged, %d rejected, %d bank changes pending",
        import_id,
        actor,
        result["total_rows"],
        result["created"],
        result["updated"],
        result["unchanged"],
        len(result["rejected"]),
        len(result["pending_changes"]),
    )
    return result


def _finish(session, import_id: str, status: str, result: dict, total_rows: int | None = None) -> None:
    values = {"status": status, "result": result, "finished_at": now_utc(), "progress": 100}
    if total_rows is not None:
        values.update(total_rows=total_rows, processed_rows=total_rows)
    session.execute(update(imports).where(imports.c.import_id == import_id).values(**values))
    session.commit()


def load(session, import_id: str, scope: str | None):
    """An import started in the caller's scope; any other is answered as unknown."""
    return row_by_id(session, imports.c.import_id, import_id, "导入任务", within_scope(session, imports.c.path, scope))
