"""Business errors that cross RPC intact and become CONTRACT.md's JSON error model at the gateway."""

import json

from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class ServiceError(Exception):
    """code and message for the client; fields for validation errors; extra goes into the error body."""

    def __init__(self, code: str, message: str, status=409, fields=None, extra=None):
        # nameko sends these args over RPC and turns None into the string "None": send {} instead. It also turns
        # every number into a string, so extra travels as JSON text and keeps its types (a year stays 2027).
        if isinstance(extra, str):
            extra = json.loads(extra)
        super().__init__(code, message, status, fields or {}, json.dumps(extra or {}, ensure_ascii=False))
        self.code = code
        self.message = message
        self.status = int(status)
        self.fields = fields or None
        self.extra = extra or None

    def __str__(self):
        return f"{self.code}: {self.message}"

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        if self.extra:
            error.update(self.extra)
        return {"error": error}


def validation_error(fields: dict, message: str = "提交的数据有误，请按提示修改") -> ServiceError:
    return ServiceError("validation_error", message, 400, fields=fields)


def not_found(what: str) -> ServiceError:
    return ServiceError("not_found", f"{what}不存在", 404)


def looks_like_id(value: str) -> bool:
    """Server-made ids are 32 lowercase hex characters; anything else cannot name a record."""
    return isinstance(value, str) and len(value) == 32 and all(char in "0123456789abcdef" for char in value)


def service_unavailable() -> ServiceError:
    """503: a service this request needs did not answer in time, or its database or the broker is unreachable."""
    return ServiceError("service_unavailable", "后台服务暂时无响应，请稍后重试", 503)


def import_not_awaited(import_id: str) -> ServiceError:
    """503 for an import the gateway stopped waiting for: the registry may well finish it, under this id."""
    return ServiceError(
        "service_unavailable",
        f"导入耗时超过了等待时间，可能仍在后台进行：请稍后在 /api/v1/imports/{import_id}"
        f"（控制台 /imports/{import_id}）查看结果。较大的表请用 ?async=1 在后台导入",
        503,
    )
