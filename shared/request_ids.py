"""One id per client request, in every log line it causes, across RPC calls and events.

The gateway accepts the client's `X-Request-Id` (or makes one) and puts it in its workers' context
data, which nameko sends along with every RPC call; an event carries it in its payload as
`request_id`, and the handler's worker takes it from there. Each worker binds the id to its own
greenthread, and every log record made there gets it as `record.request_id` ("-" outside any request).
"""

import logging
import re
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from nameko.extensions import DependencyProvider

from shared.masking import scrub

HEADER = "X-Request-Id"
CONTEXT_KEY = "request_id"
ENVIRON_KEY = "hardship.request_id"
NONE = "-"
_ACCEPTABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_DIGIT_RUN = re.compile(r"[0-9]{11,}")  # as long as a mobile number: never kept, whatever surrounds it
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def accepted_or_new(offered: str | None) -> str:
    """The client's id when it is short and plain (and no personal number), else a new one."""
    if offered and _ACCEPTABLE.fullmatch(offered) and scrub(offered) == offered and not _DIGIT_RUN.search(offered):
        return offered
    return secrets.token_hex(16)


def current() -> str | None:
    return _current.get()


def bind(request_id: str | None) -> None:
    """The id of what this greenthread does from now on (each nameko worker has its own greenthread,
    and each HTTP connection its own)."""
    _current.set(request_id)


@contextmanager
def bound(request_id: str | None):
    """The id of what is done inside the block, for work done on behalf of several requests at once."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


def of_worker(worker_ctx) -> str | None:
    """An RPC or event worker's id came in its context data; an HTTP worker's is on its request."""
    request_id = worker_ctx.data.get(CONTEXT_KEY)
    if request_id is None and worker_ctx.args:
        environ = getattr(worker_ctx.args[0], "environ", None)
        request_id = environ.get(ENVIRON_KEY) if isinstance(environ, dict) else None
    return request_id


class RequestIds(DependencyProvider):
    """Binds each worker's request id for its log lines and keeps it in the context data its RPC calls send."""

    def worker_setup(self, worker_ctx):
        request_id = of_worker(worker_ctx)
        if request_id is not None:
            worker_ctx.data[CONTEXT_KEY] = request_id
        bind(request_id)


class _RecordFactory:
    """The log record factory found installed, each of its records given the current request id."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args, **kwargs):
        record = self.previous(*args, **kwargs)
        record.request_id = _current.get() or NONE
        return record


def install_log_record_ids() -> None:
    """Give every log record, whichever handler writes it, a `request_id` attribute. Idempotent."""
    previous = logging.getLogRecordFactory()
    if not isinstance(previous, _RecordFactory):
        logging.setLogRecordFactory(_RecordFactory(previous))
