"""A client's mistake is logged once, briefly; a failure of the service keeps its ERROR and traceback."""

import logging

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy

from services.aid.service import AidService
from shared.errors import ServiceError
from shared.rpc import rpc


@pytest.fixture
def db_backend():
    """What an RPC failure logs; the database plays no part."""
    return "sqlite"


class Fragile:
    name = "fragile"

    @rpc
    def divide(self, value):
        return 1 / value


def worker_records(caplog) -> list[logging.LogRecord]:
    return [
        record for record in caplog.records if record.name == "nameko.containers" and "error handling" in record.msg
    ]


def test_an_unknown_id_is_one_info_line_and_a_bug_an_error_with_its_traceback(config, runner_factory, caplog):
    caplog.set_level(logging.INFO)
    runner_factory(config, AidService, Fragile).start()

    with ServiceRpcProxy("aid", config, timeout=20) as aid:
        with pytest.raises(ServiceError) as refused:
            aid.public_status("0123456789abcdef0123456789abcdef", "1234")
    assert refused.value.status == 404
    [record] = worker_records(caplog)
    assert (record.levelno, record.exc_info, record.exc_text) == (logging.INFO, None, None)
    assert "aid.public_status" in record.getMessage() and "not_found" in record.getMessage()
    assert "Traceback" not in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]

    caplog.clear()
    with ServiceRpcProxy("fragile", config, timeout=20) as fragile:
        with pytest.raises(RemoteError, match="ZeroDivisionError"):
            fragile.divide(0)
    [record] = worker_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info[0] is ZeroDivisionError
    assert "Traceback" in caplog.text and "1 / value" in caplog.text
