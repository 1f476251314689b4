"""The backend services as a gateway worker asks them: each call counted and timed (metrics), and no database
connection held while it waits (a hung service would otherwise drain the gateway's pool)."""

import eventlet

from services.gateway import metrics
from shared.errors import ServiceError
from shared.request_ids import current as current_request_id


class Backend:
    """One backend service (registry, aid or notify), for one gateway worker."""

    def __init__(self, proxy, db):
        self.proxy = proxy
        self.db = db

    def call(self, method: str, *args, timeout=None, **kwargs):
        """The RPC's answer; it waits RPC_TIMEOUT seconds (shared/rpc_proxy.py), or `timeout` when shorter."""
        self.db.rollback()
        method_proxy = getattr(self.proxy, method)
        with metrics.timed_call(method_proxy), eventlet.Timeout(timeout):
            return method_proxy(*args, **kwargs)

    def send(self, method: str, *args) -> None:
        """Ask without waiting for the answer."""
        getattr(self.proxy, method).call_async(*args)


class Submissions:
    """Applications submitted at the same moment travel to aid in one call (see shared/coalesce.py)."""

    def __init__(self, coalescing, aid: Backend):
        self.coalescing = coalescing
        self.aid = aid

    def submit(self, payload: dict, actor: str, scope: str | None) -> dict:
        """The submitted application's view, or its refusal raised as a ServiceError (API and console alike); `scope`
        is the caller's unit."""
        self.aid.db.rollback()  # as in Backend.call: this worker may wait on another's RPC to aid
        outcome = self.coalescing(
            {"payload": payload, "actor": actor, "request_id": current_request_id(), "scope": scope}, self.submit_many
        )
        if "error" in outcome:
            raise ServiceError(*outcome["error"])
        return outcome["application"]

    def submit_many(self, submissions: list[dict]) -> list[dict]:
        return self.aid.call("submit_applications", submissions)
