"""The raw floor for an import: a plain csv parse, the ID checksum and one sqlite executemany."""
import csv
import io
import sqlite3
import time
from pathlib import Path

from shared.validation import id_check_char


def raw_import_seconds(csv_bytes: bytes, workdir: Path) -> float:
    """Seconds to parse, checksum and store the rows with nothing else in the way."""
    path = workdir / "floor.db"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    reader = csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")))
    next(reader)
    rows = [row for row in reader if id_check_char(row[1][:17]) == row[1][17]]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"CREATE TABLE workers ({', '.join(f'c{i} TEXT' for i in range(len(rows[0])))})")
    connection.executemany(f"INSERT INTO workers VALUES ({', '.join('?' * len(rows[0]))})", rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - started
