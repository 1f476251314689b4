"""Encryption at rest, DATA_KEY and the development key."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from shared.crypto import InvalidDataKey, Vault, check_data_key, load_master_key

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC_KEY = "c3ludGhldGljLXVuaXQtZGF0YS1rZXktMzItYnl0ZXM="  # base64 of 32 bytes of synthetic text


def test_a_value_comes_back_and_is_never_stored_the_same_way_twice():
    vault = Vault(b"key")
    first, second = vault.encrypt("440106197907124050"), vault.encrypt("440106197907124050")

    assert first != second
    assert "440106197907124050" not in first
    assert vault.decrypt(first) == vault.decrypt(second) == "440106197907124050"


def test_a_tampered_or_foreign_ciphertext_is_refused():
    sealed = Vault(b"key").encrypt("13800138000")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")

    with pytest.raises(InvalidTag):
        Vault(b"key").decrypt(tampered)
    with pytest.raises(InvalidTag):
        Vault(b"another key").decrypt(sealed)


def test_lookup_hashes_match_for_the_same_key_only():
    assert Vault(b"key").lookup_hash("x") == Vault(b"key").lookup_hash("x")
    assert Vault(b"key").lookup_hash("x") != Vault(b"other").lookup_hash("x")
    assert Vault(b"key").lookup_hash("x") != Vault(b"key").lookup_hash("y")


def test_without_data_key_a_private_development_key_is_made_once_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("DATA_KEY", raising=False)
    config = {"HARDSHIP_VAR_DIR": str(tmp_path)}

    with caplog.at_level(logging.WARNING):
        first = load_master_key(config)
    second = load_master_key(config)

    assert first == second and len(first) >= 32
    assert (tmp_path / "data.key").stat().st_mode & 0o777 == 0o600
    assert "DATA_KEY 未设置" in caplog.text


def test_data_key_wins_over_the_development_key(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_KEY", SYNTHETIC_KEY)

    assert load_master_key({"HARDSHIP_VAR_DIR": str(tmp_path)}) == SYNTHETIC_KEY.encode()
    assert not (tmp_path / "data.key").exists()


@pytest.mark.parametrize(
    "key",
    [
        "production-secret",  # not base64
        "c2hvcnQta2V5",  # base64, but 9 bytes
        SYNTHETIC_KEY[:-4],  # 29 bytes (and no padding)
        SYNTHETIC_KEY + "!",
    ],
)
def test_a_data_key_that_is_short_or_not_base64_is_refused(tmp_path, key):
    config = {"HARDSHIP_VAR_DIR": str(tmp_path), "DATA_KEY": key}

    with pytest.raises(InvalidDataKey, match="DATA_KEY 无效"):
        check_data_key(config)
    with pytest.raises(InvalidDataKey):
        load_master_key(config)
    assert not (tmp_path / "data.key").exists()


def test_url_safe_and_standard_base64_keys_are_both_accepted(tmp_path):
    url_safe = "-_-_" + SYNTHETIC_KEY[4:]
    for key in (SYNTHETIC_KEY, url_safe, f"  {SYNTHETIC_KEY}\n"):
        assert load_master_key({"HARDSHIP_VAR_DIR": str(tmp_path), "DATA_KEY": key}) == key.encode()


def test_a_service_with_a_bad_data_key_refuses_to_start_with_one_line(tmp_path):
    env = {**os.environ, "DATA_KEY": "too-short", "HARDSHIP_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "hardship_cli.runner", "registry"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "registry: DATA_KEY 无效：应为至少 32 字节随机数的 base64 编码（可用 openssl rand -base64 32 生成）",
    ]


RACER = """
import sys, time
from pathlib import Path
from shared.crypto import load_master_key
go = Path(sys.argv[1]) / "go"
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
print(load_master_key({"HARDSHIP_VAR_DIR": sys.argv[1]}).decode(), flush=True)
"""


def race_for_the_development_key(var_dir: Path, processes: int = 8) -> set[str]:
    env = {key: value for key, value in os.environ.items() if key != "DATA_KEY"}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(var_dir)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(processes)
    ]
    for racer in racers:
        assert racer.stdout.readline() == "ready\n"
    (var_dir / "go").touch()
    return {racer.communicate(timeout=60)[0].strip() for racer in racers}


def test_services_starting_at_once_all_use_one_development_key(tmp_path):
    for round_ in range(5):  # each round is a fresh start: a lost race shows in one round or another
        var_dir = tmp_path / str(round_)
        var_dir.mkdir()
        keys = race_for_the_development_key(var_dir)

        assert keys == {(var_dir / "data.key").read_text()} and len(keys.pop()) == 44
        assert (var_dir / "data.key").stat().st_mode & 0o777 == 0o600
        assert sorted(path.name for path in var_dir.iterdir()) == ["data.key", "go"]  # no temporary file left
