"""The whole system as separate service processes on SQLite files, against a private vhost."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

from bench import DATA_KEY
from shared.migrations import upgrade
from tests.fakes.unions import add_to_database

SERVICES = ("registry", "aid", "notify", "gateway")
ADMIN_TOKEN = "bench-admin-token"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class System:
    """The running processes: the gateway's base URL, and each service's CPU seconds so far (Linux /proc)."""

    def __init__(self, base_url: str, processes: dict[str, subprocess.Popen]):
        self.base_url, self.processes = base_url, processes

    def cpu_seconds(self) -> dict[str, float]:
        """Each service's, this benchmark's own and (when it runs on this machine) the broker's."""
        pids = {name: process.pid for name, process in self.processes.items()}
        pids["bench"] = os.getpid()
        broker = subprocess.run(["pgrep", "-f", "beam.smp"], capture_output=True, text=True).stdout.split()
        if broker:
            pids["rabbitmq"] = int(broker[0])
        return {name: process_cpu_seconds(pid) for name, pid in pids.items()}


def process_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def start_service(name: str, env: dict, log_path: str) -> subprocess.Popen:
    """`python -m hardship_cli.runner NAME` with this environment, its log (stderr) into log_path."""
    with open(log_path, "a") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "hardship_cli.runner", name], env=env, stdout=subprocess.DEVNULL, stderr=log
        )


def stop_services(processes) -> None:
    """One after another, in the order given: a service stops faster while the services it calls still
    answer (notify waits for the registry's answer before it can stop), so give callers first."""
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def wait_until_healthy(base_url: str, timeout: float = 60) -> None:
    """Until the gateway's /health answers 200: it and every service it pings are up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or too busy starting to answer within 2 s
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the system did not become healthy")
        time.sleep(0.2)


@contextmanager
def running_system(amqp_uri: str, workdir: str, port: int, **settings):
    """Yields the System once the gateway's /health answers; stops every process afterwards."""
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "HARDSHIP_VAR_DIR": workdir,
        "DATA_KEY": DATA_KEY,
        "HARDSHIP_ADMIN_TOKEN": ADMIN_TOKEN,
        "GATEWAY_PORT": str(port),
        "RPC_TIMEOUT": "600",
        **{f"{name.upper()}_DB_URL": f"sqlite:///{workdir}/{name}.db" for name in SERVICES},
        **settings,
    }
    for name in SERVICES:
        upgrade(name, env)
    add_to_database(env["REGISTRY_DB_URL"])
    processes = {name: start_service(name, env, f"{workdir}/{name}.log") for name in SERVICES}
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url)
        yield System(base_url, processes)
    finally:
        stop_services([processes[name] for name in reversed(SERVICES)])  # callers first: see stop_services
