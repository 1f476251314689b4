"""Configuration from the environment, with CONTRACT.md's names.

Every setting has one name, used both as the environment variable and as the key in the nameko
config dict that services receive, so tests can override any of them per container.
"""

import os
from pathlib import Path
from typing import Any

SERVICES = ("registry", "aid", "notify", "gateway")  # their classes: hardship_cli/services.py (the kernel imports none)

DEFAULTS = {
    "AMQP_URI": "amqp://guest:guest@localhost:5672/",
    # classic | quorum: the type of every durable queue (events, their retries and parking, RPC requests)
    "QUEUE_TYPE": "classic",
    "GATEWAY_PORT": "8000",
    "SMS_PROVIDER": "console",
    "SMS_SIGN_NAME": "工会帮扶",
    "HARDSHIP_ADMIN_TOKEN": "",
    "TOKEN_TTL_DAYS": "365",  # gateway: an account's token expires this many days after it was issued
    "DATA_KEY": "",
    "HARDSHIP_VAR_DIR": "var",
    "HEARTBEAT": "30",
    "MAX_BODY_BYTES": str(1024 * 1024),
    "IMPORT_MAX_BYTES": str(64 * 1024 * 1024),
    "EVENT_RETRY_DELAYS": "1,5,30,120,600",
    "OUTBOX_POLL_SECONDS": "0.5",
    # seconds a call to another service waits for its answer (then 503 service_unavailable)
    "RPC_TIMEOUT": "120",
    # each service's database connections: kept, opened beyond them at a peak, seconds to wait for one (then 503)
    "DB_POOL_SIZE": "10",
    "DB_POOL_OVERFLOW": "20",
    "DB_POOL_TIMEOUT": "10",
    "HARDSHIP_TODAY": "",
    # registry: the root of the union tree a fresh install starts with (level: national, province, city, district, base)
    "ORG_ROOT_NAME": "本级工会",
    "ORG_ROOT_LEVEL": "city",
    "PUBLICITY_CHECK_SECONDS": "60",
    "RELATIVE_ONE_AID_PER_YEAR": "1",
    "LOG_LEVEL": "INFO",
    # gateway: who may read /metrics, and how often a client may call public endpoints or fail to sign in
    "METRICS_TOKEN": "",
    "PUBLIC_RATE_LIMIT_PER_MINUTE": "60",
    "AUTH_FAILURE_LIMIT_PER_MINUTE": "20",
    "HEALTH_RATE_LIMIT_PER_MINUTE": "120",
    "TRUSTED_PROXY_HOPS": "0",
    # how many requests or events each service handles at once (and takes from RabbitMQ ahead)
    "REGISTRY_MAX_WORKERS": "10",
    "AID_MAX_WORKERS": "10",
    "NOTIFY_MAX_WORKERS": "64",
    "GATEWAY_MAX_WORKERS": "32",
    # gateway: the web console's sign-in sessions
    "CONSOLE_SESSION_MINUTES": "480",
    "CONSOLE_COOKIE_SECURE": "0",
    # notify: when and how fast SMS go out
    "SMS_SECONDARY_PROVIDER": "",
    "SMS_QUIET_HOURS": "22:00-08:00",
    "SMS_PROVIDER_QPS": "100",
    "SMS_PER_NUMBER_PER_HOUR": "5",
    "SMS_PER_NUMBER_PER_DAY": "20",
    "SMS_RETRY_DELAYS": "10,60,300,1800",
    "SMS_CIRCUIT_FAILURES": "5",
    "SMS_CIRCUIT_RESET_SECONDS": "60",
    "SMS_DISPATCH_SECONDS": "0.5",
    "SMS_RECEIPT_WAIT_SECONDS": "1800",
    # notify: SMS providers
    "SMS_HTTP_TIMEOUT": "5",
    "ALIYUN_ACCESS_KEY_ID": "",
    "ALIYUN_ACCESS_KEY_SECRET": "",
    "ALIYUN_SMS_ENDPOINT": "https://dysmsapi.aliyuncs.com/",
    "ALIYUN_SMS_TEMPLATES": "",
    "TENCENT_SECRET_ID": "",
    "TENCENT_SECRET_KEY": "",
    "TENCENT_SMS_APP_ID": "",
    "TENCENT_SMS_REGION": "ap-guangzhou",
    "TENCENT_SMS_ENDPOINT": "https://sms.tencentcloudapi.com/",
    "TENCENT_SMS_TEMPLATES": "",
    "ALIYUN_SMS_RECEIPT_TOKEN": "",
    "TENCENT_SMS_RECEIPT_TOKEN": "",
}
DB_URL_KEYS = tuple(f"{name.upper()}_DB_URL" for name in SERVICES)
KNOWN_KEYS = frozenset(DEFAULTS) | frozenset(DB_URL_KEYS)


def var_dir(config=None) -> Path:
    path = Path(setting("HARDSHIP_VAR_DIR", config))
    path.mkdir(parents=True, exist_ok=True)
    return path


def setting(key: str, config=None) -> str:
    """A setting from the nameko config dict if given there, else the environment, else the default."""
    if config and config.get(key) not in (None, ""):
        return str(config[key])
    value = os.environ.get(key)
    if value not in (None, ""):
        return value
    if key.endswith("_DB_URL"):
        service = key[: -len("_DB_URL")].lower()
        return f"sqlite:///{(var_dir(config) / f'{service}.db').resolve()}"
    return DEFAULTS[key]


def retry_delays(config=None) -> list[float]:
    return [float(part) for part in setting("EVENT_RETRY_DELAYS", config).split(",") if part.strip()]


def nameko_config(service: str | None = None, **overrides) -> dict:
    """The config dict a nameko ServiceRunner gets: every known setting, resolved once, and, for one
    service, its number of concurrent workers."""
    config: dict[str, Any] = {key: setting(key, overrides) for key in KNOWN_KEYS}
    if service:
        config["max_workers"] = int(config[f"{service.upper()}_MAX_WORKERS"])
    config["HEARTBEAT"] = int(config["HEARTBEAT"])
    config["WEB_SERVER_ADDRESS"] = f"0.0.0.0:{config['GATEWAY_PORT']}"
    config["serializer"] = "json"
    config.update({key: value for key, value in overrides.items() if key not in KNOWN_KEYS})
    return config
