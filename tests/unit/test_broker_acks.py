"""A message acknowledged or requeued as the broker goes down: the service lives on, the broker keeps the message."""

import logging
from types import SimpleNamespace

import pytest
from nameko.messaging import QueueConsumer

import shared.retry  # noqa: F401  (every consuming entrypoint's module brings the rule in)
import shared.rpc  # noqa: F401


class ResetMessage:
    """A message whose connection looked alive to nameko's check, and whose socket the broker has just reset."""

    def __init__(self, error: BaseException):
        self.channel = SimpleNamespace(connection=object())
        self.error = error

    def ack(self):
        raise self.error

    def requeue(self):
        raise self.error


@pytest.mark.parametrize("settle", ["ack_message", "requeue_message"])
@pytest.mark.parametrize("error", [ConnectionResetError(104, "Connection reset by peer"), BrokenPipeError(32, "pipe")])
def test_a_lost_connection_is_logged_and_left_to_the_broker(settle, error, caplog):
    consumer = QueueConsumer.__new__(QueueConsumer)
    with caplog.at_level(logging.WARNING, logger="shared.broker_acks"):
        getattr(consumer, settle)(ResetMessage(error))
    assert "the broker will deliver it again" in caplog.text
    assert type(error).__name__ in caplog.text


def test_any_other_failure_still_raises():
    consumer = QueueConsumer.__new__(QueueConsumer)
    with pytest.raises(ValueError):
        consumer.ack_message(ResetMessage(ValueError("a bug, not the broker")))
