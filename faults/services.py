"""The four services as separate processes (`python -m hardship_cli.runner NAME`), each killable and restartable."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from faults.ports import wait_for

SERVICES = ("registry", "aid", "notify", "gateway")


class ServiceProcesses:
    def __init__(self, env: dict, workdir: Path):
        self.env, self.logs = env, workdir / "logs"
        self.logs.mkdir(exist_ok=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.base_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"

    def migrate(self) -> None:
        """`hardship migrate`: every database's schema and every consumer's queue, before any service runs."""
        subprocess.run(
            [sys.executable, "-m", "hardship_cli.cli", "migrate"],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "hardship_cli.runner", name],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(self.logs / f"{name}.log", "a"),
        )

    def start_all(self) -> None:
        for name in SERVICES:
            self.start(name)
        self.wait_healthy()

    def kill(self, name: str) -> None:
        """kill -9: no shutdown, no acknowledgements, no rollbacks."""
        process = self.processes[name]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, seconds: float = 120) -> None:
        def healthy_or_dead() -> bool:
            if died := self.died():
                raise RuntimeError(f"服务自行退出（日志见 {self.logs}）：{', '.join(died)}\n{self.last_words(died)}")
            return self.healthy()

        wait_for("the system's /health", healthy_or_dead, seconds, interval=0.5)

    def died(self) -> list[str]:
        """Services whose process ended by itself (the suite kills with SIGKILL and restarts at once)."""
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def last_words(self, names: list[str], lines: int = 60) -> str:
        """The end of each dead service's log, so that a run whose directory is gone (CI) still shows why."""
        return "\n".join(
            f"--- {name}.log 的最后 {lines} 行 ---\n"
            + "\n".join((self.logs / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])
            for name in names
        )

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
