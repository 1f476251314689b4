"""A client's mistake is not a server error.

nameko logs an entrypoint's expected exception at WARNING with its full traceback ("(expected) error
handling worker …"), and anything else at ERROR. The project's RPC entrypoints declare its business
error (ServiceError: an unknown id, a refused transition) expected, and this filter on nameko's
container logger turns that record into one line without a traceback: INFO for a refusal of the
client's request (4xx), WARNING for the rest. Unexpected exceptions keep their ERROR and traceback.
"""

import logging

from shared.errors import ServiceError

CONTAINER_LOGGER = "nameko.containers"


class BriefExpectedErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ServiceError) and str(record.msg).startswith("(expected)"):
            level = logging.INFO if 400 <= error.status < 500 else logging.WARNING
            if not logging.getLogger(record.name).isEnabledFor(level):  # the logger checked WARNING, not this level
                return False
            record.levelno, record.levelname = level, logging.getLevelName(level)
            record.exc_info = record.exc_text = None
        return True


def log_expected_errors_briefly() -> None:
    """Idempotent: a process runs several containers, each with many entrypoints."""
    logger = logging.getLogger(CONTAINER_LOGGER)
    if not any(isinstance(f, BriefExpectedErrors) for f in logger.filters):
        logger.addFilter(BriefExpectedErrors())
