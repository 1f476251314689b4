"""A PostgreSQL cluster of the suite's own (initdb + pg_ctl) in a temporary directory on a free port.

PostgreSQL refuses to run as root: as root, its directory belongs to `postgres` and every command
runs as that user.
"""

import glob
import os
import shutil
import subprocess
from pathlib import Path

import psycopg2

from faults.ports import free_port

SERVICES = ("registry", "aid", "notify", "gateway")


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL's pg_ctl was not found under /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


class PrivatePostgres:
    def __init__(self, workdir: Path):
        self.dir = workdir / "postgres"
        self.dir.mkdir()
        self.data = self.dir / "data"
        self.port = free_port()
        self.bin = postgres_bin()
        self.as_owner = []
        if os.geteuid() == 0:
            os.chmod(workdir, 0o755)  # postgres must reach its own directory inside
            shutil.chown(self.dir, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def run(self, *command) -> None:
        subprocess.run([*self.as_owner, *command], check=True, capture_output=True, timeout=120, cwd=self.dir)

    def init(self) -> None:
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.start()
        connection = self.admin()
        try:
            with connection.cursor() as cursor:
                for service in SERVICES:
                    cursor.execute(f"CREATE DATABASE hardship_{service}")
        finally:
            connection.close()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=400 -c shared_buffers=128MB"
        )
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def stop_if_running(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()

    def url(self, service: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/hardship_{service}"

    def admin(self):
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        return connection
