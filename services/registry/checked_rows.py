"""A sheet's rows, checked and made into worker rows (sheet_rows.check_row), a chunk at a time.

Checking and sealing rows is about half of an import's work. For a big sheet a second process does it
on the machine's other core while this one writes the chunk before; a small one is checked here, where
starting a process would cost more than it saves. The second process is this module: it gets the data
key on its stdin and the upload as an inherited file descriptor, and answers with length-prefixed pickles,
("rows", chunk, progress) for each chunk, then ("done",) or ("error", message) when the sheet itself is
unreadable. It dies with the process that started it. This module imports only what checking needs (no
database, no nameko), so the second process is checking rows a tenth of a second after it starts.
"""

import fcntl
import os
import pickle
import queue
import struct
import sys
import threading
from contextlib import contextmanager
from datetime import date

from services.registry.sheet_rows import check_row
from services.registry.spreadsheet import SpreadsheetError, read_rows
from shared.crypto import Vault
from shared.processes import stop_with_parent

CHUNK_ROWS = 5000
SECOND_PROCESS_BYTES = 2_000_000  # about 10,000 rows of a CSV export; far fewer take under a second here
SIZE = struct.Struct(">I")
PIPE_BYTES = 1 << 20
BROKEN = "导入中断：检查表格的进程意外退出"


def chunks(file, filename: str | None, vault, today: date):
    """(checked rows, fraction of the sheet read) for each CHUNK_ROWS rows, in this process."""
    sheet = read_rows(file, filename)
    chunk = []
    for row_number, cells in sheet:
        chunk.append(check_row(vault, row_number, cells, today))
        if len(chunk) == CHUNK_ROWS:
            yield chunk, sheet.progress()
            chunk = []
    yield chunk, 1.0


@contextmanager
def checked_chunks(file, filename: str | None, vault, today: date):
    """The chunks of `file` (an upload on disk), from a second process when the file is big."""
    if os.fstat(file.fileno()).st_size < SECOND_PROCESS_BYTES:
        yield chunks(file, filename, vault, today)
        return
    from eventlet.green import subprocess  # here: the second process, importing this module, must start light

    checker = subprocess.Popen(
        [sys.executable, "-m", "services.registry.checked_rows", str(file.fileno()), filename or "", today.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        pass_fds=(file.fileno(),),
    )
    try:
        checker.stdin.write(SIZE.pack(len(vault.master_key)) + vault.master_key)
        checker.stdin.close()
        yield _answers(checker.stdout)
    finally:
        if checker.poll() is None:
            checker.kill()
        checker.wait()
        checker.stdout.close()


def _answers(stream):
    while True:
        answer = _receive(stream)
        if answer[0] == "done":
            return
        if answer[0] == "error":
            raise SpreadsheetError(answer[1])
        yield answer[1], answer[2]


def _read_exactly(stream, size: int) -> bytes:
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            raise RuntimeError(BROKEN)
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _receive(stream):
    return pickle.loads(_read_exactly(stream, SIZE.unpack(_read_exactly(stream, SIZE.size))[0]))


def _send_all(outbox: queue.Queue, stream) -> None:
    while (frame := outbox.get()) is not None:
        stream.write(SIZE.pack(len(frame)) + frame)
    stream.flush()


def _widen_pipe(fd: int) -> None:
    """A pipe of 1 MB (Linux's default maximum) rather than 64 KB: a chunk goes in a few writes, not forty."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or a lower limit: the pipe works as it is
        pass


def main() -> None:
    """The second process: check the sheet, pickling a chunk while the one before is being written out."""
    stop_with_parent()  # had it died already, the key below would never come: stdin ends and so does this process
    fd, filename, today = int(sys.argv[1]), sys.argv[2] or None, date.fromisoformat(sys.argv[3])
    key_size = SIZE.unpack(sys.stdin.buffer.read(SIZE.size))[0]
    vault = Vault(sys.stdin.buffer.read(key_size))
    _widen_pipe(sys.stdout.fileno())
    # The sender takes the GIL back after each pipe-full it writes; by default that waits up to 5 ms of the
    # checking thread's time each time, which paced the whole import to the pipe.
    sys.setswitchinterval(0.0005)
    outbox = queue.Queue(maxsize=2)
    sender = threading.Thread(target=_send_all, args=(outbox, sys.stdout.buffer))
    sender.start()

    def send(*answer):
        outbox.put(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        with os.fdopen(fd, "rb") as file:
            for chunk, progress in chunks(file, filename, vault, today):
                send("rows", chunk, progress)
        send("done")
    except SpreadsheetError as exc:
        send("error", str(exc))
    finally:
        outbox.put(None)
        sender.join()


if __name__ == "__main__":
    main()
