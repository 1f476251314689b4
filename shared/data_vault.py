"""The vault as a nameko dependency: one per service container, its key from DATA_KEY (shared/crypto.py)."""

from nameko.extensions import DependencyProvider

from shared.crypto import Vault, load_master_key


class DataVault(DependencyProvider):
    def setup(self):
        self.vault = Vault(load_master_key(self.container.config))

    def get_dependency(self, worker_ctx) -> Vault:
        return self.vault
