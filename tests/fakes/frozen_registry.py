"""A registry that hangs, as if its process were frozen: every worker (RPC, event, timer) is held before it runs
until `Freeze.thawed` is sent. Tests give Freeze a new Event each (monkeypatch)."""

import eventlet
from nameko.extensions import DependencyProvider

from services.registry.service import RegistryService


class Freeze(DependencyProvider):
    thawed = eventlet.Event()

    def worker_setup(self, worker_ctx):
        Freeze.thawed.wait()


class FrozenRegistry(RegistryService):
    frozen = Freeze()
