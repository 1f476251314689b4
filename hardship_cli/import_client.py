"""`hardship import FILE`: send a registry sheet to the registry service and show its progress.

The command line works at the root (as `hardship unit add` does): its import's scope is the whole tree."""

import sys
import time
import uuid
from pathlib import Path

from hardship_cli.supervisor import broker_problem
from shared.actors import command_line_actor
from shared.config import nameko_config, setting
from shared.upload_parts import send_parts

POLL_SECONDS = 0.5
ROOT_SCOPE = None


def progress_bar(fraction: float, width: int = 30) -> str:
    filled = int(fraction * width)
    return "[" + "#" * filled + "-" * (width - filled) + f"] {fraction * 100:5.1f}%"


def import_file(path: str, actor: str) -> int:
    import eventlet

    eventlet.monkey_patch()
    from nameko.exceptions import RpcTimeout

    problem = broker_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    file = Path(path)
    if not file.is_file():
        print(f"找不到文件：{path}", file=sys.stderr)
        return 2
    try:
        return send_and_follow(file, actor)
    except RpcTimeout:
        print(f"\n导入失败：registry 服务超过 {setting('RPC_TIMEOUT')} 秒没有应答，请稍后重试", file=sys.stderr)
        return 1


def send_and_follow(file: Path, actor: str) -> int:
    """Send the file and follow its import; every wait for the registry ends after RPC_TIMEOUT (RpcTimeout)."""
    import eventlet
    from nameko.standalone.rpc import ClusterRpcProxy

    from shared.errors import ServiceError

    import_id = uuid.uuid4().hex
    timeout = float(setting("RPC_TIMEOUT"))
    # The import's reply and the progress polls each wait on a connection of their own: two green threads
    # reading one proxy's socket at once fail ("Second simultaneous read").
    with (
        ClusterRpcProxy(nameko_config(), timeout=timeout) as cluster,
        ClusterRpcProxy(nameko_config(), timeout=timeout) as polls,
    ):
        try:
            with file.open("rb") as stream:  # sent a part at a time, never read whole
                parts = send_parts(cluster.registry.add_import_part, import_id, stream)
        except ServiceError as error:
            print(f"上传失败：{error.message}", file=sys.stderr)
            return 1
        done = eventlet.spawn(
            cluster.registry.import_workers, import_id, parts, file.name, command_line_actor(actor), ROOT_SCOPE
        )
        while not done.dead:
            time.sleep(POLL_SECONDS)
            try:
                state = polls.registry.import_progress(import_id, ROOT_SCOPE)
            except ServiceError:
                continue
            if sys.stderr.isatty():
                print(
                    "\r导入中 " + progress_bar(state["progress"] / 100) + f" 已处理 {state['processed_rows']} 行",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
        try:
            result = done.wait()
        except ServiceError as error:
            print(f"\n导入失败：{error.message}", file=sys.stderr)
            return 1
    print(
        f"\n共 {result['total_rows']} 行：新建 {result['created']}，更新 {result['updated']}，"
        f"未变 {result['unchanged']}，拒绝 {len(result['rejected'])}"
    )
    for rejected in result["rejected"]:
        print(f"  第{rejected['row']}行 {rejected['message']}")  # the message starts with the sheet's column
    for skipped in result.get("skipped", ()):
        print(f"  第{skipped['row']}行 {skipped['reason']}")
    if result["unknown_unions"]:
        print(f"  组织中没有的工会（请先建立或改正表格）：{'、'.join(result['unknown_unions'])}")
    return 0 if not result["rejected"] else 3
