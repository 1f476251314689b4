"""Every service's edge: the core's errors in the terms of the HTTP contract (CONTRACT.md).

A refusal is 409, something that does not exist 404, something the caller's place does not allow 403, a request
that is wrong 400; code, message and extra fields are passed on as they are.
"""

import functools
import inspect

from shared.domain_errors import DomainError, Forbidden, Invalid, NotFound
from shared.errors import ServiceError, validation_error


def service_error(error: DomainError) -> ServiceError:
    if isinstance(error, Invalid):
        return validation_error(error.fields, error.message)
    status = 404 if isinstance(error, NotFound) else 403 if isinstance(error, Forbidden) else 409
    return ServiceError(error.code, error.message, status, extra=error.extra)


def answers_in_contract_terms(method):
    """The entrypoint raises ServiceError where the core raised a DomainError. The signature stays the method's,
    so nameko still checks the arguments of a call."""

    @functools.wraps(method)
    def entrypoint(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except DomainError as error:
            raise service_error(error) from error

    entrypoint.__signature__ = inspect.signature(method)
    return entrypoint
