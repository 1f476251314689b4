import json
import logging
import socket
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import eventlet
import pytest
import requests

from services.notify.providers import aliyun, make_provider, tencent
from services.notify.providers.aliyun import AliyunProvider
from services.notify.providers.base import Outcome, SmsRequest
from services.notify.providers.common import SEND_CONCURRENCY
from services.notify.providers.console import ConsoleProvider
from services.notify.providers.tencent import TencentProvider
from shared.clock import SHANGHAI
from tests.fakes.sms_provider import (
    ALIYUN_KEY_ID,
    ALIYUN_KEY_SECRET,
    RECEIPT_TOKEN,
    TENCENT_APP_ID,
    TENCENT_SECRET_ID,
    TENCENT_SECRET_KEY,
    FakeSmsProvider,
)

PHONE = "13800138000"
PROVIDERS = ("aliyun", "tencent")


def sms(phone=PHONE, notification_id="n0001", template="submitted"):
    return SmsRequest(
        notification_id=notification_id,
        phone=phone,
        template=template,
        params={"campaign": "冬季送温暖", "number": "A-0007"},
        text="【工会帮扶】您的冬季送温暖申请已受理（编号A-0007）。",
    )


@pytest.fixture
def fake():
    with FakeSmsProvider() as server:
        yield server


@pytest.fixture
def settings(fake, tmp_path):
    return fake.config(HARDSHIP_VAR_DIR=str(tmp_path))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedServer:
    """Answers every POST with one fixed reply, or hangs up without one, and keeps what it got."""

    def __init__(self, status=200, body=b"", hang_up=False):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                received.append((self.path, self.rfile.read(length)))
                if hang_up:
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()


# --- signing: the examples published by the providers -------------------------------------------


