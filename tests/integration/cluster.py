"""Several processes of every service (`python -m hardship_cli.runner NAME`), sharing one database per service and one vhost,
the way `docker compose up --scale` runs them."""

import os
import time
from urllib.parse import quote, urlparse

import requests

from bench.system import start_service, stop_services, wait_until_healthy
from hardship_cli.services import service_class
from shared.config import KNOWN_KEYS, SERVICES
from shared.topology import consumer_queues, declare_consumer_queues
from tests.conftest import free_port
from tests.e2e.conftest import Api

MANAGEMENT_API = "http://127.0.0.1:15672/api"
BROKER_LOGIN = ("guest", "guest")


class Cluster:
    def __init__(self, config: dict, workdir, instances: int, **settings):
        self.instances = instances
        self.workdir = workdir
        self.env = {**os.environ, **{key: str(config[key]) for key in KNOWN_KEYS}, **settings}
        self.gateway_ports = [free_port() for _ in range(instances)]
        self.vhost = urlparse(config["AMQP_URI"]).path.lstrip("/")
        self.processes: dict[str, list] = {}

    @property
    def gateways(self) -> list[Api]:
        return [Api(f"http://127.0.0.1:{port}") for port in self.gateway_ports]

    def start(self, name: str, **settings) -> None:
        self.processes[name] = [
            start_service(name, self._env(name, number, settings), str(self.workdir / f"{name}-{number}.log"))
            for number in range(self.instances)
        ]

    def restart(self, name: str, **settings) -> None:
        stop_services(self.processes.pop(name))
        self.start(name, **settings)
        self.wait_until_ready()

    def start_all(self) -> None:
        # as `hardship migrate` does before anything runs: the units' events the registry relays as it starts reach
        # every service, whichever process comes up first
        declare_consumer_queues([service_class(name) for name in SERVICES], self.env)
        for name in SERVICES:
            self.start(name)
        self.wait_until_ready()

    def stop_all(self) -> None:
        callers_first = sorted(self.processes, key=lambda name: -SERVICES.index(name) if name in SERVICES else 0)
        stop_services([process for name in callers_first for process in self.processes[name]])
        self.processes.clear()

    def wait_until_ready(self, timeout: float = 90) -> None:
        """Every gateway answers /health, and every RPC and event queue has one consumer per instance."""
        deadline = time.monotonic() + timeout
        for port in self.gateway_ports:
            wait_until_healthy(f"http://127.0.0.1:{port}", timeout)
        queues = [f"rpc-{name}" for name in SERVICES if name != "gateway"]
        queues += [queue.name for name in SERVICES for queue in consumer_queues(service_class(name))]
        while waiting := [queue for queue in queues if self.consumers(queue) < self.instances]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every instance consumes {waiting}; see the logs in {self.workdir}")
            self._check_alive()
            time.sleep(0.2)

    def consumers(self, queue: str) -> int:
        response = requests.get(
            f"{MANAGEMENT_API}/queues/{quote(self.vhost, safe='')}/{quote(queue, safe='')}",
            auth=BROKER_LOGIN,
            timeout=5,
        )
        return response.json().get("consumers", 0) if response.status_code == 200 else 0

    def _check_alive(self) -> None:
        for name, processes in self.processes.items():
            for process in processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see the logs in {self.workdir}")

    def _env(self, name: str, number: int, settings: dict) -> dict:
        env = {**self.env, **settings}
        if name == "gateway":
            env["GATEWAY_PORT"] = str(self.gateway_ports[number])
        return env
