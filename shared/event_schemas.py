"""What every event on the bus says: one marshmallow schema per (source service, event type).

The wire format is JSON: dates and times as ISO 8601 strings, money as integer fen. Producers build
events through these schemas and consumers read them through the same ones (shared.event_types).
A key a newer producer adds is left out when read (unknown=EXCLUDE); a key the schema requires and
the payload lacks is refused. No full ID, phone or bank numbers: ids and categories only.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.org_levels import ORG_LEVELS
from shared.worker_statuses import WORKER_STATUSES


def _required_text() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1))


def _optional_text() -> fields.String:
    return fields.String(load_default=None, allow_none=True)


def _status(status: str) -> fields.String:
    return fields.String(required=True, validate=validate.Equal(status))


class EventSchema(Schema):
    """The envelope: a unique id, when it happened, the schema version, and the request that caused it."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    occurred_at = fields.AwareDateTime(required=True)
    schema_version = fields.Integer(required=True, strict=True)
    request_id = _optional_text()


class WorkerEventSchema(EventSchema):
    """What registry events say about a worker's file."""

    worker_id = _required_text()
    category = _required_text()
    union = _required_text()
    org_unit_id = _optional_text()  # the file's union unit; none in events sent before files had one
    status = fields.String(required=True, validate=validate.OneOf(WORKER_STATUSES))
    household_size = fields.Integer(required=True, strict=True)
    filed_on = fields.Date(required=True)
    review_due_on = fields.Date(required=True)


class WorkerRegisteredSchema(WorkerEventSchema):
    pass


class WorkerUpdatedSchema(WorkerEventSchema):
    # the file's version as written (one more at every write): consumers keep the unit of the newest one they were told
    # and take no older one (shared/worker_unit_copy.py); every worker_updated ever published carries it
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    changed = fields.List(fields.String(), required=True)


class WorkerStatusChangedSchema(WorkerEventSchema):
    from_status = fields.String(required=True, validate=validate.OneOf(WORKER_STATUSES))
    reason = _optional_text()


class OrgUnitEventSchema(EventSchema):
    """A union unit as it now is: other services keep the paths they need from these (shared/org_paths.py)."""

    org_unit_id = _required_text()
    name = _required_text()
    parent_id = _optional_text()  # none: the root
    level = fields.String(required=True, validate=validate.OneOf(ORG_LEVELS))
    path = fields.List(fields.String(), required=True)  # the ancestors' ids, root first
    version = fields.Integer(required=True, strict=True)  # a later version replaces an earlier, never the reverse


class OrgUnitCreatedSchema(OrgUnitEventSchema):
    pass


class OrgUnitUpdatedSchema(OrgUnitEventSchema):
    pass


class ApplicationEventSchema(EventSchema):
    """An application that moved from one status to another; each event type names the status it moved to."""

    application_id = _required_text()
    campaign_id = _required_text()
    worker_id = _required_text()
    org_unit_id = _optional_text()  # the worker's union unit; none in events sent before applications had one
    program = _required_text()
    from_status = _optional_text()
    amount_fen = fields.Integer(required=True, strict=True)
    reason = _optional_text()
    campaign_name = _required_text()
    publicity_ends_on = fields.Date(load_default=None, allow_none=True)


class ApplicationSubmittedSchema(ApplicationEventSchema):
    status = _status("submitted")


class ApplicationApprovedSchema(ApplicationEventSchema):
    status = _status("publicizing")
    publicity_ends_on = fields.Date(required=True)  # the public notice runs until then


class ApplicationRejectedSchema(ApplicationEventSchema):
    status = _status("rejected")


class ApplicationWithdrawnSchema(ApplicationEventSchema):
    status = _status("withdrawn")


class ApplicationReadySchema(ApplicationEventSchema):
    status = _status("ready")


class ApplicationDisbursedSchema(ApplicationEventSchema):
    status = _status("disbursed")


class ApplicationPaymentFailedSchema(ApplicationEventSchema):
    status = _status("payment_failed")


class DonationReceivedSchema(EventSchema):
    donation_id = _required_text()
    donor_id = _required_text()
    campaign_id = _optional_text()  # none: unrestricted money
    amount_fen = fields.Integer(required=True, strict=True)
    received_on = fields.Date(required=True)


class SmsStatusChangedSchema(EventSchema):
    notification_id = _required_text()
    application_id = _required_text()
    worker_id = _required_text()
    template = _required_text()
    status = _required_text()
    provider = _optional_text()


EVENT_SCHEMAS: dict[tuple[str, str], type[EventSchema]] = {
    ("registry", "worker_registered"): WorkerRegisteredSchema,
    ("registry", "worker_updated"): WorkerUpdatedSchema,
    ("registry", "worker_status_changed"): WorkerStatusChangedSchema,
    ("registry", "org_unit_created"): OrgUnitCreatedSchema,
    ("registry", "org_unit_updated"): OrgUnitUpdatedSchema,
    ("aid", "application_submitted"): ApplicationSubmittedSchema,
    ("aid", "application_approved"): ApplicationApprovedSchema,
    ("aid", "application_rejected"): ApplicationRejectedSchema,
    ("aid", "application_withdrawn"): ApplicationWithdrawnSchema,
    ("aid", "application_ready"): ApplicationReadySchema,
    ("aid", "application_disbursed"): ApplicationDisbursedSchema,
    ("aid", "application_payment_failed"): ApplicationPaymentFailedSchema,
    ("aid", "donation_received"): DonationReceivedSchema,
    ("notify", "sms_status_changed"): SmsStatusChangedSchema,
}
