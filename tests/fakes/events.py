"""Plausible events of every type, built through their schemas, for tests that publish events themselves."""

from typing import Any

from shared.event_types import build

_WORKER: dict[str, Any] = {
    "worker_id": "w" * 32,
    "category": "deep",
    "union": "测试工会",
    "org_unit_id": "b" * 32,
    "status": "active",
    "household_size": 3,
    "filed_on": "2026-01-05",
    "review_due_on": "2027-01-05",
}
_APPLICATION: dict[str, Any] = {
    "application_id": "a" * 32,
    "campaign_id": "c" * 32,
    "worker_id": "w" * 32,
    "org_unit_id": "b" * 32,
    "program": "warmth",
    "from_status": None,
    "amount_fen": 300_000,
    "reason": None,
    "campaign_name": "2026年春节送温暖",
    "publicity_ends_on": None,
}
_ORG_UNIT: dict[str, Any] = {
    "org_unit_id": "u" * 32,
    "name": "城东区工会",
    "parent_id": "r" * 32,
    "level": "district",
    "path": ["r" * 32],
    "version": 1,
}
FIELDS: dict[str, dict[str, Any]] = {
    "worker_registered": _WORKER,
    "worker_updated": {**_WORKER, "version": 2, "changed": ["household_size"]},
    "worker_status_changed": {**_WORKER, "status": "exited", "from_status": "active", "reason": "退休"},
    "org_unit_created": _ORG_UNIT,
    "org_unit_updated": {**_ORG_UNIT, "name": "城东区总工会", "version": 2},
    "application_submitted": {**_APPLICATION, "status": "submitted"},
    "application_approved": {
        **_APPLICATION,
        "status": "publicizing",
        "from_status": "submitted",
        "publicity_ends_on": "2026-12-10",
    },
    "application_rejected": {**_APPLICATION, "status": "rejected", "from_status": "submitted", "reason": "材料不全"},
    "application_withdrawn": {**_APPLICATION, "status": "withdrawn", "from_status": "submitted"},
    "application_ready": {**_APPLICATION, "status": "ready", "from_status": "publicizing"},
    "application_disbursed": {**_APPLICATION, "status": "disbursed", "from_status": "paying"},
    "application_payment_failed": {**_APPLICATION, "status": "payment_failed", "from_status": "paying"},
    "donation_received": {
        "donation_id": "d" * 32,
        "donor_id": "o" * 32,
        "campaign_id": None,
        "amount_fen": 50_000,
        "received_on": "2026-12-01",
    },
    "sms_status_changed": {
        "notification_id": "n" * 32,
        "application_id": "a" * 32,
        "worker_id": "w" * 32,
        "template": "submitted",
        "status": "sent",
        "provider": "console",
    },
}


def sample(event_type: str, **changes) -> dict:
    """A new event of this type (its own event_id) as a producer would publish it, with `changes` to its fields."""
    return build(event_type, **{**FIELDS[event_type], **changes})
