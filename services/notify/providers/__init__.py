"""The SMS provider clients. Each has .name, .send(SmsRequest) -> SendResult (never raises for a
provider or network problem), .verify_receipt(body, headers, query), .parse_receipts(body, headers, query)
and .receipt_ack() -> (HTTP status, JSON body the provider expects back)."""

from services.notify.providers.aliyun import AliyunProvider
from services.notify.providers.console import ConsoleProvider
from services.notify.providers.tencent import TencentProvider

PROVIDERS = {"console": ConsoleProvider, "aliyun": AliyunProvider, "tencent": TencentProvider}


def make_provider(name: str, config=None):
    try:
        provider_class = PROVIDERS[name]
    except KeyError:
        raise ValueError(
            f"未知的短信服务商 {name!r}，可选 console、aliyun、tencent / "
            f"unknown SMS provider {name!r}, expected console, aliyun or tencent"
        ) from None
    return provider_class(config)
