"""Encryption at rest and the development key."""
import logging

import pytest
from cryptography.exceptions import InvalidTag

from shared.crypto import Vault, load_master_key


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
    monkeypatch.setenv("DATA_KEY", "production-secret")

    assert load_master_key({"HARDSHIP_VAR_DIR": str(tmp_path)}) == b"production-secret"
    assert not (tmp_path / "data.key").exists()
