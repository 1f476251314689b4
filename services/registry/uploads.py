"""An upload on its way to an import, stored part by part so no process ever holds the whole file.

The gateway (or the CLI) sends the file in parts of about 1 MB, each by its own RPC, to whichever
registry instance takes it; each part is committed before the RPC answers, so when the import RPC
arrives, on any instance, every part is in the database. Parts are stored encrypted with the data
key, like the numbers in a worker's file: they hold the sheet's full ID, phone and bank numbers.
The import copies them in order into a temporary file on disk (unlinked from the start, so it goes
with the process), reads the sheet from there, and deletes them when it ends, done or failed.
Parts of an upload that never reached its import (the sender gave up or died) are deleted when the
next upload starts, once they are older than ABANDONED_AFTER.
"""

import base64
import binascii
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import BinaryIO

from sqlalchemy import delete, select

from services.registry.models import import_parts
from services.registry.spreadsheet import SpreadsheetError
from shared.db import insert_or_skip
from shared.errors import looks_like_id, validation_error
from shared.events import now_utc

ABANDONED_AFTER = timedelta(days=1)
INCOMPLETE = "上传的文件不完整，请重新上传"


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def store_part(session, vault, import_id: str, seq: int, content_b64: str) -> None:
    """Keep one part, committed; the same (import_id, seq) again, as from a retried RPC, changes nothing."""
    if not looks_like_id(import_id) or not _count(seq):
        raise validation_error({"file": ["上传的分段编号无效"]})
    try:
        base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise validation_error({"file": ["文件内容无法读取"]}) from None
    if seq == 0:
        session.execute(delete(import_parts).where(import_parts.c.received_at < now_utc() - ABANDONED_AFTER))
    insert_or_skip(
        session,
        import_parts,
        {
            "import_id": import_id,
            "seq": seq,
            "sealed": vault.encrypt(content_b64),
            "received_at": now_utc(),
        },
    )
    session.commit()


def discard(session, import_id: str) -> None:
    session.execute(delete(import_parts).where(import_parts.c.import_id == import_id))
    session.commit()


@contextmanager
def assembled(session, vault, import_id: str, parts: int) -> Iterator[BinaryIO]:
    """The upload as a temporary file, read from its start; SpreadsheetError when a part is missing.

    One part is in memory at a time. The file is deleted on leaving, the parts are not (see discard).
    """
    if not _count(parts):
        raise SpreadsheetError(INCOMPLETE)
    with tempfile.TemporaryFile(prefix="hardship-import-") as file:
        for seq in range(parts):
            sealed = session.execute(
                select(import_parts.c.sealed).where(
                    import_parts.c.import_id == import_id,
                    import_parts.c.seq == seq,
                )
            ).scalar()
            if sealed is None:
                session.rollback()
                raise SpreadsheetError(INCOMPLETE)
            file.write(base64.b64decode(vault.decrypt(sealed)))
        session.rollback()  # end the read: on SQLite it could not become the import's writes otherwise
        file.seek(0)
        yield file
