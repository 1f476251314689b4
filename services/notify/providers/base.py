"""What every SMS provider client takes and returns, so the dispatcher never sees a provider's own format."""

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Outcome(enum.Enum):
    SENT = "sent"  # accepted by the provider; a receipt will follow
    THROTTLED = "throttled"  # rate limit (provider QPS or per-number quota): defer to the next window
    TRANSIENT = "transient"  # nothing was sent (connect error, 5xx, provider busy): retry with backoff
    PERMANENT = "permanent"  # will never succeed as is (bad template, bad number, auth): fail, tell staff
    BLACKLISTED = "blacklisted"  # the user unsubscribed / number on the provider's blacklist: suppress, opt out
    UNKNOWN = "unknown"  # the request may have been sent (read timeout): never blindly send again


@dataclass(frozen=True)
class SmsRequest:
    notification_id: str  # our id; sent as OutId (aliyun) / SessionContext (tencent), echoed in receipts
    phone: str  # 11-digit mainland mobile, no +86
    template: str  # our template name: submitted | publicizing | rejected | disbursed | payment_failed
    params: dict[str, str]  # template parameters, in the template's order, string values
    text: str  # the full rendered text with 【signature】, as the worker will read it


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_message_id: str | None = None  # BizId (aliyun) / SerialNo (tencent)
    code: str = ""  # the provider's own code, e.g. OK, isv.BUSINESS_LIMIT_CONTROL
    message: str = ""  # the provider's message, no phone numbers
    retry_after_seconds: float | None = None


@dataclass(frozen=True)
class Receipt:
    provider_message_id: str | None  # BizId / sid
    notification_id: str | None  # OutId / ext / SessionContext when the provider echoes it
    delivered: bool
    code: str  # DELIVERED, DELIVRD, or the failure code
    description: str = ""
    reported_at: datetime | None = None
    raw_key: str = field(default="")  # stable key of this receipt, for dropping a receipt that comes twice
