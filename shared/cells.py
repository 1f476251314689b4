"""The cells of every file the system writes (bank file, exports): text a spreadsheet would run as a formula
is written inert, whatever was filed before the input rule refused it.

A cell that starts with `=`, `+`, `-` or `@`, or holds a control or format character (one of them may
hide such a start or reorder what is shown), gets a leading `'` (OWASP's CSV-injection defence): the
spreadsheet shows it as text. Account numbers and amounts are digits and pass unchanged, as the bank's
importer expects them.
"""

import csv
import io
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
INERT_PREFIX = "'"


def inert(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or any(unicodedata.category(char) in HIDDEN_CATEGORIES for char in text):
        return INERT_PREFIX + text
    return text


def csv_file(rows, encoding: str = "utf-8") -> bytes:
    """Rows (the header first) as a CSV file with CRLF line ends, every cell made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([inert(value) for value in row] for row in rows)
    return out.getvalue().encode(encoding)
