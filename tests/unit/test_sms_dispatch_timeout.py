"""A registry that does not answer fails the dispatcher's tick with an ordinary exception: nameko's worker
handles it and the timer ticks again (eventlet's own Timeout, a BaseException, would stop the timer for good)."""

from types import SimpleNamespace

import eventlet
import pytest

from services.notify.dispatch import Dispatcher


class SilentRegistry:
    def contacts(self, worker_ids):
        eventlet.sleep(5)


def test_a_registry_that_does_not_answer_fails_the_tick_with_an_ordinary_exception():
    dispatcher = SimpleNamespace(rpc_timeout=0.05)
    with pytest.raises(Exception) as failure:
        Dispatcher.plan(dispatcher, None, SilentRegistry(), [SimpleNamespace(worker_id="w" * 32)], None)
    assert isinstance(failure.value, TimeoutError) and "registry" in str(failure.value)
