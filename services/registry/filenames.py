"""The name an upload arrives with (form file name or `filename` query parameter), as the imports table keeps it."""

import unicodedata

from services.registry.models import imports
from shared.errors import validation_error

FILENAME_LENGTH = imports.c.filename.type.length


def checked_filename(filename: str | None) -> str | None:
    """The name unchanged, or a 400 on `filename`: longer than its column (PostgreSQL would refuse the row), or with
    a control character (PostgreSQL takes no NUL in text)."""
    if filename is None:
        return None
    if len(filename) > FILENAME_LENGTH:
        raise validation_error({"filename": [f"文件名不能超过 {FILENAME_LENGTH} 个字符，请改短后重新上传"]})
    if any(unicodedata.category(char) == "Cc" for char in filename):
        raise validation_error({"filename": ["文件名含有控制字符，请改名后重新上传"]})
    return filename
