"""Encryption at rest for ID, phone and bank numbers (AES-256-GCM), and keyed BLAKE2b hashes for exact lookup."""

import base64
import hashlib
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.config import setting, var_dir

log = logging.getLogger(__name__)
CIPHER_PREFIX = "v1:"


class Vault:
    def __init__(self, master_key: bytes):
        self.master_key = master_key  # for a process of our own doing part of the work (an import's checks)
        self._aead = AESGCM(hashlib.sha256(b"hardship/encrypt/" + master_key).digest())
        # the keyed state is set up once and copied for each hash
        self._hasher = hashlib.blake2b(key=hashlib.sha256(b"hardship/lookup/" + master_key).digest(), digest_size=32)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), None)
        return CIPHER_PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.b64decode(token[len(CIPHER_PREFIX) :])
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def lookup_hash(self, value: str) -> str:
        hasher = self._hasher.copy()
        hasher.update(value.encode())
        return hasher.hexdigest()


class InvalidDataKey(ValueError):
    """DATA_KEY is set but is not a key: the service must not start with it."""


MIN_KEY_BYTES = 32


def checked_data_key(value: str) -> bytes:
    """DATA_KEY exactly as given (its text is the key material, as it always was, so data sealed before still
    opens), once it is known to hold at least 32 random bytes in base64 (standard or URL-safe alphabet, as
    `openssl rand -base64 32` prints)."""
    try:
        raw = base64.b64decode(value.strip().replace("-", "+").replace("_", "/"), validate=True)
    except ValueError:
        raw = b""
    if len(raw) < MIN_KEY_BYTES:
        raise InvalidDataKey(
            f"DATA_KEY 无效：应为至少 {MIN_KEY_BYTES} 字节随机数的 base64 编码（可用 openssl rand -base64 32 生成）"
        )
    return value.encode()


def _read_key(path: Path) -> bytes:
    return path.read_text().strip().encode()


def _create_once(path: Path) -> None:
    """Writes a new key to a private temporary file and links it into place; when several processes start at
    once, the first link wins and the others' keys are thrown away, so every process reads the same key."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(base64.urlsafe_b64encode(os.urandom(MIN_KEY_BYTES)).decode())
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def check_data_key(config=None) -> None:
    """Raises InvalidDataKey for a DATA_KEY that is set but too short or not base64 (unset: the development key)."""
    configured = setting("DATA_KEY", config)
    if configured:
        checked_data_key(configured)


def load_master_key(config=None) -> bytes:
    configured = setting("DATA_KEY", config)
    if configured:
        return checked_data_key(configured)
    path = var_dir(config) / "data.key"
    if not path.exists():
        _create_once(path)
    log.warning("DATA_KEY 未设置：使用开发密钥 %s。生产环境必须设置 DATA_KEY，并妥善备份。", path)
    return _read_key(path)
