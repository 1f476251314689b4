"""What the OpenAPI document (services/gateway/openapi.py) says besides the answers: the error body (described
only: ServiceError.body in the kernel builds it), the query parameters the gateway itself reads, and the content
that is not JSON.

Every JSON answer is documented by the schema that produces it: the routes (api/) take it from the answers.py of
the service that answers (tests/unit/test_answers.py holds each to the document).
"""

from marshmallow import Schema, fields

from shared.answers import Answer, Bool, Str, required


class ErrorDetailSchema(Answer):
    code = required(Str, metadata={"description": "错误码，如 validation_error、not_found、forbidden"})
    message = required(Str, metadata={"description": "给人看的中文说明"})
    fields = fields.Dict(metadata={"description": "仅校验错误：字段名 → 错误信息列表（嵌套对象按层级）"})


class ErrorSchema(Answer):
    error = fields.Nested(ErrorDetailSchema, required=True)


class RevealQuerySchema(Schema):
    reveal = Bool(metadata={"description": "1、true 或 yes：显示完整号码（仅 admin、caseworker，记入审计日志）"})


class ImportQuerySchema(Schema):
    filename = Str(metadata={"description": "原始请求体上传时的文件名（据扩展名区分 CSV 与 XLSX）"})
    async_ = Bool(data_key="async", metadata={"description": "1、true 或 yes：后台导入，立即返回 202"})


class StatusLookupQuerySchema(Schema):
    id_last4 = Str(required=True, metadata={"description": "身份证号后四位；不符时与申请不存在一样返回 404"})


class ReceiptQuerySchema(Schema):
    code = Str(required=True, metadata={"description": "收据上的验证码；不符时返回 404"})


class ReceiptCallbackQuerySchema(Schema):
    token = Str(metadata={"description": "回执地址中的密钥（阿里云、腾讯云）"})


def content(media_type: str, schema: dict | None = None) -> dict:
    return {media_type: {"schema": schema or {}}}


UPLOAD_BODY = {
    **content(
        "multipart/form-data",
        {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}},
    ),
    **content("text/csv", {"type": "string"}),
    **content("application/octet-stream", {"type": "string", "format": "binary"}),
}
PROVIDER_RECEIPT_BODY = content("application/json", {"description": "服务商自己的回执格式"})
BANK_FILE = content("text/csv", {"type": "string", "description": "GB18030 编码"})
HTML_PAGE = content("text/html", {"type": "string"})
METRICS_TEXT = content("text/plain", {"type": "string", "description": "Prometheus 文本格式 0.0.4"})
OPENAPI_DOCUMENT = content("application/json", {"type": "object"})
