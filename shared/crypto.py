"""Encryption at rest for ID, phone and bank numbers (AES-256-GCM), and keyed BLAKE2b hashes for exact lookup."""
import base64
import hashlib
import logging
import os

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
        raw = base64.b64decode(token[len(CIPHER_PREFIX):])
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def lookup_hash(self, value: str) -> str:
        hasher = self._hasher.copy()
        hasher.update(value.encode())
        return hasher.hexdigest()


def load_master_key(config=None) -> bytes:
    configured = setting("DATA_KEY", config)
    if configured:
        return configured.encode()
    path = var_dir(config) / "data.key"
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    log.warning("DATA_KEY 未设置：使用开发密钥 %s。生产环境必须设置 DATA_KEY，并妥善备份。", path)
    return path.read_text().strip().encode()
