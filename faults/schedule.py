"""The faults, one after another while the flow runs, each followed by the wait for the system to answer again."""

import time
from dataclasses import dataclass, field

from faults import poison
from faults.services import SERVICES

PAUSE_SECONDS = 4.0
DATABASE_DOWN_SECONDS = 10.0
BROKER_DOWN_SECONDS = 3.0


@dataclass
class Injected:
    fault: str
    recovered_seconds: float


@dataclass
class Schedule:
    system: object  # ServiceProcesses
    rabbit: object  # PrivateRabbit
    postgres: object  # PrivatePostgres
    done: list = field(default_factory=list)
    poison_ids: list = field(default_factory=list)

    def kill_and_restart(self, name: str) -> None:
        self.system.kill(name)
        self.system.start(name)

    def restart_broker(self) -> None:
        self.rabbit.stop()
        time.sleep(BROKER_DOWN_SECONDS)
        self.rabbit.start()

    def stop_database(self) -> None:
        self.postgres.stop("immediate")
        time.sleep(DATABASE_DOWN_SECONDS)
        self.postgres.start()

    def inject_poison(self) -> None:
        self.poison_ids += poison.inject(self.rabbit.amqp_uri)

    def faults(self):
        yield "poison messages", self.inject_poison
        for name in SERVICES:
            yield f"kill -9 {name}", lambda name=name: self.kill_and_restart(name)
        yield "restart RabbitMQ", self.restart_broker
        yield f"stop PostgreSQL {DATABASE_DOWN_SECONDS:.0f} s", self.stop_database

    def run(self, log) -> None:
        for name, inject in self.faults():
            time.sleep(PAUSE_SECONDS)
            log(f"故障：{name}")
            started = time.monotonic()
            inject()
            self.system.wait_healthy(180)
            self.done.append(Injected(name, time.monotonic() - started))
            log(f"  {time.monotonic() - started:.1f} s 后系统恢复应答")
