"""Tencent Cloud SMS: SendSms (API 2021-01-11) signed with TC3-HMAC-SHA256, and status-report callbacks.

Receipt authentication: Tencent Cloud does not sign the 短信下发状态通知 it POSTs to the callback URL
set in the SMS console (cloud.tencent.com/document/api/382/59178 documents the body, the answer and,
for security, only a list of its callback source IPs). So the callback URL is configured with a
secret of ours in it, e.g. https://hardship.example/api/v1/sms/receipts/tencent?token=<TENCENT_SMS_RECEIPT_TOKEN>,
and verify_receipt compares that token in constant time; with no token configured every receipt is refused.
Use HTTPS for that URL, or the token travels in clear.
"""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests

from services.notify.answers import TencentAckSchema
from services.notify.providers.base import Outcome, Receipt, SendResult, SmsRequest
from services.notify.providers.common import (
    beijing_time,
    http_session,
    http_timeout,
    post,
    receipt_items,
    safe_message,
    template_ids,
    token_matches,
)
from shared.config import setting
from shared.masking import scrub

API_VERSION = "2021-01-11"
SERVICE = "sms"
ALGORITHM = "TC3-HMAC-SHA256"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
ACK = TencentAckSchema()


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def credential_date(timestamp: int) -> str:
    # The UTC date, not Beijing's: between 00:00 and 08:00 Beijing time the two differ.
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def canonical_request(signed_headers: dict[str, str], payload: bytes) -> str:
    """POST to '/', no query string, the signed headers (names and values lower-cased, sorted), the body's hash."""
    headers = {name.lower(): value.strip().lower() for name, value in signed_headers.items()}
    names = sorted(headers)
    canonical_headers = "".join(f"{name}:{headers[name]}\n" for name in names)
    return "\n".join(["POST", "/", "", canonical_headers, ";".join(names), _sha256_hex(payload)])


def tc3_signature(secret_key: str, timestamp: int, service: str, canonical: str) -> str:
    date = credential_date(timestamp)
    string_to_sign = "\n".join(
        [ALGORITHM, str(timestamp), f"{date}/{service}/tc3_request", _sha256_hex(canonical.encode())]
    )
    key = _hmac_sha256(f"TC3{secret_key}".encode(), date)
    key = _hmac_sha256(key, service)
    key = _hmac_sha256(key, "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def authorization(
    secret_id: str, secret_key: str, timestamp: int, service: str, signed_headers: dict[str, str], payload: bytes
) -> str:
    signature = tc3_signature(secret_key, timestamp, service, canonical_request(signed_headers, payload))
    names = ";".join(sorted(name.lower() for name in signed_headers))
    scope = f"{credential_date(timestamp)}/{service}/tc3_request"
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={names}, Signature={signature}"


def classify(code: str) -> Outcome:
    if code == "Ok":
        return Outcome.SENT
    if code == "FailedOperation.PhoneNumberInBlacklist":
        return Outcome.BLACKLISTED
    if code.startswith(("LimitExceeded", "RequestLimitExceeded")):
        return Outcome.THROTTLED
    if code.startswith("InternalError"):
        return Outcome.TRANSIENT
    # InvalidParameterValue.*, FailedOperation.* (template, signature, balance...), AuthFailure.*,
    # UnauthorizedOperation.* and any code we do not know: staff must look.
    return Outcome.PERMANENT


