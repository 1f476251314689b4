"""What the aliyun and tencent clients share: the HTTP call and what its failures mean, their
template settings, and the check of the token in a receipt callback URL."""

import hmac
import json
from datetime import datetime

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from services.notify.providers.base import Outcome, SendResult
from shared.clock import SHANGHAI
from shared.config import setting
from shared.masking import mask_phone, scrub

MESSAGE_LIMIT = 300
# How many requests a dispatcher has in flight to one provider at once; its client keeps as many connections open.
SEND_CONCURRENCY = 32


def http_timeout(config) -> tuple[float, float]:
    seconds = float(setting("SMS_HTTP_TIMEOUT", config))
    return seconds, seconds


def http_session() -> requests.Session:
    """A client that keeps a connection open for each concurrent send (requests keeps 10; past that every send
    would open a new connection, and a new TLS session with it)."""
    session = requests.Session()
    for scheme in ("https://", "http://"):
        session.mount(scheme, requests.adapters.HTTPAdapter(pool_maxsize=SEND_CONCURRENCY))
    return session


def template_ids(key: str, config) -> dict[str, str]:
    """'submitted=SMS_0001,publicizing=SMS_0002' -> {'submitted': 'SMS_0001', 'publicizing': 'SMS_0002'}."""
    pairs = (part.split("=", 1) for part in setting(key, config).split(",") if "=" in part)
    return {name.strip(): value.strip() for name, value in pairs if name.strip() and value.strip()}


def safe_message(text, phone: str) -> str:
    """A provider's message with no full phone number in it (some echo the request back), kept short."""
    text = str(text or "").replace(phone, mask_phone(phone))
    return scrub(text)[:MESSAGE_LIMIT]


def post(session: requests.Session, url: str, timeout, **kwargs) -> requests.Response | SendResult:
    """The provider's HTTP response, or the SendResult that a failure to get one means.

    Only a failure before the request left this machine is TRANSIENT; once it may have reached the
    provider (read timeout, connection dropped mid-answer) the SMS may be out, so it is UNKNOWN.
    """
    try:
        return session.post(url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.ConnectTimeout:
        return SendResult(Outcome.TRANSIENT, code="CONNECT_TIMEOUT", message="连接短信服务商超时，短信未发出")
    except requests.ReadTimeout:
        return SendResult(Outcome.UNKNOWN, code="READ_TIMEOUT", message="等待短信服务商应答超时，短信可能已发出")
    except requests.ConnectionError as exc:
        if _never_connected(exc):
            return SendResult(Outcome.TRANSIENT, code="CONNECT_FAILED", message="无法连接短信服务商，短信未发出")
        return SendResult(Outcome.UNKNOWN, code="CONNECTION_LOST", message="与短信服务商的连接中断，短信可能已发出")
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
        return SendResult(Outcome.PERMANENT, code="BAD_ENDPOINT", message="短信服务商地址配置错误")
    except requests.RequestException as exc:
        return SendResult(Outcome.UNKNOWN, code=type(exc).__name__, message="短信服务商应答异常，短信可能已发出")


def _never_connected(exc: requests.ConnectionError) -> bool:
    # requests wraps a refused/unresolvable connection (and a failed TLS handshake) in MaxRetryError;
    # a connection dropped after the request was written arrives as a bare ProtocolError instead.
    if isinstance(exc, requests.exceptions.SSLError):
        return True
    reason = exc.args[0] if exc.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError)


def token_matches(query: dict, expected: str) -> bool:
    """Constant-time check of ?token= in a receipt callback URL; an unset token refuses everything."""
    given = query.get("token")
    if isinstance(given, (list, tuple)):
        given = given[0] if given else None
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def receipt_items(body: bytes) -> list[dict]:
    """The JSON array of report objects both providers push; ValueError for anything else."""
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("回执不是有效的 JSON / receipt body is not valid JSON") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError("回执应为 JSON 对象数组 / receipt body must be a JSON array of objects")
    return items


def beijing_time(text) -> datetime | None:
    """'2017-01-01 00:00:00' as both providers report it, in Beijing time."""
    try:
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None
