"""A RabbitMQ node of the suite's own, in a temporary directory on free ports.

The machine's shared broker (5672) is never touched: this node has its own name, ports, data,
config (no management plugin) and Erlang cookie (its HOME is the directory).
"""

import os
import signal
import subprocess
from pathlib import Path

from faults.ports import free_port, port_open, wait_for

SCRIPTS = Path("/usr/lib/rabbitmq/bin")


class PrivateRabbit:
    def __init__(self, workdir: Path):
        self.dir = workdir / "rabbitmq"
        self.dir.mkdir()
        self.port, self.dist_port = free_port(), free_port()
        self.node = f"faults-{os.getpid()}@localhost"
        (self.dir / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{self.port}\n")
        (self.dir / "enabled_plugins").write_text("[].\n")
        (self.dir / "rabbitmq-env.conf").write_text("")
        self.env = {
            **os.environ,
            "HOME": str(self.dir),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(self.dir / "rabbitmq-env.conf"),
            "RABBITMQ_PID_FILE": str(self.dir / "rabbitmq.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }
        self.process = None
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(SCRIPTS / "rabbitmq-server")],
            env=self.env,
            cwd=self.dir,
            start_new_session=True,
            stdout=open(self.dir / "server.log", "a"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        wait_for("RabbitMQ", lambda: port_open(self.port), 120)
        self.ctl("await_startup")

    def ctl(self, *args) -> None:
        subprocess.run(
            [str(SCRIPTS / "rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.ctl("stop")
            self.process.wait(timeout=60)
        except (subprocess.SubprocessError, OSError):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
