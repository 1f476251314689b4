"""Request ids: which client ids are kept, and the id on every log line of the greenthread that logs it."""

import io
import logging

import eventlet
import pytest

from hardship_cli.runner import LOG_FORMAT
from shared import request_ids


@pytest.mark.parametrize("offered", ["abc", "req-2026.01:42_x", "A" * 64, "0123456789abcdef0123456789abcdef"])
def test_a_short_plain_client_id_is_kept(offered):
    assert request_ids.accepted_or_new(offered) == offered


@pytest.mark.parametrize(
    "offered",
    [
        None,
        "",
        "A" * 65,
        "has space",
        "semi;colon",
        "line\nbreak",
        "-starts-with-dash",
        "名字",
        'x"y',
        "13800138000",
        "110105199003071234",
        "6222078651237160091",  # personal numbers never reach a log line
        "case-13800138000",
        "file-110105199001011234",
        "a1-6222078651237160091",  # nor behind a prefix scrub lets pass
    ],
)
def test_anything_else_gets_a_new_id(offered):
    made = request_ids.accepted_or_new(offered)
    assert made != offered and len(made) == 32 and int(made, 16) >= 0


def test_new_ids_differ():
    assert request_ids.accepted_or_new(None) != request_ids.accepted_or_new(None)


@pytest.fixture
def log_lines():
    previous = logging.getLogRecordFactory()
    request_ids.install_log_record_ids()
    request_ids.install_log_record_ids()  # a second install adds nothing
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT.format(service="aid")))
    logger = logging.getLogger("tests.request_ids")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, lambda: stream.getvalue().splitlines()
    logger.removeHandler(handler)
    logging.setLogRecordFactory(previous)


def test_each_greenthread_logs_its_own_request_id(log_lines):
    logger, lines = log_lines

    def work(request_id):
        request_ids.bind(request_id)
        eventlet.sleep(0.01)  # the other greenthread binds its id meanwhile
        logger.info("done %s", request_id)

    def outer():
        request_ids.bind("outer")
        threads = [eventlet.spawn(work, name) for name in ("first", "second")]
        for thread in threads:
            thread.wait()
        logger.info("still the outer request")

    eventlet.spawn(outer).wait()
    logger.info("no request")

    written = [line.split(" aid INFO tests.request_ids ", 1)[1] for line in lines()]
    assert sorted(written[:2]) == ["request_id=first: done first", "request_id=second: done second"]
    assert written[2:] == ["request_id=outer: still the outer request", "request_id=-: no request"]
