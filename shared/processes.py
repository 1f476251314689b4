"""Child processes that never outlive the process that started them."""

import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def stop_with_parent() -> None:
    """Called in a child (as a Popen preexec_fn, or first thing in its main): on Linux it gets SIGTERM when its
    parent dies, even by kill -9, so nothing is left running without the process that owns it. Elsewhere it does
    nothing."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
