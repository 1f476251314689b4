"""The faults, one after another while the flow runs, each followed by the wait for the system to answer again.

No fault waits on a clock: each comes once the flow has got through a round of its work since the last one (the
system is in use again), and an outage lasts until the system has noticed it (/health no longer answers 200), and at
least `min_outage` seconds when a longer one is wanted (`make faults`: the database down 10 s, the broker 3 s).
"""

import time
from dataclasses import dataclass, field

from faults import poison
from faults.flow import Client
from faults.services import SERVICES

DATABASE_DOWN_SECONDS = 10.0
BROKER_DOWN_SECONDS = 3.0
NOTICED_WITHIN_SECONDS = 120.0
FLOW_ROUND_WITHIN_SECONDS = 600.0


@dataclass
class Injected:
    fault: str
    recovered_seconds: float


@dataclass
class Schedule:
    system: object  # ServiceProcesses
    rabbit: object  # PrivateRabbit
    postgres: object  # PrivatePostgres
    flow: object  # Flow: its rounds_done tells that the system is in use again
    min_outage: dict = field(default_factory=lambda: {"database": DATABASE_DOWN_SECONDS, "broker": BROKER_DOWN_SECONDS})
    done: list = field(default_factory=list)
    poison_ids: list = field(default_factory=list)

    def kill_and_restart(self, name: str) -> None:
        self.system.kill(name)
        self.system.start(name)

    def until_noticed(self, what: str) -> None:
        """Until /health no longer answers 200 (the gateway found the outage), and at least the minimum outage."""
        started = time.monotonic()
        while self.system.healthy() or time.monotonic() - started < self.min_outage[what]:
            if time.monotonic() - started > NOTICED_WITHIN_SECONDS:
                raise RuntimeError(f"the system did not notice the {what} outage within {NOTICED_WITHIN_SECONDS:.0f} s")
            time.sleep(0.2)

    def restart_broker(self) -> None:
        self.rabbit.stop()
        self.until_noticed("broker")
        self.rabbit.start()

    def stop_database(self) -> None:
        self.postgres.stop("immediate")
        self.until_noticed("database")
        self.postgres.start()

    def flow_moved_on(self, since: int) -> None:
        """Until the flow has finished a round of its work begun after `since` rounds."""
        deadline = time.monotonic() + FLOW_ROUND_WITHIN_SECONDS
        while self.flow.rounds_done < since + 2:  # the round under way at `since` may have begun before
            if Client.stopping.is_set():
                raise RuntimeError("the flow stopped")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the flow finished no round within {FLOW_ROUND_WITHIN_SECONDS:.0f} s")
            time.sleep(0.1)

    def inject_poison(self) -> None:
        self.poison_ids += poison.inject(self.rabbit.amqp_uri)

    def faults(self):
        yield "poison messages", self.inject_poison
        for name in SERVICES:
            yield f"kill -9 {name}", lambda name=name: self.kill_and_restart(name)
        yield "restart RabbitMQ", self.restart_broker
        yield "stop PostgreSQL", self.stop_database

    def run(self, log) -> None:
        rounds = self.flow.rounds_done
        for name, inject in self.faults():
            self.flow_moved_on(rounds)
            log(f"故障：{name}")
            started = time.monotonic()
            inject()
            self.system.wait_healthy(180)
            rounds = self.flow.rounds_done
            self.done.append(Injected(name, time.monotonic() - started))
            log(f"  {time.monotonic() - started:.1f} s 后系统恢复应答")
