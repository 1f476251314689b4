"""Sending a file to the registry for an import, part by part (services/registry/uploads.py keeps them).

Used by the gateway, `hardship import`, the benchmarks and the tests: the file is read PART_BYTES at a
time and each part goes out in its own RPC, so neither side ever holds more than a part of it.
"""

import base64
import io
import uuid
from collections.abc import Callable
from typing import BinaryIO

PART_BYTES = 1 << 20


def read_part(stream: BinaryIO, size: int = PART_BYTES) -> bytes:
    """Up to `size` bytes, fewer only at the end: a socket or a chunked body gives less than asked at a time."""
    pieces, wanted = [], size
    while wanted and (piece := stream.read(wanted)):
        pieces.append(piece)
        wanted -= len(piece)
    return b"".join(pieces)


def send_parts(add_part: Callable, import_id: str, stream: BinaryIO) -> int:
    """Send the stream to add_part(import_id, seq, content_b64) a part at a time; returns how many parts were sent."""
    seq = 0
    while part := read_part(stream):
        add_part(import_id, seq, base64.b64encode(part).decode())
        seq += 1
    return seq


def import_content(registry, content: bytes, filename: str, actor: str, scope: str | None = None) -> dict:
    """Upload a sheet held in memory and import it at once, through an RPC proxy to the registry (benchmarks, tests),
    into the units of `scope` (None: the whole tree)."""
    import_id = uuid.uuid4().hex
    parts = send_parts(registry.add_import_part, import_id, io.BytesIO(content))
    return registry.import_workers(import_id, parts, filename, actor, scope)
