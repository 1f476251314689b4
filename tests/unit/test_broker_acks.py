"""A message that cannot be acknowledged or requeued (the broker going down): the service lives on, the broker keeps it."""

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


@pytest.mark.parametrize("settle", ["ack_message", "requeue_message"])
def test_any_other_failure_is_logged_as_an_error_and_left_to_the_broker(settle, caplog):
    consumer = QueueConsumer.__new__(QueueConsumer)
    second_writer = RuntimeError("Second simultaneous write on fileno 7 detected.")
    with caplog.at_level(logging.WARNING, logger="shared.broker_acks"):
        getattr(consumer, settle)(ResetMessage(second_writer))
    [record] = caplog.records
    assert record.levelname == "ERROR" and record.exc_info[1] is second_writer
    assert "the broker will deliver it again" in record.getMessage()
