"""The `hardship` command as a new user runs it."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select, update

from services.gateway.models import users
from shared.db import make_engine
from tests.conftest import SHARED_DATA, free_port
from tests.e2e.aid_builders import TODAY, start_system
from tests.e2e.builders import new_donor
from tests.fakes.sheets import FOOTER, TITLE, generate_workers, to_csv_bytes

HARDSHIP = str(Path(sys.executable).parent / "hardship")


def hardship(*args, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HARDSHIP, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def service_env(config: dict, **extra) -> dict:
    keys = ("AMQP_URI", "REGISTRY_DB_URL", "AID_DB_URL", "GATEWAY_DB_URL", "HARDSHIP_VAR_DIR", "DATA_KEY")
    return {**{key: config[key] for key in keys}, **extra}


def test_run_without_a_broker_says_so_in_one_line(tmp_path):
    result = hardship("run", env={"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "HARDSHIP_VAR_DIR": str(tmp_path)})

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("无法连接 RabbitMQ（amqp://guest:***@127.0.0.1:1/")
    assert "rabbitmq-server -detached" in line and "docker compose up -d rabbitmq" in line


def test_run_with_a_data_key_that_is_not_a_key_says_so_in_one_line_before_starting_anything(tmp_path):
    result = hardship("run", env={"DATA_KEY": "change-me", "HARDSHIP_VAR_DIR": str(tmp_path)})

    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("DATA_KEY 无效") and "openssl rand -base64 32" in line
    assert list(tmp_path.iterdir()) == []  # nothing migrated, no development key


def test_run_on_a_port_already_taken_says_so_in_one_line(config):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = hardship("run", env=service_env(config, GATEWAY_PORT=str(port)), timeout=30)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"端口 {port} 已被占用") and "GATEWAY_PORT" in line


def ctrl_c(process: subprocess.Popen) -> None:
    """What a terminal does on Ctrl-C: SIGINT to every process of the foreground group, each service included
    (which `hardship run` then also stops with SIGTERM)."""
    os.killpg(process.pid, signal.SIGINT)


def processes_in_group(group: int) -> list[bytes]:
    return subprocess.run(["pgrep", "-g", str(group)], capture_output=True).stdout.split()


# how a shell starts `make run &`: with SIGINT ignored, which the program inherits
AS_BACKGROUND_JOB = ["sh", "-c", "trap '' INT; exec \"$0\" run", HARDSHIP]


@pytest.mark.parametrize(
    "stop, command",
    [(subprocess.Popen.terminate, [HARDSHIP, "run"]), (ctrl_c, [HARDSHIP, "run"]), (ctrl_c, AS_BACKGROUND_JOB)],
    ids=["sigterm", "ctrl-c", "ctrl-c-background"],
)
def test_run_starts_every_service_and_stops_cleanly(config, stop, command):
    port = free_port()
    env = {**os.environ, **service_env(config, GATEWAY_PORT=str(port))}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
                if health.status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or too busy starting to answer in time
                pass
            time.sleep(0.3)
        assert health.json() == {
            "status": "ok",
            "checks": {"gateway": "ok", "registry": "ok", "aid": "ok", "notify": "ok"},
        }
    finally:
        stop(process)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert f"http://127.0.0.1:{port}/api/v1/" in stdout and "已停止" in stdout
    assert "Traceback" not in stderr and "CRITICAL" not in stderr, stderr
    assert processes_in_group(process.pid) == []  # no service left behind


def test_services_stop_when_run_itself_is_killed(config):
    port = free_port()
    env = {**os.environ, **service_env(config, GATEWAY_PORT=str(port))}
    process = subprocess.Popen(
        [HARDSHIP, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while len(processes_in_group(process.pid)) < 5:  # run and its four services
        assert time.monotonic() < deadline, "the services did not start"
        time.sleep(0.2)

    process.kill()
    process.wait()

    deadline = time.monotonic() + 30
    while processes_in_group(process.pid):
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError("services kept running after `hardship run` was killed")
        time.sleep(0.2)


def test_user_add_prints_a_token_that_works(config, runner_factory):
    # A system of its own: on the session's system (SQLite), a token the command added while the gateway had long
    # been serving was once refused (401), see the report of issue 18; a fresh gateway here, as before.
    _runner, api = start_system(runner_factory, config)
    result = hardship("user", "add", "--name", "王五", "--role", "caseworker", env=service_env(config))

    assert result.returncode == 0, result.stderr
    token = re.search(r"访问令牌（只显示这一次，请妥善保存）：(\S+)", result.stdout).group(1)
    assert api.get("/api/v1/workers", token=token).status_code == 200
    assert api.post("/api/v1/users", token=token, json={"name": "x", "role": "admin"}).status_code == 403


def test_user_add_refuses_an_unknown_role(live):
    result = hardship("user", "add", "--name", "王五", "--role", "boss", env=service_env(live.settings))

    assert result.returncode == 2
    assert "role" in result.stderr and "Traceback" not in result.stderr


def test_user_add_names_only_a_donor_aid_has(live):
    donor = new_donor(live.api, name="命令行捐赠人")
    env = service_env(live.settings)
    unknown = hardship("user", "add", "--name", "捐赠人账号甲", "--role", "donor", "--donor-id", "0" * 32, env=env)
    known = hardship(
        "user", "add", "--name", "捐赠人账号乙", "--role", "donor", "--donor-id", donor["donor_id"], env=env
    )

    assert unknown.returncode == 2 and "donor_id" in unknown.stderr and "未知的捐赠人" in unknown.stderr
    assert "Traceback" not in unknown.stderr and unknown.stdout == ""
    assert known.returncode == 0, known.stderr
    token = re.search(r"访问令牌（只显示这一次，请妥善保存）：(\S+)", known.stdout).group(1)
    assert live.api.get(f"/api/v1/donors/{donor['donor_id']}", token=token).status_code == 200
    with make_engine(live.settings["GATEWAY_DB_URL"]).connect() as connection:
        names = connection.execute(select(users.c.name).where(users.c.name.startswith("捐赠人账号"))).scalars().all()
    assert names == ["捐赠人账号乙"]


def test_unit_add_puts_a_unit_under_another_and_says_why_it_refuses_one(tmp_path):
    env = {
        "REGISTRY_DB_URL": f"sqlite:///{tmp_path}/r.db",
        "HARDSHIP_VAR_DIR": str(tmp_path),
        "ORG_ROOT_NAME": "某市总工会",
    }
    unknown = hardship("unit", "add", "--name", "城东区总工会", "--parent", "0" * 32, "--level", "district", env=env)
    with sqlite3.connect(tmp_path / "r.db") as registry:
        (root_id,) = registry.execute("SELECT org_unit_id FROM org_units WHERE name = '某市总工会'").fetchone()

    added = hardship("unit", "add", "--name", "城东区总工会", "--parent", root_id, "--level", "district", env=env)
    again = hardship("unit", "add", "--name", "城东区总工会", "--parent", root_id, "--level", "district", env=env)

    assert (unknown.returncode, unknown.stdout) == (2, "") and "未知的组织" in unknown.stderr
    assert added.returncode == 0, added.stderr
    assert re.fullmatch(r"已新建组织 城东区总工会（district），org_unit_id=[0-9a-f]{32}\n", added.stdout)
    assert again.returncode == 2 and again.stderr.strip() == "同一上级组织下已有名为“城东区总工会”的组织"


def test_user_add_puts_an_account_in_a_unit_made_by_unit_add_before_the_services_run(tmp_path):
    """The gateway learns units from the registry's events, which wait in its outbox until it runs: `user add` reads a
    unit it has not heard of yet (the root of a fresh install too) from the registry's database."""
    env = {
        "REGISTRY_DB_URL": f"sqlite:///{tmp_path}/r.db",
        "GATEWAY_DB_URL": f"sqlite:///{tmp_path}/g.db",
        "HARDSHIP_VAR_DIR": str(tmp_path),
    }
    admin = hardship("user", "add", "--name", "管理员", "--role", "admin", env=env)
    with sqlite3.connect(tmp_path / "r.db") as registry:
        (root_id,) = registry.execute("SELECT org_unit_id FROM org_units WHERE parent_id IS NULL").fetchone()
    added = hardship("unit", "add", "--name", "城东区总工会", "--parent", root_id, "--level", "district", env=env)
    unit_id = re.search(r"org_unit_id=([0-9a-f]{32})", added.stdout).group(1)

    caseworker = hardship(
        "user", "add", "--name", "城东区经办人", "--role", "caseworker", "--org-unit", unit_id, env=env
    )
    unknown = hardship("user", "add", "--name", "经办人", "--role", "caseworker", "--org-unit", "0" * 32, env=env)

    assert (admin.returncode, caseworker.returncode) == (0, 0), (admin.stderr, caseworker.stderr)
    assert unknown.returncode == 2 and "未知的组织" in unknown.stderr
    with sqlite3.connect(tmp_path / "g.db") as gateway:
        accounts = dict(gateway.execute("SELECT name, org_unit_id FROM users").fetchall())
    assert accounts == {"管理员": root_id, "城东区经办人": unit_id}


