"""`hardship run`: check the broker, migrate every database, start each service and keep it running."""

import os
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from kombu import Connection

from hardship_cli.services import service_class
from shared.config import SERVICES, setting
from shared.crypto import InvalidDataKey, check_data_key
from shared.migrations import upgrade
from shared.processes import stop_with_parent
from shared.topology import declare_consumer_queues

RESTART_DELAY_SECONDS = 2


def redacted(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return uri


def broker_problem() -> str | None:
    """One plain line saying why RabbitMQ cannot be used, or None when it answers."""
    uri = setting("AMQP_URI")
    try:
        with Connection(uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # any failure to connect is reported the same way
        return (
            f"无法连接 RabbitMQ（{redacted(uri)}：{type(exc).__name__}）。请先启动它："
            "本机安装的用 `sudo rabbitmq-server -detached`，或用 `docker compose up -d rabbitmq`"
            "（并把 AMQP_URI 设为它的用户和密码），然后重试。"
        )
    return None


def data_key_problem() -> str | None:
    """The one line every service would exit with, said once before any starts (instead of on each restart)."""
    try:
        check_data_key()
    except InvalidDataKey as error:
        return str(error)
    return None


def port_problem(services) -> str | None:
    """One plain line when the gateway's port is taken (say by another `hardship run`), or None when it is free."""
    if "gateway" not in services:
        return None
    port = int(setting("GATEWAY_PORT"))
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the gateway's own listener does
        try:
            probe.bind(("0.0.0.0", port))
        except OSError as exc:
            return (
                f"端口 {port} 已被占用（{exc.strerror}）：可能另一个 hardship run 还在运行。"
                "请先停止它，或用 GATEWAY_PORT 换一个端口，然后重试。"
            )
    return None


def migrate_all(services=None) -> None:
    """Upgrade each service's database and declare the queues its event handlers consume."""
    services = services or list(SERVICES)
    for service in services:
        upgrade(service)
        print(f"  数据库已就绪：{service}")
    problem = broker_problem()
    if problem:
        print(f"  未声明事件队列：{problem}", file=sys.stderr)
        return
    for queue in declare_consumer_queues([service_class(name) for name in services]):
        print(f"  事件队列已就绪：{queue}")


def run_system(services=None) -> int:
    services = services or list(SERVICES)
    problem = data_key_problem() or port_problem(services) or broker_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    migrate_all(services)
    stopping = []
    # SIGINT too, not left to KeyboardInterrupt: a shell starts a background job with SIGINT ignored, and the
    # services, which handle it themselves, would stop on Ctrl-C while this loop restarted them
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    children = {name: _start(name) for name in services}
    port = setting("GATEWAY_PORT")
    print(f"系统已启动：{', '.join(services)}")
    print(f"  控制台:   http://127.0.0.1:{port}/")
    print(f"  API:     http://127.0.0.1:{port}/api/v1/")
    print(f"  健康检查: http://127.0.0.1:{port}/health")
    print("  新建账号: hardship user add --name 张三 --role caseworker")
    print("按 Ctrl-C 停止。")
    while not stopping:
        for name in [name for name, child in children.items() if child.poll() is not None]:
            print(
                f"服务 {name} 已退出（{children[name].returncode}），{RESTART_DELAY_SECONDS} 秒后重启", file=sys.stderr
            )
            time.sleep(RESTART_DELAY_SECONDS)
            if stopping:
                break
            children[name] = _start(name)
        time.sleep(0.5)
    for child in children.values():
        child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    print("已停止。")
    return 0


def _start(name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hardship_cli.runner", name], env=os.environ.copy(), preexec_fn=stop_with_parent
    )