def test_aliyun_signature_reproduces_the_documented_rpc_example():
    # help.aliyun.com signature mechanism (RPC, V1): DescribeRegions with AccessKey testid/testsecret.
    params = {
        "TimeStamp": "2016-02-23T12:46:24Z",
        "Format": "XML",
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "Version": "2014-05-26",
        "SignatureVersion": "1.0",
    }
    assert aliyun.rpc_signature(params, "testsecret", "GET") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_aliyun_signature_reproduces_the_documented_sendsms_example():
    # help.aliyun.com/document_detail/56189 (短信服务 HTTP 协议及签名), testId/testSecret, GET.
    params = {
        "AccessKeyId": "testId",
        "Timestamp": "2017-07-12T02:42:19Z",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "Action": "SendSms",
        "Version": "2017-05-25",
        "RegionId": "cn-hangzhou",
        "PhoneNumbers": "15300000001",
        "SignName": "阿里云短信测试专用",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Format": "XML",
        "OutId": "123",
    }
    assert aliyun.rpc_signature(params, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_aliyun_percent_encoding_follows_rfc3986_not_form_encoding():
    assert aliyun.percent_encode("a b*c~d/e+f") == "a%20b%2Ac~d%2Fe%2Bf"
    assert aliyun.percent_encode("工") == "%E5%B7%A5"


def test_tencent_signature_reproduces_the_documented_tc3_example():
    # Tencent Cloud "Signature v3" example: CVM DescribeInstances, SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE.
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    headers = {"Content-Type": "application/json; charset=utf-8", "Host": "cvm.tencentcloudapi.com"}
    canonical = tencent.canonical_request(headers, payload)
    assert canonical.endswith("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
    secret_key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
    signature = tencent.tc3_signature(secret_key, 1551113065, "cvm", canonical)
    assert signature == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    header = tencent.authorization("AKIDEXAMPLE", secret_key, 1551113065, "cvm", headers, payload)
    assert header == (
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_tencent_credential_date_is_the_utc_date():
    # 1551113065 is 2019-02-26 00:44:25 in Beijing but still 2019-02-25 in UTC.
    assert tencent.credential_date(1551113065) == "2019-02-25"


# --- signing: the fake accepts ours and rejects tampered requests -----------------------------------


def test_fake_aliyun_rejects_a_request_changed_after_signing(fake):
    params = {
        "AccessKeyId": ALIYUN_KEY_ID,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": PHONE,
        "SignName": "工会帮扶",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "nonce-1",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_0001",
        "TemplateParam": "{}",
        "Timestamp": "2026-01-05T02:00:00Z",
        "Version": "2017-05-25",
    }
    params["Signature"] = aliyun.rpc_signature(params, ALIYUN_KEY_SECRET)
    tampered = {**params, "PhoneNumbers": "13800138999"}
    url = f"{fake.url}/aliyun/"

    rejected = requests.post(url, data=aliyun.canonical_query(tampered), timeout=5)
    accepted = requests.post(url, data=aliyun.canonical_query(params), timeout=5)

    assert rejected.status_code == 400 and rejected.json()["Code"] == "SignatureDoesNotMatch"
    assert accepted.json()["Code"] == "OK"
    assert fake.rejected_signatures == 1
    assert [request.phone for request in fake.sent] == [PHONE]


def test_fake_tencent_rejects_a_body_changed_after_signing(fake):
    timestamp = int(time.time())
    host = fake.url.removeprefix("http://")
    signed = {"Content-Type": tencent.JSON_CONTENT_TYPE, "Host": host}
    body = json.dumps(
        {
            "PhoneNumberSet": [f"+86{PHONE}"],
            "SmsSdkAppId": TENCENT_APP_ID,
            "TemplateId": "1000001",
            "SignName": "工会帮扶",
            "TemplateParamSet": [],
            "SessionContext": "n0001",
        }
    ).encode()
    headers = {
        **signed,
        "X-TC-Action": "SendSms",
        "X-TC-Version": "2021-01-11",
        "X-TC-Timestamp": str(timestamp),
        "Authorization": tencent.authorization(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, timestamp, "sms", signed, body),
    }
    url = f"{fake.url}/tencent/"

    rejected = requests.post(url, data=body.replace(PHONE.encode(), b"13800138999"), headers=headers, timeout=5)
    accepted = requests.post(url, data=body, headers=headers, timeout=5)

    assert rejected.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"
    assert accepted.json()["Response"]["SendStatusSet"][0]["Code"] == "Ok"
    assert fake.rejected_signatures == 1
    assert [request.phone for request in fake.sent] == [PHONE]


@pytest.mark.parametrize(
    "provider, wrong_secret, code",
    [
        ("aliyun", {"ALIYUN_ACCESS_KEY_SECRET": "not-the-secret"}, "SignatureDoesNotMatch"),
        ("aliyun", {"ALIYUN_ACCESS_KEY_ID": "not-the-key"}, "InvalidAccessKeyId.NotFound"),
        ("tencent", {"TENCENT_SECRET_KEY": "not-the-secret"}, "AuthFailure.SignatureFailure"),
        ("tencent", {"TENCENT_SECRET_ID": "AKIDnotTheId"}, "AuthFailure.SecretIdNotFound"),
    ],
)
def test_wrong_credentials_are_permanent_and_nothing_is_sent(fake, tmp_path, provider, wrong_secret, code):
    result = make_provider(provider, fake.config(HARDSHIP_VAR_DIR=str(tmp_path), **wrong_secret)).send(sms())

    assert (result.outcome, result.code) == (Outcome.PERMANENT, code)
    assert fake.sent == []


def test_a_provider_echoing_the_request_never_puts_the_full_phone_in_the_result(fake, tmp_path):
    # Alibaba's SignatureDoesNotMatch message quotes the string to sign, phone number included.
    config = fake.config(HARDSHIP_VAR_DIR=str(tmp_path), ALIYUN_ACCESS_KEY_SECRET="x")

    result = make_provider("aliyun", config).send(sms())

    assert "string to sign" in result.message
    assert PHONE not in result.message and "138****8000" in result.message


# --- what each answer means ----------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    "behaviour, outcome",
    [
        ("ok", Outcome.SENT),
        ("throttled", Outcome.THROTTLED),
        ("transient", Outcome.TRANSIENT),
        ("server_error", Outcome.TRANSIENT),
        ("permanent", Outcome.PERMANENT),
        ("blacklisted", Outcome.BLACKLISTED),
    ],
)
def test_each_scripted_answer_maps_to_its_outcome(fake, settings, provider, behaviour, outcome):
    fake.script(PHONE, behaviour)

    result = make_provider(provider, settings).send(sms())

    assert result.outcome is outcome
    if outcome is Outcome.SENT:
        assert result.provider_message_id == fake.sent[0].message_id
    else:
        assert result.provider_message_id is None
        assert fake.sent == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_request_carries_number_template_params_and_our_id(fake, settings, provider):
    make_provider(provider, settings).send(sms(notification_id="n4242"))

    [sent] = fake.sent
    assert (sent.provider, sent.phone, sent.template, sent.notification_id) == (provider, PHONE, "submitted", "n4242")
    if provider == "aliyun":
        assert sent.params == {"campaign": "冬季送温暖", "number": "A-0007"}
    else:
        assert sent.params == ["冬季送温暖", "A-0007"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_concurrent_sends_reuse_one_kept_connection_each(fake, settings, provider):
    client = make_provider(provider, settings)
    pool = eventlet.GreenPool(SEND_CONCURRENCY)

    for round_number in range(3):
        outcomes = list(
            pool.imap(
                lambda i, round_number=round_number: client.send(sms(notification_id=f"n{round_number}-{i}")).outcome,
                range(SEND_CONCURRENCY),
            )
        )
        assert outcomes == [Outcome.SENT] * SEND_CONCURRENCY

    assert len(fake.sent) == 3 * SEND_CONCURRENCY
    assert len(fake.connections) <= SEND_CONCURRENCY


@pytest.mark.parametrize(
    "provider, templates, code",
    [
        ("aliyun", {"ALIYUN_SMS_TEMPLATES": "submitted=SMS_9999"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        ("tencent", {"TENCENT_SMS_TEMPLATES": "submitted=999"}, "FailedOperation.TemplateIncorrectOrUnapproved"),
    ],
)
def test_a_template_the_provider_does_not_know_is_permanent(fake, tmp_path, provider, templates, code):
    result = make_provider(provider, fake.config(HARDSHIP_VAR_DIR=str(tmp_path), **templates)).send(sms())

    assert (result.outcome, result.code) == (Outcome.PERMANENT, code)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_missing_local_configuration_is_permanent_without_calling_the_provider(fake, tmp_path, monkeypatch, provider):
    for key in ("ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET", "TENCENT_SECRET_ID", "TENCENT_SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)

    unmapped = make_provider(provider, fake.config(HARDSHIP_VAR_DIR=str(tmp_path))).send(sms(template="unknown"))
    keyless = make_provider(provider, {"HARDSHIP_VAR_DIR": str(tmp_path)}).send(sms())

    assert (unmapped.outcome, unmapped.code) == (Outcome.PERMANENT, "TEMPLATE_NOT_CONFIGURED")
    assert (keyless.outcome, keyless.code) == (Outcome.PERMANENT, "NOT_CONFIGURED")
    assert fake.requests == []


@pytest.mark.parametrize(
    "code, outcome",
    [
        ("OK", Outcome.SENT),
        ("isv.BUSINESS_LIMIT_CONTROL", Outcome.THROTTLED),
        ("isv.DAY_LIMIT_CONTROL", Outcome.THROTTLED),
        ("isv.MONTH_LIMIT_CONTROL", Outcome.THROTTLED),
        ("Throttling.User", Outcome.THROTTLED),
        ("isv.CUSTOMER_REFUSED", Outcome.BLACKLISTED),
        ("isv.BLACK_KEY_CONTROL_LIMIT", Outcome.PERMANENT),
        ("isv.SMS_TEMPLATE_ILLEGAL", Outcome.PERMANENT),
        ("isv.SMS_SIGNATURE_ILLEGAL", Outcome.PERMANENT),
        ("isv.INVALID_JSON_PARAM", Outcome.PERMANENT),
        ("isv.MOBILE_NUMBER_ILLEGAL", Outcome.PERMANENT),
        ("isv.AMOUNT_NOT_ENOUGH", Outcome.PERMANENT),
        ("InvalidAccessKeyId.NotFound", Outcome.PERMANENT),
        ("SignatureDoesNotMatch", Outcome.PERMANENT),
        ("isp.RAM_PERMISSION_DENY", Outcome.PERMANENT),
        ("isp.SYSTEM_ERROR", Outcome.TRANSIENT),
        ("ServiceUnavailable", Outcome.TRANSIENT),
        ("isv.SOMETHING_NEW", Outcome.PERMANENT),
    ],
)
def test_aliyun_codes(code, outcome):
    assert aliyun.classify(code) is outcome


@pytest.mark.parametrize(
    "code, outcome",
    [
        ("Ok", Outcome.SENT),
        ("LimitExceeded.PhoneNumberThirtySecondLimit", Outcome.THROTTLED),
        ("LimitExceeded.DeliveryFrequencyLimit", Outcome.THROTTLED),
        ("RequestLimitExceeded", Outcome.THROTTLED),
        ("FailedOperation.PhoneNumberInBlacklist", Outcome.BLACKLISTED),
        ("InvalidParameterValue.IncorrectPhoneNumber", Outcome.PERMANENT),
        ("FailedOperation.TemplateIncorrectOrUnapproved", Outcome.PERMANENT),
        ("FailedOperation.SignatureIncorrectOrUnapproved", Outcome.PERMANENT),
        ("FailedOperation.InsufficientBalanceInSmsPackage", Outcome.PERMANENT),
        ("AuthFailure.SignatureFailure", Outcome.PERMANENT),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", Outcome.PERMANENT),
        ("InternalError.Timeout", Outcome.TRANSIENT),
        ("InternalError.OtherError", Outcome.TRANSIENT),
    ],
)
def test_tencent_codes(code, outcome):
    assert tencent.classify(code) is outcome


# --- the network --------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_read_timeout_is_unknown_because_the_provider_may_have_sent_it(fake, settings, provider):
    fake.script(PHONE, "slow")

    result = make_provider(provider, settings).send(sms())

    assert (result.outcome, result.code) == (Outcome.UNKNOWN, "READ_TIMEOUT")
    assert [request.phone for request in fake.sent] == [PHONE]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_refused_connection_is_transient_because_nothing_left(tmp_path, provider):
    endpoint = f"http://127.0.0.1:{free_port()}/"
    config = FakeSmsProvider().config(
        HARDSHIP_VAR_DIR=str(tmp_path), ALIYUN_SMS_ENDPOINT=endpoint, TENCENT_SMS_ENDPOINT=endpoint
    )

    result = make_provider(provider, config).send(sms())

    assert (result.outcome, result.code) == (Outcome.TRANSIENT, "CONNECT_FAILED")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_connection_dropped_after_the_request_is_unknown(tmp_path, provider):
    with ScriptedServer(hang_up=True) as server:
        config = FakeSmsProvider().config(
            HARDSHIP_VAR_DIR=str(tmp_path), ALIYUN_SMS_ENDPOINT=server.url + "/", TENCENT_SMS_ENDPOINT=server.url + "/"
        )
        result = make_provider(provider, config).send(sms())

    assert len(server.received) == 1
    assert (result.outcome, result.code) == (Outcome.UNKNOWN, "CONNECTION_LOST")


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    "status, body, outcome",
    [
        (200, b"<html>not json</html>", Outcome.UNKNOWN),
        (429, b"", Outcome.THROTTLED),
        (503, b"", Outcome.TRANSIENT),
        (403, b"<html>forbidden</html>", Outcome.PERMANENT),
    ],
)
def test_answers_that_are_not_the_provider_format(tmp_path, provider, status, body, outcome):
    with ScriptedServer(status=status, body=body) as server:
        config = FakeSmsProvider().config(
            HARDSHIP_VAR_DIR=str(tmp_path), ALIYUN_SMS_ENDPOINT=server.url + "/", TENCENT_SMS_ENDPOINT=server.url + "/"
        )
        result = make_provider(provider, config).send(sms())

    assert result.outcome is outcome


def test_fail_next_fails_only_that_many_requests_of_that_provider(fake, settings):
    fake.fail_next(2, provider="aliyun")
    primary, secondary = make_provider("aliyun", settings), make_provider("tencent", settings)

    outcomes = [primary.send(sms(notification_id=f"n{i}")).outcome for i in range(3)]

    assert outcomes == [Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.SENT]
    assert secondary.send(sms()).outcome is Outcome.SENT


# --- receipts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_delivered_receipt_is_matched_to_the_sent_message(fake, settings, provider):
    client = make_provider(provider, settings)
    client.send(sms(notification_id="n0777"))
    reported_at = datetime(2026, 1, 5, 9, 30, 0, tzinfo=SHANGHAI)
    body, query = fake.receipt(fake.sent[0], reported_at=reported_at)

    [receipt] = client.parse_receipts(body, {}, query)

    assert receipt.provider_message_id == fake.sent[0].message_id
    assert receipt.notification_id == "n0777"
    assert receipt.delivered is True
    assert receipt.code == {"aliyun": "DELIVERED", "tencent": "DELIVRD"}[provider]
    assert receipt.reported_at == reported_at
    assert PHONE not in repr(receipt)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_failed_receipt_keeps_the_failure_code(fake, settings, provider):
    client = make_provider(provider, settings)
    client.send(sms())
    body, query = fake.receipt(fake.sent[0], delivered=False, code="MK:0001")

    [receipt] = client.parse_receipts(body, {}, query)

    assert (receipt.delivered, receipt.code) == (False, "MK:0001")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_receipt_twice_has_the_same_key_and_another_report_does_not(fake, settings, provider):
    client = make_provider(provider, settings)
    client.send(sms())
    first_report = datetime(2026, 1, 5, 9, 30, 0, tzinfo=SHANGHAI)
    body, query = fake.receipt(fake.sent[0], reported_at=first_report)
    later, _ = fake.receipt(fake.sent[0], delivered=False, reported_at=first_report.replace(minute=31))

    first, again = client.parse_receipts(body, {}, query), client.parse_receipts(body, {}, query)
    [other] = client.parse_receipts(later, {}, query)

    assert first[0].raw_key == again[0].raw_key
    assert first[0].raw_key.startswith(f"{provider}:")
    assert other.raw_key != first[0].raw_key


def test_parsing_the_documented_report_examples():
    # The request examples of Alibaba's SmsReport and Tencent's 短信下发状态通知 pages.
    aliyun_body = json.dumps(
        [
            {
                "phone_number": "1381111****",
                "send_time": "2017-01-01 00:00:00",
                "report_time": "2017-01-01 00:00:00",
                "success": True,
                "err_code": "DELIVERED",
                "err_msg": "用户接收成功",
                "sms_size": "1",
                "biz_id": "12345",
                "out_id": "67890",
            }
        ]
    ).encode()
    tencent_body = json.dumps(
        [
            {
                "user_receive_time": "2015-10-17 08:03:04",
                "nationcode": "86",
                "mobile": "13xxxxxxxxx",
                "report_status": "SUCCESS",
                "errmsg": "DELIVRD",
                "description": "用户短信送达成功",
                "sid": "xxxxxxx",
            }
        ]
    ).encode()

    [from_aliyun] = AliyunProvider({}).parse_receipts(aliyun_body, {}, {})
    [from_tencent] = TencentProvider({}).parse_receipts(tencent_body, {}, {})

    assert (from_aliyun.provider_message_id, from_aliyun.notification_id) == ("12345", "67890")
    assert from_aliyun.delivered is True
    assert (from_tencent.provider_message_id, from_tencent.notification_id) == ("xxxxxxx", None)
    assert from_tencent.delivered is True
    assert from_tencent.reported_at == datetime(2015, 10, 17, 8, 3, 4, tzinfo=SHANGHAI)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("body", [b"not json", b'{"biz_id": "1"}', b"[1, 2]", b'[{"success": true}]'])
def test_a_malformed_receipt_body_is_refused(provider, body):
    with pytest.raises(ValueError):
        make_provider(provider, {}).parse_receipts(body, {}, {})


@pytest.mark.parametrize("provider", PROVIDERS)
def test_receipt_verification_wants_the_configured_token(settings, provider):
    client = make_provider(provider, settings)
    body = b"[]"

    assert client.verify_receipt(body, {}, {"token": RECEIPT_TOKEN}) is True
    assert client.verify_receipt(body, {}, {"token": [RECEIPT_TOKEN]}) is True
    assert client.verify_receipt(body, {}, {"token": RECEIPT_TOKEN + "x"}) is False
    assert client.verify_receipt(body, {}, {"token": ""}) is False
    assert client.verify_receipt(body, {}, {}) is False


@pytest.mark.parametrize("provider", PROVIDERS)
def test_receipt_verification_refuses_everything_when_no_token_is_configured(monkeypatch, provider):
    monkeypatch.delenv(f"{provider.upper()}_SMS_RECEIPT_TOKEN", raising=False)
    client = make_provider(provider, {})

    assert client.verify_receipt(b"[]", {}, {"token": ""}) is False
    assert client.verify_receipt(b"[]", {}, {"token": RECEIPT_TOKEN}) is False


def test_receipt_acks_are_what_each_provider_expects():
    assert make_provider("aliyun", {}).receipt_ack() == (200, {"code": 0, "msg": "成功"})
    assert make_provider("tencent", {}).receipt_ack() == (200, {"result": 0, "errmsg": "OK"})


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_fake_posts_an_authenticated_receipt_to_the_gateway_path(fake, settings, provider):
    client = make_provider(provider, settings)
    client.send(sms(notification_id="n0555"))

    with ScriptedServer(status=200, body=b"{}") as gateway:
        response = fake.post_receipt(gateway.url, fake.sent[0])

    [(path, body)] = gateway.received
    assert response.status_code == 200
    assert path == f"/api/v1/sms/receipts/{provider}?token={RECEIPT_TOKEN}"
    assert client.verify_receipt(body, {}, {"token": RECEIPT_TOKEN})
    assert client.parse_receipts(body, {}, {})[0].notification_id == "n0555"


# --- console --------------------------------------------------------------------------------------


def test_console_writes_one_masked_line_per_sms_and_logs_it_masked(tmp_path, caplog):
    provider = make_provider("console", {"HARDSHIP_VAR_DIR": str(tmp_path)})

    with caplog.at_level(logging.INFO, logger="services.notify.providers.console"):
        first = provider.send(sms(notification_id="n0001"))
        provider.send(sms(phone="13900139000", notification_id="n0002"))

    lines = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert (first.outcome, first.provider_message_id, first.code) == (Outcome.SENT, "console-n0001", "OK")
    assert len(lines) == 2
    sent_at, notification_id, phone, text = lines[0].split("\t")
    assert datetime.fromisoformat(sent_at).tzinfo is not None
    assert (notification_id, phone, text) == ("n0001", "138****8000", sms().text)
    assert "139****9000" in lines[1]
    assert PHONE not in caplog.text and "138****8000" in caplog.text


def test_console_receipts_accept_only_console_ids(tmp_path):
    provider = make_provider("console", {"HARDSHIP_VAR_DIR": str(tmp_path)})
    own = json.dumps([{"provider_message_id": "console-n0001", "delivered": True, "code": "DELIVERED"}]).encode()
    foreign = json.dumps([{"provider_message_id": "000000000001^0", "delivered": True}]).encode()

    [receipt] = provider.parse_receipts(own, {}, {})

    assert (receipt.notification_id, receipt.delivered) == ("n0001", True)
    assert receipt.raw_key == "console:console-n0001:DELIVERED"
    assert provider.verify_receipt(own, {}, {}) is True
    assert provider.verify_receipt(foreign, {}, {}) is False
    assert provider.verify_receipt(b"not json", {}, {}) is False
    with pytest.raises(ValueError):
        provider.parse_receipts(foreign, {}, {})


# --- choosing a provider --------------------------------------------------------------------------


def test_make_provider_builds_each_provider_by_name(tmp_path):
    config = {"HARDSHIP_VAR_DIR": str(tmp_path)}

    built = {name: make_provider(name, config) for name in ("console", "aliyun", "tencent")}

    assert [type(provider) for provider in built.values()] == [ConsoleProvider, AliyunProvider, TencentProvider]
    assert [provider.name for provider in built.values()] == ["console", "aliyun", "tencent"]


def test_make_provider_refuses_an_unknown_name_in_both_languages():
    with pytest.raises(ValueError, match="未知的短信服务商.*unknown SMS provider"):
        make_provider("huawei", {})
