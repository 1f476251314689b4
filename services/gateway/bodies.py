"""Request bodies read within the configured limits: JSON and raw bodies up to MAX_BODY_BYTES, uploaded files up to
IMPORT_MAX_BYTES."""

from typing import BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge

from services.gateway.http import BoundedBody, read_body, read_json
from shared.config import setting
from shared.errors import ServiceError, validation_error


def empty_upload() -> ServiceError:
    return validation_error({"file": ["上传的文件是空的"]})


class Bodies:
    def __init__(self, config):
        self.body_limit = int(setting("MAX_BODY_BYTES", config))
        self.upload_limit = int(setting("IMPORT_MAX_BYTES", config))

    def json(self, request) -> dict:
        return read_json(request, self.body_limit)

    def raw(self, request) -> bytes:
        return read_body(request, self.body_limit)

    def upload_stream(self, request) -> tuple[BinaryIO, str | None]:
        """The uploaded file (form field `file`, else the raw body) as a stream that stops at IMPORT_MAX_BYTES.

        A form's file is already in a temporary file (werkzeug puts any over 500 KB on disk) when this returns;
        the raw body is read as the stream is.
        """
        limit = self.upload_limit
        if request.mimetype == "multipart/form-data":
            request.max_content_length = limit
            try:
                upload = request.files.get("file")
            except RequestEntityTooLarge:
                raise ServiceError("payload_too_large", f"文件超过上限 {limit} 字节", 413) from None
            if upload is None:
                raise validation_error({"file": ["请在表单字段 file 中上传 CSV 或 XLSX 文件"]})
            return upload.stream, upload.filename
        return BoundedBody(request, limit), request.args.get("filename")

    def upload(self, request) -> tuple[bytes, str | None]:
        """The uploaded file whole, for the bank's results (a line per application, nowhere near a registry sheet)."""
        stream, filename = self.upload_stream(request)
        content = stream.read()
        if not content:
            raise empty_upload()
        return content, filename
