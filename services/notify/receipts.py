"""Delivery receipts: matched to the message they report on, each one counted once however often it arrives."""

from sqlalchemy import or_, select, update

from services.notify.messages import status_event
from services.notify.models import messages, receipts
from shared.db import insert_or_skip
from shared.events import now_utc

# a receipt may overtake the dispatcher's own record of the send, and settles an unknown outcome either way
DELIVERABLE = ("sending", "sent", "failed")
FAILABLE = ("sending", "sent")


def _message_of(session, provider: str, receipt):
    """The message the receipt reports on, if this provider is the one that sent it: a receipt from another (the
    console's need no token at all) must not move a message it never carried."""
    conditions = []
    if receipt.provider_message_id:
        conditions.append(messages.c.provider_message_id == receipt.provider_message_id)
    if receipt.notification_id:
        conditions.append(messages.c.notification_id == receipt.notification_id)
    if not conditions:
        return None
    return session.execute(select(messages).where(messages.c.provider == provider, or_(*conditions))).first()


def apply(session, provider: str, parsed) -> dict:
    """Record each receipt and move its message; returns how many were new, repeated and unmatched."""
    counts = {"accepted": 0, "duplicates": 0, "unmatched": 0}
    for receipt in parsed:
        row = _message_of(session, provider, receipt)
        if row is None:
            counts["unmatched"] += 1
            continue
        now = now_utc()
        if not insert_or_skip(
            session,
            receipts,
            {
                "receipt_key": receipt.raw_key[:200],
                "provider": provider,
                "notification_id": row.notification_id,
                "delivered": receipt.delivered,
                "code": receipt.code[:80],
                "received_at": now,
            },
        ):
            counts["duplicates"] += 1
            continue
        counts["accepted"] += 1
        if receipt.delivered:
            values = {"status": "delivered", "delivered_at": receipt.reported_at or now, "last_error": None}
            allowed = DELIVERABLE
        else:
            values = {
                "status": "failed",
                "last_error": f"运营商回执：未送达（{receipt.code} {receipt.description}）".strip(),
            }
            allowed = FAILABLE
        moved = session.execute(
            update(messages)
            .where(messages.c.notification_id == row.notification_id, messages.c.status.in_(allowed))
            .values(
                updated_at=now, provider_message_id=row.provider_message_id or receipt.provider_message_id, **values
            )
        ).rowcount
        if moved:
            status_event(session, row, values["status"], provider)
    session.commit()
    return counts
