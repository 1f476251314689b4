"""The application statuses, for the gateway's import (services/gateway/api_schemas.py) until it imports them from
services/aid/domain/statuses.py, where the status machine now lives; then this module goes."""

from services.aid.domain.statuses import STATUSES

__all__ = ["STATUSES"]