def test_import_shows_the_result_and_each_rejected_row(config, runner_factory, tmp_path):
    # a register of its own: the sample's people have fixed ID numbers, and the counts are of a first import
    _runner, api = start_system(runner_factory, config)
    result = hardship("import", str(SHARED_DATA / "workers_sample.csv"), env=service_env(config))

    assert result.returncode == 3, result.stderr  # some rows were rejected
    assert "共 201 行：新建 193，更新 0，未变 0，拒绝 8" in result.stdout
    assert "第202行 身份证号：与第7行的身份证号重复" in result.stdout
    assert api.get("/api/v1/workers").json()["total"] == 193

    again = hardship("import", str(SHARED_DATA / "workers_sample.csv"), env=service_env(config))
    assert "共 201 行：新建 0，更新 0，未变 193，拒绝 8" in again.stdout

    titled = tmp_path / "登记表.csv"
    titled.write_bytes(to_csv_bytes(generate_workers(3, seed=31), above=[[TITLE]], below=FOOTER))
    shown = hardship("import", str(titled), env=service_env(config)).stdout
    assert (
        "共 3 行：新建 3" in shown
        and "第6行 合计行，未导入" in shown
        and "第8行 表格下方的备注或签名行，未导入" in shown
    )


def test_import_of_a_missing_file_is_a_clear_error(live):
    result = hardship("import", "/nonexistent/workers.csv", env=service_env(live.settings))

    assert result.returncode == 2
    assert result.stderr.strip() == "找不到文件：/nonexistent/workers.csv"


