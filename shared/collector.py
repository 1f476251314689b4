"""Fewer runs of CPython's cyclic garbage collector while a bulk job allocates row after row."""

import gc
import threading
from contextlib import contextmanager

# By default the youngest generation is collected every 700 net allocations. A bulk job keeps a whole
# chunk of rows alive at a time, so those collections keep promoting them, and every tenth middle
# collection then becomes a full one scanning the whole heap: about one per 5000-row import chunk.
BULK_THRESHOLD = 20_000

_lock = threading.Lock()
_jobs = 0
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections():
    """Raise the collector's first threshold for the process while any bulk job runs; the last one to end restores it."""
    global _jobs, _saved
    with _lock:
        if _jobs == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(BULK_THRESHOLD, _saved[0]), *_saved[1:])
        _jobs += 1
    try:
        yield
    finally:
        with _lock:
            _jobs -= 1
            if _jobs == 0:
                gc.set_threshold(*_saved)
