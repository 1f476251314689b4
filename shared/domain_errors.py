"""What the core refuses, with the code and the message people read; the HTTP status is the edge's business."""

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A rule said no: `code` for programs, `message` for people, `extra` for the error body."""

    def __init__(self, code: str, message: str, extra: Mapping[str, Any] | None = None):
        super().__init__(code, message)
        self.code, self.message, self.extra = code, message, dict(extra or {})

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class Refused(DomainError):
    """The request is understood but the rules or the current state do not allow it."""


class Forbidden(DomainError):
    """The caller's place does not allow this (an admin acting on what their unit does not handle)."""

    def __init__(self, message: str):
        super().__init__("forbidden", message)


class NotFound(DomainError):
    """The thing asked about does not exist (`what` names it, in Chinese); `message`, when given, says more."""

    def __init__(self, what: str, message: str | None = None):
        super().__init__("not_found", message or f"{what}不存在")


class Invalid(DomainError):
    """The request itself is wrong: messages by field, under a message for people that may say what is wrong."""

    def __init__(self, fields: Mapping[str, list[str]], message: str = "提交的数据有误，请按提示修改"):
        super().__init__("validation_error", message)
        self.fields = dict(fields)
