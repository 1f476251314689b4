"""`python -m faults [--size N]` (`make faults`): N applications through the whole system while its
services are killed, its broker restarted and its database stopped; exits non-zero if a promise broke.

Everything runs on a RabbitMQ node and a PostgreSQL cluster of the suite's own, in a temporary
directory on free ports: the machine's shared broker and database are never touched.
"""

import shared.quiet  # noqa: F401, I001  (first: it silences warnings raised on import)
import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from faults.flow import Client, Flow
from faults.parking import settle_parked
from faults.ports import free_port
from faults.postgres import PrivatePostgres
from faults.promises import Databases, check, wait_until_settled
from faults.rabbitmq import PrivateRabbit
from faults.schedule import Schedule
from faults.services import SERVICES, ServiceProcesses

ADMIN_TOKEN = "faults-admin-token"
FLOW_DEADLINE_SECONDS = 900


def log(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", flush=True)


QUICK = {  # --quick: the same run at CI's pace
    "round_pause": 0.2,  # the desk's rounds one after another
    "min_outage": {"database": 0.0, "broker": 0.0},  # outages as long as it takes the system to notice them
    "EVENT_RETRY_DELAYS": "0.2,0.4,0.8,1.6,3.2",  # a poison event parked within seconds, still after five retries
}


def service_env(workdir: Path, amqp_uri: str, postgres: PrivatePostgres, retry_delays: str) -> dict:
    return {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "HARDSHIP_VAR_DIR": str(workdir / "var"),
        "DATA_KEY": "c3ludGhldGljLWZhdWx0LWRhdGEta2V5LTMyYnl0ZXM=",  # synthetic: base64 of 32 bytes
        "HARDSHIP_ADMIN_TOKEN": ADMIN_TOKEN,
        "GATEWAY_PORT": str(free_port()),
        "RPC_TIMEOUT": "30",
        "EVENT_RETRY_DELAYS": retry_delays,
        "SMS_QUIET_HOURS": "off",
        "SMS_PER_NUMBER_PER_HOUR": "0",
        "SMS_PER_NUMBER_PER_DAY": "0",
        "SMS_PROVIDER": "console",
        "PUBLICITY_CHECK_SECONDS": "1",
        "HEARTBEAT": "10",
        "LOG_LEVEL": "INFO",
        **{f"{name.upper()}_DB_URL": postgres.url(name) for name in SERVICES},
    }


def run(size: int, workdir: Path, quick: bool = False) -> int:
    rabbit, postgres = PrivateRabbit(workdir), PrivatePostgres(workdir)
    system = None
    try:
        log(
            f"故障演练：{size} 件申请经网关走完全程（提交 → 批准 → 公示 0 天 → 发放批次 → 银行结果 → 短信），"
            f"私有 RabbitMQ :{rabbit.port}、PostgreSQL :{postgres.port}，目录 {workdir}"
        )
        with ThreadPoolExecutor(1) as starting:  # the broker starts while the database is made
            broker = starting.submit(rabbit.start)
            postgres.init()
            broker.result()
        env = service_env(workdir, rabbit.amqp_uri, postgres, QUICK["EVENT_RETRY_DELAYS"] if quick else "1,2,4,8,16")
        system = ServiceProcesses(env, workdir)
        system.migrate()
        system.start_all()
        flow = Flow(system.base_url, ADMIN_TOKEN, size, **({"round_pause": QUICK["round_pause"]} if quick else {}))
        flow.prepare()
        log(f"已导入 {size} 份职工档案，开始提交并注入故障")

        schedule = Schedule(system, rabbit, postgres, flow, **({"min_outage": QUICK["min_outage"]} if quick else {}))
        failures = []

        def inject_all():
            try:
                schedule.run(log)
            except Exception as exc:  # reported below; the flow still finishes
                failures.append(exc)

        faults = threading.Thread(target=inject_all, name="faults")
        faults.start()
        flow_seconds = flow.run(FLOW_DEADLINE_SECONDS, keep_going=faults.is_alive, give_up=lambda: bool(failures))
        faults.join()
        if failures:
            raise failures[0]
        log(f"全部 {size} 件已发放（{flow_seconds:.0f} s），等待短信和事件落定 …")

        databases = Databases({name: postgres.url(name) for name in SERVICES})
        settle_seconds = wait_until_settled(databases, flow.campaign_id)
        parked = settle_parked(rabbit.amqp_uri, schedule.poison_ids, log)
        settle_seconds += wait_until_settled(databases, flow.campaign_id)
        figures = check(databases, flow.campaign_id, size, flow.acknowledged, Path(env["HARDSHIP_VAR_DIR"]) / "sms.log")
        databases.dispose()
        died = system.died()
    finally:
        Client.stopping.set()
        if system is not None:
            system.stop_all()
        rabbit.stop()
        postgres.stop_if_running()

    print()
    print(
        "注入的故障（每项之后到系统恢复应答的秒数）："
        + "；".join(f"{item.fault} {item.recovered_seconds:.1f} s" for item in schedule.done)
    )
    print(
        f"申请 {figures.applications} 件，{flow_seconds:.0f} s 全部发放；之后短信与事件落定 {settle_seconds:.0f} s；"
        f"客户端重试：{dict(Client.retries) or '无'}"
    )
    print(f"丢失（lost）：{figures.lost}")
    print(
        f"重复短信（duplicate SMS）：{figures.duplicate_sms} 条重复记录，{figures.duplicate_sends} 次重复发送；"
        f"短信状态 {figures.sms_by_status}；缺少发放短信 {figures.missing_sms}"
    )
    print(f"重复支付（double payments）：{figures.double_payments}")
    print(
        f"账本平衡（ledger balanced）：{'是' if figures.ledger_total == 0 else f'否，合计 {figures.ledger_total} 分'}"
    )
    print(
        f"停放的有毒消息：{parked.poison} 条（注入 {len(schedule.poison_ids)} 条），重放后再次停放 {parked.poison_again} 条；"
        f"停放的正常事件 {parked.real}（已重放）"
    )
    broken = figures.broken() + parked.broken(len(schedule.poison_ids))
    if died:
        broken.append(f"服务自行退出：{', '.join(died)}")
        print(system.last_words(died))
    if broken:
        print("违背的承诺：" + "；".join(broken))
        return 1
    print("全部承诺都守住了。")
    return 0


def stop_on_sigterm(_signum, _frame):
    raise KeyboardInterrupt  # so the private broker, database and services are stopped on the way out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m faults",
        description="故障演练：在自己的 RabbitMQ 和 PostgreSQL 上，"
        "让申请走完全程，同时杀进程、重启 broker、停数据库，然后核对各项承诺",
    )
    parser.add_argument("--size", type=int, default=1000, help="申请件数（默认 1000）")
    parser.add_argument("--keep", action="store_true", help="保留临时目录（日志、数据）以便查看")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI 的节奏：各轮之间不停顿，停机只到系统发现为止，有毒消息的重试间隔以秒计（承诺与故障不变）",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="hardship-faults-"))
    try:
        return run(args.size, workdir, args.quick)
    finally:
        if args.keep:
            print(f"临时目录保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
