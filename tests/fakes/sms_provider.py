"""A local stand-in for the Alibaba Cloud and Tencent Cloud SMS APIs, for tests only.

One threaded HTTP server on 127.0.0.1 answers POST {url}/aliyun/ as Dysmsapi SendSms and
POST {url}/tencent/ as Tencent SendSms 2021-01-11. Each request's signature is checked against the
fake keys below; a bad one gets that provider's own authentication error. Otherwise the answer is
scripted: `fail_next` answers come first, then the behaviour scripted for the phone number, else "ok".

    with FakeSmsProvider() as fake:
        fake.script("13800138001", "throttled")
        provider = make_provider("aliyun", fake.config(HARDSHIP_VAR_DIR=...))
        ...
        fake.post_receipt(gateway_url, fake.sent[0])
"""

import hmac
import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import requests

from services.notify.providers import aliyun, tencent
from shared.clock import SHANGHAI

ALIYUN_KEY_ID = "fake-aliyun-key-id"
ALIYUN_KEY_SECRET = "fake-aliyun-key-secret"
TENCENT_SECRET_ID = "AKIDfakeSecretId0000"
TENCENT_SECRET_KEY = "fake-tencent-secret-key"
TENCENT_APP_ID = "1400000000"
RECEIPT_TOKEN = "fake-receipt-token"
TEMPLATE_NAMES = ("submitted", "publicizing", "rejected", "disbursed", "payment_failed", "ready")
ALIYUN_TEMPLATES = {name: f"SMS_{number:04d}" for number, name in enumerate(TEMPLATE_NAMES, 1)}
TENCENT_TEMPLATES = {name: str(1000000 + number) for number, name in enumerate(TEMPLATE_NAMES, 1)}

# ok: sent. slow: sent, but answered after `slow_seconds`, past the client's read timeout.
# server_error: an HTTP 502 page from a proxy, nothing sent. The rest: the provider's own error codes.
BEHAVIOURS = ("ok", "slow", "throttled", "transient", "server_error", "permanent", "blacklisted")
SENT_BEHAVIOURS = ("ok", "slow")
ALIYUN_CODES = {
    "throttled": ("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:50"),
    "transient": ("isp.SYSTEM_ERROR", "系统出现错误，请重新调用"),
    "permanent": ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
    "blacklisted": ("isv.CUSTOMER_REFUSED", "用户已退订推广短信"),
}
TENCENT_CODES = {
    "throttled": ("LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发短信条数超过设定的上限"),
    "transient": ("InternalError.Timeout", "请求下发短信超时"),
    "permanent": ("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"),
    "blacklisted": ("FailedOperation.PhoneNumberInBlacklist", "手机号在免打扰名单库中"),
}
_TC3_AUTHORIZATION = re.compile(
    r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>[^/]+)/(?P<service>[^/]+)/tc3_request, "
    r"SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)


@dataclass(frozen=True)
class ProviderRequest:
    """One authenticated SendSms request the fake answered."""

    provider: str  # aliyun | tencent
    phone: str  # 11 digits, as the client sent it (without +86)
    template: str  # our template name, from the provider's template code
    template_code: str  # TemplateCode (aliyun) / TemplateId (tencent)
    params: dict | list  # TemplateParam as a dict (aliyun) / TemplateParamSet (tencent)
    notification_id: str  # OutId (aliyun) / SessionContext (tencent)
    answer: str  # the behaviour it got
    message_id: str | None  # BizId / SerialNo when sent


