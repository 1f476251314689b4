"""How long to wait before retrying an SMS that failed transiently."""

import random

from shared.config import setting


def retry_delay(attempt: int, delays: list[float], rng=random.random) -> float | None:
    """Seconds before retry number `attempt` (1 = the first retry), or None once `delays` are used up.

    Equal jitter: a random value in [delay/2, delay], so retries of many messages that failed
    together spread out, yet none comes back much sooner than configured.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if attempt > len(delays):
        return None
    delay = delays[attempt - 1]
    return delay / 2 + rng() * delay / 2


def parse_delays(text: str) -> list[float]:
    """'10,60,300,1800' -> [10.0, 60.0, 300.0, 1800.0]; '' -> no retries."""
    delays = [float(part) for part in text.split(",") if part.strip()]
    if any(delay < 0 for delay in delays):
        raise ValueError(f"retry delays cannot be negative: {text!r}")
    return delays


def delays_from_config(config=None) -> list[float]:
    return parse_delays(setting("SMS_RETRY_DELAYS", config))
