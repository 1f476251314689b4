"""The fault suite (`make faults`) at a size and pace CI can afford: its own broker and database, killed and restarted.

--quick: the same faults and promises, with outages that last until the system notices them rather than a set time,
the desk's rounds without pauses and poison retried within seconds (see faults/__main__.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE = int(os.environ.get("HARDSHIP_FAULTS_SIZE", "100"))


@pytest.mark.faults
@pytest.mark.timeout(1500)
def test_no_promise_breaks_under_kills_restarts_outages_and_poison():
    suite = subprocess.Popen(
        [sys.executable, "-m", "faults", "--quick", "--size", str(SIZE)],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        stdout, stderr = suite.communicate(timeout=1400)
    except subprocess.TimeoutExpired:
        suite.terminate()  # the suite stops its own broker, database and services on SIGTERM
        stdout, stderr = suite.communicate(timeout=120)

    report = stdout + stderr
    assert suite.returncode == 0, report
    for promise in (
        "丢失（lost）：0",
        "重复短信（duplicate SMS）：0 条重复记录，0 次重复发送",
        "重复支付（double payments）：0",
        "账本平衡（ledger balanced）：是",
        "全部承诺都守住了。",
    ):
        assert promise in stdout, report
    for fault in (
        "kill -9 registry",
        "kill -9 aid",
        "kill -9 notify",
        "kill -9 gateway",
        "restart RabbitMQ",
        "stop PostgreSQL",
        "poison messages",
    ):
        assert f"故障：{fault}" in stdout, report
