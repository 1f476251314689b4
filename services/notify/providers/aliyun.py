"""Alibaba Cloud SMS: SendSms (Dysmsapi 2017-05-25) signed with RPC signature V1, and SmsReport receipts.

Receipt authentication: Alibaba Cloud does not sign the SmsReport "HTTP 批量推送" it POSTs to the
receiving address configured in the console (help.aliyun.com/zh/sms/developer-reference/smsreport-2
documents the body and the expected answer only). So the receiving address is configured with a
secret of ours in it, e.g. https://hardship.example/api/v1/sms/receipts/aliyun?token=<ALIYUN_SMS_RECEIPT_TOKEN>,
and verify_receipt compares that token in constant time; with no token configured every receipt is refused.
Use HTTPS for that address, or the token travels in clear. Alibaba also probes the address with a
GET when it is saved and wants the receipt_ack() body back within 700 ms
(help.aliyun.com/zh/document_detail/3041841.html).
"""

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import requests

from services.notify.answers import AliyunAckSchema
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

API_VERSION = "2017-05-25"

THROTTLED_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL"}
# The user unsubscribed. isv.BLACK_KEY_CONTROL_LIMIT is not here: Alibaba documents it as a
# blacklisted keyword in a template variable, a content problem for staff, not an opt-out.
BLACKLISTED_CODES = {"isv.CUSTOMER_REFUSED"}
TRANSIENT_CODES = {"ServiceUnavailable", "InternalError"}
ACK = AliyunAckSchema()


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as the signature wants it: space -> %20, '*' -> %2A, '~' kept."""
    return quote(value, safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(key)}={percent_encode(value)}" for key, value in sorted(params.items()))


def rpc_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """Base64(HMAC-SHA1(secret + '&', METHOD + '&%2F&' + percentEncode(canonical query)))."""
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def classify(code: str) -> Outcome:
    if code == "OK":
        return Outcome.SENT
    if code in THROTTLED_CODES or code.startswith("Throttling"):
        return Outcome.THROTTLED
    if code in BLACKLISTED_CODES:
        return Outcome.BLACKLISTED
    if code in TRANSIENT_CODES or (code.startswith("isp.") and code != "isp.RAM_PERMISSION_DENY"):
        return Outcome.TRANSIENT
    # Template, signature, parameter, number-format, account and authentication errors, and any
    # code we do not know: sending it again unchanged will not help, so staff must look.
    return Outcome.PERMANENT


class AliyunProvider:
    name = "aliyun"

    def __init__(self, config=None):
        self._key_id = setting("ALIYUN_ACCESS_KEY_ID", config)
        self._secret = setting("ALIYUN_ACCESS_KEY_SECRET", config)
        self._endpoint = setting("ALIYUN_SMS_ENDPOINT", config)
        self._templates = template_ids("ALIYUN_SMS_TEMPLATES", config)
        self._sign_name = setting("SMS_SIGN_NAME", config)
        self._receipt_token = setting("ALIYUN_SMS_RECEIPT_TOKEN", config)
        self._timeout = http_timeout(config)
        self._session = http_session()

    def send(self, request: SmsRequest) -> SendResult:
        if not (self._key_id and self._secret):
            return SendResult(Outcome.PERMANENT, code="NOT_CONFIGURED", message="未配置阿里云短信 AccessKey")
        template_code = self._templates.get(request.template)
        if not template_code:
            return SendResult(
                Outcome.PERMANENT,
                code="TEMPLATE_NOT_CONFIGURED",
                message=f"未配置模板 {request.template} 对应的阿里云模板号",
            )
        params = self._params(request, template_code)
        params["Signature"] = rpc_signature(params, self._secret)
        response = post(
            self._session,
            self._endpoint,
            self._timeout,
            data=canonical_query(params),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if isinstance(response, SendResult):
            return response
        return _result(response, request.phone)

    def _params(self, request: SmsRequest, template_code: str) -> dict[str, str]:
        return {
            "AccessKeyId": self._key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": request.notification_id,
            "PhoneNumbers": request.phone,
            "SignName": self._sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps({key: str(value) for key, value in request.params.items()}, ensure_ascii=False),
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }

    def verify_receipt(self, body: bytes, headers: dict, query: dict) -> bool:
        return token_matches(query, self._receipt_token)

    def parse_receipts(self, body: bytes, headers: dict, query: dict) -> list[Receipt]:
        return [_receipt(item) for item in receipt_items(body)]

    def receipt_ack(self) -> tuple[int, dict]:
        return 200, ACK.dump({"code": 0, "msg": "成功"})


def _result(response: requests.Response, phone: str) -> SendResult:
    body = _json_object(response)
    if response.status_code >= 500:
        code = str(body.get("Code") or f"HTTP_{response.status_code}")
        message = safe_message(body.get("Message") or "阿里云短信服务暂时不可用", phone)
        return SendResult(Outcome.TRANSIENT, code=code, message=message)
    if "Code" not in body:
        if response.status_code == 429:
            return SendResult(Outcome.THROTTLED, code="HTTP_429", message="阿里云短信接口限流")
        if response.ok:
            # It reached Alibaba and came back unreadable: the SMS may be out.
            return SendResult(
                Outcome.UNKNOWN, code="BAD_RESPONSE", message="阿里云短信接口应答无法解析，短信可能已发出"
            )
        return SendResult(Outcome.PERMANENT, code=f"HTTP_{response.status_code}", message="阿里云短信接口拒绝了请求")
    code = str(body["Code"])
    outcome = classify(code)
    message_id = str(body.get("BizId") or "") or None
    return SendResult(
        outcome,
        provider_message_id=message_id if outcome is Outcome.SENT else None,
        code=code,
        message=safe_message(body.get("Message"), phone),
    )


def _json_object(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _receipt(item: dict) -> Receipt:
    biz_id = str(item.get("biz_id") or "")
    if not biz_id:
        raise ValueError("阿里云回执缺少 biz_id / aliyun receipt without biz_id")
    code = str(item.get("err_code") or "")
    report_time = str(item.get("report_time") or "")
    return Receipt(
        provider_message_id=biz_id,
        notification_id=str(item.get("out_id") or "") or None,
        delivered=item.get("success") is True or str(item.get("success")).lower() == "true",
        code=code,
        description=scrub(str(item.get("err_msg") or "")),
        reported_at=beijing_time(report_time),
        raw_key=f"aliyun:{biz_id}:{code}:{report_time}",
    )
