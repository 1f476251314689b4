"""The default provider: each SMS goes to the log and one line of var/sms.log, never to a phone.

Its receipts, for local testing, are a JSON list of {"provider_message_id", "delivered", "code"};
only ids this provider handed out ("console-...") are accepted, so they cannot touch real messages.
"""

import logging
from datetime import datetime

from services.notify.answers import ConsoleAckSchema
from services.notify.providers.base import Outcome, Receipt, SendResult, SmsRequest
from services.notify.providers.common import receipt_items
from shared.clock import SHANGHAI
from shared.config import var_dir
from shared.masking import mask_phone

log = logging.getLogger(__name__)
ID_PREFIX = "console-"
ACK = ConsoleAckSchema()


class ConsoleProvider:
    name = "console"

    def __init__(self, config=None):
        self.log_path = var_dir(config) / "sms.log"

    def send(self, request: SmsRequest) -> SendResult:
        phone = mask_phone(request.phone)
        text = " ".join(request.text.splitlines())
        log.info("短信（控制台，未真正发送）%s 至 %s：%s", request.notification_id, phone, text)
        sent_at = datetime.now(SHANGHAI).isoformat(timespec="seconds")
        with open(self.log_path, "a", encoding="utf-8") as sms_log:
            sms_log.write(f"{sent_at}\t{request.notification_id}\t{phone}\t{text}\n")
        return SendResult(Outcome.SENT, provider_message_id=f"{ID_PREFIX}{request.notification_id}", code="OK")

    def verify_receipt(self, body: bytes, headers: dict, query: dict) -> bool:
        try:
            items = receipt_items(body)
        except ValueError:
            return False
        return bool(items) and all(str(item.get("provider_message_id", "")).startswith(ID_PREFIX) for item in items)

    def parse_receipts(self, body: bytes, headers: dict, query: dict) -> list[Receipt]:
        return [_receipt(item) for item in receipt_items(body)]

    def receipt_ack(self) -> tuple[int, dict]:
        return 200, ACK.dump({"result": "ok"})


def _receipt(item: dict) -> Receipt:
    message_id = str(item.get("provider_message_id") or "")
    if not message_id.startswith(ID_PREFIX):
        raise ValueError(
            "控制台回执的 provider_message_id 应以 console- 开头 / console receipt id must start with console-"
        )
    delivered = item.get("delivered") is True
    code = str(item.get("code") or ("DELIVERED" if delivered else "FAILED"))
    return Receipt(
        provider_message_id=message_id,
        notification_id=message_id.removeprefix(ID_PREFIX),
        delivered=delivered,
        code=code,
        raw_key=f"console:{message_id}:{code}",
    )