class FakeSmsProvider:
    def __init__(self, slow_seconds: float = 2.5):
        self.slow_seconds = slow_seconds
        self.requests: list[ProviderRequest] = []
        self.rejected_signatures = 0
        self.connections: set[tuple[str, int]] = set()  # each client address a request came from
        self._scripts: dict[str, str] = {}
        self._failures: dict[str, list[str]] = {"aliyun": [], "tencent": []}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeSmsProvider":
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeSmsProvider":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def config(self, **overrides) -> dict:
        """Settings that point both provider clients at this server with its fake keys."""
        return {
            "ALIYUN_ACCESS_KEY_ID": ALIYUN_KEY_ID,
            "ALIYUN_ACCESS_KEY_SECRET": ALIYUN_KEY_SECRET,
            "ALIYUN_SMS_ENDPOINT": f"{self.url}/aliyun/",
            "ALIYUN_SMS_TEMPLATES": ",".join(f"{name}={code}" for name, code in ALIYUN_TEMPLATES.items()),
            "ALIYUN_SMS_RECEIPT_TOKEN": RECEIPT_TOKEN,
            "TENCENT_SECRET_ID": TENCENT_SECRET_ID,
            "TENCENT_SECRET_KEY": TENCENT_SECRET_KEY,
            "TENCENT_SMS_APP_ID": TENCENT_APP_ID,
            "TENCENT_SMS_ENDPOINT": f"{self.url}/tencent/",
            "TENCENT_SMS_TEMPLATES": ",".join(f"{name}={code}" for name, code in TENCENT_TEMPLATES.items()),
            "TENCENT_SMS_RECEIPT_TOKEN": RECEIPT_TOKEN,
            "SMS_HTTP_TIMEOUT": "1",
            **overrides,
        }

    def connected_from(self, address: tuple[str, int]) -> None:
        with self._lock:
            self.connections.add(address)

    def script(self, phone: str, behaviour: str) -> None:
        """Answer every request to `phone` (11 digits) with `behaviour`, one of BEHAVIOURS."""
        _check(behaviour)
        with self._lock:
            self._scripts[phone] = behaviour

    def fail_next(self, count: int, behaviour: str = "server_error", provider: str | None = None) -> None:
        """Answer the next `count` requests to `provider` (each provider when None) with `behaviour`."""
        _check(behaviour)
        with self._lock:
            for name in [provider] if provider else list(self._failures):
                self._failures[name].extend([behaviour] * count)

    @property
    def sent(self) -> list[ProviderRequest]:
        """The requests the provider really sent: answered ok, or answered too late (slow)."""
        with self._lock:
            return [request for request in self.requests if request.answer in SENT_BEHAVIOURS]

    def receipt(
        self,
        sent: ProviderRequest,
        delivered: bool = True,
        code: str | None = None,
        reported_at: datetime | None = None,
        token: str = RECEIPT_TOKEN,
    ) -> tuple[bytes, dict]:
        """(body, query) of the delivery report `sent.provider` would push for `sent`."""
        at = (reported_at or datetime.now(SHANGHAI)).strftime("%Y-%m-%d %H:%M:%S")
        if sent.provider == "aliyun":
            item = {
                "phone_number": sent.phone,
                "send_time": at,
                "report_time": at,
                "success": delivered,
                "err_code": code or ("DELIVERED" if delivered else "UNDELIV"),
                "err_msg": "用户接收成功" if delivered else "用户接收失败",
                "sms_size": "1",
                "biz_id": sent.message_id,
                "out_id": sent.notification_id,
            }
        else:
            item = {
                "user_receive_time": at,
                "nationcode": "86",
                "mobile": sent.phone,
                "report_status": "SUCCESS" if delivered else "FAIL",
                "errmsg": code or ("DELIVRD" if delivered else "UNDELIV"),
                "description": "用户短信送达成功" if delivered else "用户短信接收失败",
                "sid": sent.message_id,
                "ext": sent.notification_id,
            }
        return json.dumps([item], ensure_ascii=False).encode(), {"token": token}

    def post_receipt(self, gateway_url: str, sent: ProviderRequest, **receipt_options) -> requests.Response:
        """POST that report to the gateway's /api/v1/sms/receipts/{provider}, as the provider would."""
        body, query = self.receipt(sent, **receipt_options)
        return requests.post(
            f"{gateway_url.rstrip('/')}/api/v1/sms/receipts/{sent.provider}",
            params=query,
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )

    def _answer(self, provider: str, phone: str) -> str:
        with self._lock:
            failures = self._failures[provider]
            return failures.pop(0) if failures else self._scripts.get(phone, "ok")

    def _record(
        self, provider: str, phone: str, template_code: str, params, notification_id: str, answer: str
    ) -> ProviderRequest:
        templates = ALIYUN_TEMPLATES if provider == "aliyun" else TENCENT_TEMPLATES
        template = next(name for name, code in templates.items() if code == template_code)
        message_id = None
        if answer in SENT_BEHAVIOURS:
            number = next(self._ids)
            message_id = f"{number:012d}^0" if provider == "aliyun" else f"2433:{number:020d}"
        request = ProviderRequest(provider, phone, template, template_code, params, notification_id, answer, message_id)
        with self._lock:
            self.requests.append(request)
        return request

    def handle_aliyun(self, body: bytes) -> tuple[int, bytes | dict, float]:
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        signature = params.pop("Signature", "")
        if params.get("AccessKeyId") != ALIYUN_KEY_ID:
            return 404, _aliyun_error("InvalidAccessKeyId.NotFound", "Specified access key is not found."), 0
        if not hmac.compare_digest(signature, aliyun.rpc_signature(params, ALIYUN_KEY_SECRET, "POST")):
            with self._lock:
                self.rejected_signatures += 1
            # Like Alibaba, echo the string to sign: it holds the phone number, which clients must not log.
            string_to_sign = f"POST&%2F&{aliyun.percent_encode(aliyun.canonical_query(params))}"
            return (
                400,
                _aliyun_error(
                    "SignatureDoesNotMatch",
                    f"Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}",
                ),
                0,
            )
        if params.get("Action") != "SendSms" or params.get("Version") != aliyun.API_VERSION:
            return 404, _aliyun_error("InvalidAction.NotFound", "Specified api is not found."), 0
        if params.get("TemplateCode") not in ALIYUN_TEMPLATES.values():
            return 200, _aliyun_error("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)"), 0
        template_params = json.loads(params.get("TemplateParam") or "{}")
        if not all(isinstance(value, str) for value in template_params.values()):
            return 200, _aliyun_error("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值"), 0
        phone = params.get("PhoneNumbers", "")
        answer = self._answer("aliyun", phone)
        if answer == "server_error":
            return 502, b"<html><body>502 Bad Gateway</body></html>", 0
        if answer in ALIYUN_CODES:
            self._record("aliyun", phone, params["TemplateCode"], template_params, params.get("OutId", ""), answer)
            return 200, _aliyun_error(*ALIYUN_CODES[answer]), 0
        sent = self._record("aliyun", phone, params["TemplateCode"], template_params, params.get("OutId", ""), answer)
        ok = {"Code": "OK", "Message": "OK", "BizId": sent.message_id, "RequestId": str(uuid.uuid4())}
        return 200, ok, self.slow_seconds if answer == "slow" else 0

    def handle_tencent(self, headers, body: bytes) -> tuple[int, bytes | dict, float]:
        failure = self._tencent_auth_failure(headers, body)
        if failure:
            return 200, _tencent_error(*failure), 0
        if headers.get("X-TC-Action") != "SendSms":
            return 200, _tencent_error("InvalidAction", "接口不存在"), 0
        if headers.get("X-TC-Version") != tencent.API_VERSION:
            return 200, _tencent_error("NoSuchVersion", "接口版本不存在"), 0
        request = json.loads(body)
        if request.get("SmsSdkAppId") != TENCENT_APP_ID:
            return 200, _tencent_error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId不存在"), 0
        if request.get("TemplateId") not in TENCENT_TEMPLATES.values():
            return 200, _tencent_error("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配"), 0
        e164 = (request.get("PhoneNumberSet") or [""])[0]
        phone = e164.removeprefix("+86")
        answer = self._answer("tencent", phone)
        if answer == "server_error":
            return 502, b"<html><body>502 Bad Gateway</body></html>", 0
        sent = self._record(
            "tencent",
            phone,
            request["TemplateId"],
            request.get("TemplateParamSet", []),
            request.get("SessionContext", ""),
            answer,
        )
        code, message = TENCENT_CODES.get(answer, ("Ok", "send success"))
        status = {
            "SerialNo": sent.message_id or "",
            "PhoneNumber": e164,
            "Fee": 1 if sent.message_id else 0,
            "SessionContext": sent.notification_id,
            "Code": code,
            "Message": message,
            "IsoCode": "CN",
        }
        answer_body = {"Response": {"SendStatusSet": [status], "RequestId": str(uuid.uuid4())}}
        return 200, answer_body, self.slow_seconds if answer == "slow" else 0

    def _tencent_auth_failure(self, headers, body: bytes) -> tuple[str, str] | None:
        match = _TC3_AUTHORIZATION.fullmatch(headers.get("Authorization", ""))
        if not match:
            return "AuthFailure.InvalidAuthorization", "请求头部的 Authorization 不符合腾讯云标准"
        if match["id"] != TENCENT_SECRET_ID:
            return "AuthFailure.SecretIdNotFound", "密钥不存在"
        timestamp = int(headers.get("X-TC-Timestamp") or 0)
        if abs(time.time() - timestamp) > 300:
            return "AuthFailure.SignatureExpire", "签名过期"
        names = match["headers"].split(";")
        signed = {name: headers.get(name, "") for name in names}
        expected = tencent.tc3_signature(TENCENT_SECRET_KEY, timestamp, "sms", tencent.canonical_request(signed, body))
        genuine = (
            {"content-type", "host"} <= set(names)
            and match["date"] == tencent.credential_date(timestamp)
            and match["service"] == "sms"
            and hmac.compare_digest(match["signature"], expected)
        )
        if not genuine:
            with self._lock:
                self.rejected_signatures += 1
            return "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
        return None


def _check(behaviour: str) -> None:
    if behaviour not in BEHAVIOURS:
        raise ValueError(f"unknown behaviour {behaviour!r}, expected one of {BEHAVIOURS}")


def _aliyun_error(code: str, message: str) -> dict:
    return {"Code": code, "Message": message, "RequestId": str(uuid.uuid4())}


def _tencent_error(code: str, message: str) -> dict:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # a dispatcher opens up to 32 connections at once, as it would to the real API


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs answer; every answer carries its Content-Length

    def do_POST(self):
        fake: FakeSmsProvider = self.server.fake
        fake.connected_from(self.client_address)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/aliyun/"):
            status, answer, delay = fake.handle_aliyun(body)
        elif self.path.startswith("/tencent/"):
            status, answer, delay = fake.handle_tencent(self.headers, body)
        else:
            status, answer, delay = 404, b"not found", 0
        if delay:
            time.sleep(delay)
        data = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
        content_type = "text/html" if isinstance(answer, bytes) else "application/json;charset=utf-8"
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the "slow" behaviour)

    def log_message(self, format, *args):
        pass
