"""A private RabbitMQ vhost for a benchmark run, and counting what reached a queue."""

import time
import uuid
from contextlib import contextmanager
from urllib.parse import quote

import requests
from kombu import Connection

MANAGEMENT_URL = "http://127.0.0.1:15672/api"
AUTH = ("guest", "guest")


@contextmanager
def private_vhost(amqp_base: str = "amqp://guest:guest@127.0.0.1:5672"):
    """Yields an AMQP URI for a fresh vhost, deleted afterwards."""
    name = f"hardship_bench_{uuid.uuid4().hex[:8]}"
    requests.put(f"{MANAGEMENT_URL}/vhosts/{quote(name)}", auth=AUTH, timeout=10).raise_for_status()
    requests.put(
        f"{MANAGEMENT_URL}/permissions/{quote(name)}/guest",
        auth=AUTH,
        timeout=10,
        json={"configure": ".*", "write": ".*", "read": ".*"},
    ).raise_for_status()
    try:
        yield f"{amqp_base}/{name}"
    finally:
        requests.delete(f"{MANAGEMENT_URL}/vhosts/{quote(name)}", auth=AUTH, timeout=30)


def bind_counting_queue(amqp_uri: str, exchange: str, name: str = "bench.count") -> str:
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
        channel.queue_declare(name, durable=True, auto_delete=False)
        channel.queue_bind(name, exchange, "#")
    return name


def queued(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri) as connection:
        return connection.channel().queue_declare(queue, passive=True).message_count


def wait_for_queued(amqp_uri: str, queue: str, expected: int, timeout: float = 600) -> float:
    """Seconds until `expected` messages sit in the queue."""
    started = time.perf_counter()
    while queued(amqp_uri, queue) < expected:
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{queue} did not reach {expected} messages")
        time.sleep(0.05)
    return time.perf_counter() - started
