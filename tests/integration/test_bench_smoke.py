"""`make bench` keeps working: its parts run end to end at a small size and end with the summary table.

Small means the anchors too (they scale with the size: see aid_bench.RPC_CALLS_PER_CLIENT and
pipeline_bench.PIKA_MESSAGES), and two rounds of the pipeline rather than ROUNDS: enough to pick the median one."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 2


@pytest.mark.timeout(600)
def test_the_benchmarks_run_at_a_small_size():
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            f"--rounds={ROUNDS}",
            "import=300",
            "aid=100",
            "funds=100",
            "pipeline=250",
            "scope=2000",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=580,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    table = finished.stdout[finished.stdout.index("汇总：") :]
    for part in ("导入", "审批", "资金", "全流程", "范围检索", "统计报表"):
        assert part in table, table
    # the pipeline's stages overlap: while some applications are still being approved, others go to the bank
    bank_batches = [int(count) for count in re.findall(r"(\d+) 个银行批次", finished.stdout)]
    assert len(bank_batches) == ROUNDS and min(bank_batches) > 1, finished.stdout[-3000:]
