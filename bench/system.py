"""The whole system as separate service processes on SQLite files, against a private vhost."""
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

from shared.migrations import upgrade

SERVICES = ("registry", "aid", "notify", "gateway")
ADMIN_TOKEN = "bench-admin-token"


@contextmanager
def running_system(amqp_uri: str, workdir: str, port: int):
    """Yields the gateway's base URL once /health answers; stops every process afterwards."""
    env = {
        **os.environ, "AMQP_URI": amqp_uri, "HARDSHIP_VAR_DIR": workdir, "DATA_KEY": "bench-key",
        "HARDSHIP_ADMIN_TOKEN": ADMIN_TOKEN, "GATEWAY_PORT": str(port), "RPC_TIMEOUT": "600",
        **{f"{name.upper()}_DB_URL": f"sqlite:///{workdir}/{name}.db" for name in SERVICES},
    }
    for name in SERVICES:
        upgrade(name, env)
    processes = [
        subprocess.Popen([sys.executable, "-m", "shared.runner", name], env=env,
                         stdout=subprocess.DEVNULL, stderr=open(f"{workdir}/{name}.log", "w"))
        for name in SERVICES
    ]
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base_url}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the system did not become healthy")
            time.sleep(0.2)
        yield base_url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
