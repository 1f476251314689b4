"""The filter that keeps nameko's log of an expected business error to one line."""

import logging
import sys

import pytest

from shared.errors import ServiceError, not_found
from shared.expected_errors import BriefExpectedErrors


def record_of(error: Exception, message: str) -> logging.LogRecord:
    try:
        raise error
    except Exception:
        exc_info = sys.exc_info()
    return logging.LogRecord("nameko.containers", logging.WARNING, __file__, 1, message, ("worker", error), exc_info)


@pytest.fixture
def container_logger():
    logger = logging.getLogger("nameko.containers")
    level = logger.level
    yield logger
    logger.setLevel(level)


def test_a_refusal_becomes_info_and_a_service_side_business_error_stays_a_warning_both_without_traceback(
    container_logger,
):
    container_logger.setLevel(logging.INFO)
    refusal = record_of(not_found("申请"), "(expected) error handling worker %s: %s")
    unavailable = record_of(
        ServiceError("service_unavailable", "稍后重试", 503), "(expected) error handling worker %s: %s"
    )

    assert BriefExpectedErrors().filter(refusal) and BriefExpectedErrors().filter(unavailable)
    assert (refusal.levelname, refusal.exc_info, unavailable.levelname, unavailable.exc_info) == (
        "INFO",
        None,
        "WARNING",
        None,
    )
    assert logging.Formatter().format(refusal) == "(expected) error handling worker worker: not_found: 申请不存在"


def test_other_records_are_left_as_they_are():
    bug = record_of(ZeroDivisionError("division by zero"), "error handling worker %s: %s")
    assert BriefExpectedErrors().filter(bug)
    assert bug.levelname == "WARNING" and bug.exc_info[0] is ZeroDivisionError


def test_a_refusal_is_dropped_when_info_is_not_logged(container_logger):
    container_logger.setLevel(logging.WARNING)  # as with LOG_LEVEL=WARNING
    refusal = record_of(not_found("申请"), "(expected) error handling worker %s: %s")
    unavailable = record_of(
        ServiceError("service_unavailable", "稍后重试", 503), "(expected) error handling worker %s: %s"
    )

    assert not BriefExpectedErrors().filter(refusal)
    assert BriefExpectedErrors().filter(unavailable) and unavailable.levelname == "WARNING"