def test_migrate_brings_each_database_to_the_latest_schema_and_declares_event_queues(tmp_path, rabbit_config):
    env = {
        "REGISTRY_DB_URL": f"sqlite:///{tmp_path}/r.db",
        "GATEWAY_DB_URL": f"sqlite:///{tmp_path}/g.db",
        "AID_DB_URL": f"sqlite:///{tmp_path}/a.db",
        "AMQP_URI": rabbit_config["AMQP_URI"],
    }

    result = hardship("migrate", "registry", "aid", "gateway", env=env)

    assert result.returncode == 0, result.stderr
    assert "事件队列已就绪：evt-registry-worker_status_changed--aid.on_worker_status_changed" in result.stdout
    with sqlite3.connect(tmp_path / "r.db") as registry, sqlite3.connect(tmp_path / "g.db") as gateway:
        registry_tables = {row[0] for row in registry.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        gateway_tables = {row[0] for row in gateway.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"workers", "worker_status_history", "audit_log", "imports", "outbox", "inbox"} <= registry_tables
    assert "users" in gateway_tables


def test_demo_fills_a_running_system_and_says_where_to_look(config, runner_factory, tmp_path):
    _runner, api = start_system(
        runner_factory, config, HARDSHIP_TODAY=TODAY
    )  # its notices end in a year with a calendar
    env = service_env(config, GATEWAY_PORT=config["GATEWAY_PORT"], HARDSHIP_TODAY=TODAY)
    result = hardship("demo", env=env)

    assert result.returncode == 0, result.stderr
    assert "演示数据已就绪：导入档案 193 份（拒绝 8 行），申请 12 件，批准 7 件，驳回 2 件。" in result.stdout
    notice_url = re.search(r"送温暖公示:\s+(\S+)", result.stdout).group(1)
    notice = requests.get(notice_url, timeout=10).json()
    assert len(notice["items"]) == 7 and {item["status"] for item in notice["items"]} == {"publicizing"}
    admin_token = re.search(r"令牌 admin\s+(\S+)", result.stdout).group(1)
    campaigns = api.get("/api/v1/campaigns", token=admin_token).json()
    assert sorted(campaign["program"] for campaign in campaigns["items"]) == ["education", "warmth", "warmth"]
    network = "2 个区县、4 个基层工会，申请 12 件：待基层审核 4 件，待区县级审核 4 件，已批准 4 件。"
    assert network in result.stdout
    # each reviewer's queue holds what waits at their level
    district = re.search(r"令牌 城东区总工会审核人\s+(\S+)", result.stdout).group(1)
    mill = re.search(r"令牌 纺织厂工会审核人\s+(\S+)", result.stdout).group(1)
    for token, waiting in ((district, 2), (mill, 1)):
        queue = api.get("/api/v1/applications?awaiting_me=true&status=submitted", token=token).json()
        assert queue["total"] == waiting, queue

    # not make_engine: its os.open/os.close of the file would drop the SQLite locks of the gateway in this process
    engine = create_engine(config["GATEWAY_DB_URL"])
    with engine.begin() as connection:
        accounts = dict(connection.execute(select(users.c.name, users.c.user_id)).all())
    revoked = api.post(f"/api/v1/users/{accounts['演示经办人']}/revoke", token=admin_token, json={"reason": "离职"})
    assert revoked.status_code == 200, revoked.text
    with engine.begin() as connection:  # the checker's token has expired
        connection.execute(
            update(users)
            .where(users.c.user_id == accounts["演示审核人"])
            .values(token_issued_at=datetime.now(UTC) - timedelta(days=400))
        )
    engine.dispose()

    again = hardship("demo", env=env)  # on a system that holds the demo already: nothing twice

    assert (again.returncode, again.stderr) == (0, ""), again.stderr
    assert again.stdout.splitlines()[0] == (
        "演示数据已就绪：导入档案 193 份（拒绝 8 行），申请 12 件，批准 7 件，驳回 2 件。"
        "已有的演示项目和 12 件申请沿用，未重复建立。"
    )
    assert re.search(r"送温暖公示:\s+(\S+)", again.stdout).group(1) == notice_url
    new_admin = re.search(r"令牌 admin\s+(\S+)", again.stdout).group(1)
    campaigns = api.get("/api/v1/campaigns", token=new_admin).json()
    assert sorted(campaign["program"] for campaign in campaigns["items"]) == ["education", "warmth", "warmth"]
    assert network in again.stdout
    assert api.get("/api/v1/applications", token=new_admin).json()["total"] == 24
    assert len(requests.get(notice_url, timeout=10).json()["items"]) == 7
    for label in ("maker", "checker"):  # the revoked account's successor, the expired one's new token
        token = re.search(rf"令牌 {label}\s+(\S+)", again.stdout).group(1)
        assert api.get("/api/v1/applications", token=token).status_code == 200, label
    engine = make_engine(config["GATEWAY_DB_URL"])
    with engine.connect() as connection:
        names = (
            connection.execute(
                select(users.c.name).where(users.c.name.startswith("演示"), users.c.revoked_at.is_(None))
            )
            .scalars()
            .all()
        )
        revoked_names = connection.execute(select(users.c.name).where(users.c.revoked_at.is_not(None))).scalars().all()
    engine.dispose()
    assert sorted(names) == sorted(["演示管理员", "演示经办人", "演示审核人", "演示财务", "演示审计"])
    assert revoked_names == ["演示经办人"]  # stays revoked

    elsewhere = hardship("demo", env={**env, "GATEWAY_DB_URL": f"sqlite:///{tmp_path / 'other-gateway.db'}"})
    assert elsewhere.returncode == 1 and elsewhere.stdout == ""
    [line] = elsewhere.stderr.strip().splitlines()
    assert line.startswith("演示中断：GET /api/v1/campaigns") and "401" in line and "GATEWAY_DB_URL" in line
    assert api.get("/api/v1/campaigns", token=new_admin).json()["total"] == 3


def test_demo_says_why_its_approvals_failed(config, runner_factory):
    """Late in December a notice of five working days runs into a year whose calendar nobody has entered yet."""
    start_system(runner_factory, config, HARDSHIP_TODAY="2026-12-28")

    result = hardship(
        "demo",
        "--sheet",
        str(SHARED_DATA / "workers_sample.csv"),
        env=service_env(config, GATEWAY_PORT=config["GATEWAY_PORT"], HARDSHIP_TODAY="2026-12-28"),
    )

    assert result.returncode == 0, result.stderr
    summary = result.stdout.splitlines()[0]
    assert "批准 0 件" in summary and "7 件未能批准：尚无2027年的节假日安排" in summary, summary
    assert f"（工作日历：http://127.0.0.1:{config['GATEWAY_PORT']}/calendar）" in summary, summary


def test_demo_without_a_running_system_says_so_in_one_line(tmp_path):
    result = hardship(
        "demo",
        "--sheet",
        str(SHARED_DATA / "workers_sample.csv"),
        env={"GATEWAY_PORT": str(free_port()), "HARDSHIP_VAR_DIR": str(tmp_path)},
        timeout=60,
    )

    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("系统没有运行")