class TencentProvider:
    name = "tencent"

    def __init__(self, config=None):
        self._secret_id = setting("TENCENT_SECRET_ID", config)
        self._secret_key = setting("TENCENT_SECRET_KEY", config)
        self._app_id = setting("TENCENT_SMS_APP_ID", config)
        self._region = setting("TENCENT_SMS_REGION", config)
        self._endpoint = setting("TENCENT_SMS_ENDPOINT", config)
        self._host = urlsplit(self._endpoint).netloc
        self._templates = template_ids("TENCENT_SMS_TEMPLATES", config)
        self._sign_name = setting("SMS_SIGN_NAME", config)
        self._receipt_token = setting("TENCENT_SMS_RECEIPT_TOKEN", config)
        self._timeout = http_timeout(config)
        self._session = http_session()

    def send(self, request: SmsRequest) -> SendResult:
        if not (self._secret_id and self._secret_key and self._app_id):
            return SendResult(Outcome.PERMANENT, code="NOT_CONFIGURED", message="未配置腾讯云短信密钥或 SmsSdkAppId")
        template_id = self._templates.get(request.template)
        if not template_id:
            return SendResult(
                Outcome.PERMANENT,
                code="TEMPLATE_NOT_CONFIGURED",
                message=f"未配置模板 {request.template} 对应的腾讯云模板 ID",
            )
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{request.phone}"],
                "SmsSdkAppId": self._app_id,
                "TemplateId": template_id,
                "SignName": self._sign_name,
                "TemplateParamSet": [str(value) for value in request.params.values()],
                "SessionContext": request.notification_id,
            }
        ).encode()
        response = post(self._session, self._endpoint, self._timeout, data=payload, headers=self._headers(payload))
        if isinstance(response, SendResult):
            return response
        return _result(response, request.phone)

    def _headers(self, payload: bytes) -> dict[str, str]:
        timestamp = int(time.time())
        signed = {"Content-Type": JSON_CONTENT_TYPE, "Host": self._host, "X-TC-Action": "SendSms"}
        return {
            **signed,
            "Authorization": authorization(self._secret_id, self._secret_key, timestamp, SERVICE, signed, payload),
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": API_VERSION,
            "X-TC-Region": self._region,
        }

    def verify_receipt(self, body: bytes, headers: dict, query: dict) -> bool:
        return token_matches(query, self._receipt_token)

    def parse_receipts(self, body: bytes, headers: dict, query: dict) -> list[Receipt]:
        return [_receipt(item) for item in receipt_items(body)]

    def receipt_ack(self) -> tuple[int, dict]:
        return 200, ACK.dump({"result": 0, "errmsg": "OK"})


def _result(response: requests.Response, phone: str) -> SendResult:
    body = _response_object(response)
    if response.status_code >= 500:
        return SendResult(Outcome.TRANSIENT, code=f"HTTP_{response.status_code}", message="腾讯云短信服务暂时不可用")
    if body is None:
        if response.status_code == 429:
            return SendResult(Outcome.THROTTLED, code="HTTP_429", message="腾讯云短信接口限流")
        if response.ok:
            # It reached Tencent and came back unreadable: the SMS may be out.
            return SendResult(
                Outcome.UNKNOWN, code="BAD_RESPONSE", message="腾讯云短信接口应答无法解析，短信可能已发出"
            )
        return SendResult(Outcome.PERMANENT, code=f"HTTP_{response.status_code}", message="腾讯云短信接口拒绝了请求")
    error = body.get("Error")
    if isinstance(error, dict):
        code = str(error.get("Code") or "")
        return SendResult(classify(code), code=code, message=safe_message(error.get("Message"), phone))
    statuses = body.get("SendStatusSet")
    if not (isinstance(statuses, list) and statuses and isinstance(statuses[0], dict)):
        return SendResult(Outcome.UNKNOWN, code="BAD_RESPONSE", message="腾讯云短信接口未返回发送状态，短信可能已发出")
    status = statuses[0]
    code = str(status.get("Code") or "")
    outcome = classify(code)
    message_id = str(status.get("SerialNo") or "") or None
    return SendResult(
        outcome,
        provider_message_id=message_id if outcome is Outcome.SENT else None,
        code=code,
        message=safe_message(status.get("Message"), phone),
    )


def _response_object(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    inner = body.get("Response") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else None


def _receipt(item: dict) -> Receipt:
    sid = str(item.get("sid") or "")
    if not sid:
        raise ValueError("腾讯云回执缺少 sid / tencent receipt without sid")
    code = str(item.get("errmsg") or "")
    received_at = str(item.get("user_receive_time") or "")
    return Receipt(
        provider_message_id=sid,
        # ext echoes SessionContext only once Tencent has enabled it for the account.
        notification_id=str(item.get("ext") or "") or None,
        delivered=str(item.get("report_status") or "").upper() == "SUCCESS",
        code=code,
        description=scrub(str(item.get("description") or "")),
        reported_at=beijing_time(received_at),
        raw_key=f"tencent:{sid}:{code}:{received_at}",
    )
