"""The raw nameko event rate: events dispatched by nameko's own EventDispatcher from one service and
handled by an @event_handler doing nothing in another, on the same broker as the benchmark.

Nothing of the project is in the way: nameko's defaults (persistent messages, a publisher confirm for
each dispatch), `concurrency` workers dispatching at once, timed from the first dispatch to the last
event handled. Several concurrencies are tried and the best rate is the anchor, so the figure the
pipeline is compared with is the most nameko itself reaches here.
"""

import time

from nameko.events import EventDispatcher, event_handler
from nameko.rpc import rpc
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy

CONCURRENCIES = (10, 16, 32)
handled = {"count": 0}


class RawSource:
    name = "bench_raw_source"
    dispatch = EventDispatcher()

    @rpc
    def emit(self, count: int) -> None:
        for number in range(count):
            self.dispatch("ping", {"event_id": f"{number:032d}", "schema_version": 1})


class RawHandler:
    name = "bench_raw_handler"

    @event_handler("bench_raw_source", "ping")
    def on_ping(self, payload):
        handled["count"] += 1


def events_per_second(amqp_uri: str, events: int, concurrency: int) -> float:
    config = {"AMQP_URI": amqp_uri, "serializer": "json", "max_workers": max(concurrency, 10)}
    runner = ServiceRunner(config)
    runner.add_service(RawSource)
    runner.add_service(RawHandler)
    runner.start()
    try:
        per_worker = events // concurrency
        expected = per_worker * concurrency
        handled["count"] = 0
        with ClusterRpcProxy(config, timeout=600) as cluster:
            started = time.perf_counter()
            calls = [cluster.bench_raw_source.emit.call_async(per_worker) for _ in range(concurrency)]
            for call in calls:
                call.result()
            while handled["count"] < expected:
                if time.perf_counter() - started > 600:
                    raise TimeoutError("the raw nameko events did not all arrive")
                time.sleep(0.01)
            return expected / (time.perf_counter() - started)
    finally:
        runner.kill()


def best_rate(amqp_uri: str, events: int) -> tuple[float, dict[int, float]]:
    """(the best events per second, {concurrency: events per second})."""
    rates = {concurrency: events_per_second(amqp_uri, events, concurrency) for concurrency in CONCURRENCIES}
    return max(rates.values()), rates
