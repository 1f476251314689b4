"""What anyone may see without signing in: the public notice (公示) and a status lookup. Masked only."""
import hmac

from sqlalchemy import select

from shared.errors import not_found
from services.aid import applications as application_store
from services.aid import campaigns as campaign_store
from services.aid.models import applications
from services.aid.workflow import PUBLIC


def publicity(session, campaign_id: str) -> dict:
    campaign = campaign_store.load(session, campaign_id)
    rows = session.execute(
        select(applications)
        .where(applications.c.campaign_id == campaign.campaign_id, applications.c.status.in_(PUBLIC))
        .order_by(applications.c.union, applications.c.created_at)
    ).all()
    detail = "category" if campaign.program == "warmth" else "level"
    return {
        "campaign_id": campaign.campaign_id, "name": campaign.name, "program": campaign.program,
        "items": [
            {"name": row.name_masked, "id_number": row.id_number_masked, "union": row.union,
             detail: row._mapping[detail], "amount_fen": row.amount_fen, "status": row.status,
             "publicity_ends_on": row.publicity_ends_on.isoformat() if row.publicity_ends_on else None}
            for row in rows
        ],
    }


def status(session, application_id: str, id_last4: str) -> dict:
    """The same 404 for an unknown application and for a wrong ID tail, so neither can be probed."""
    row = application_store.load(session, application_id)
    if not hmac.compare_digest(row.id_last4.upper().encode(), (id_last4 or "").strip().upper().encode()):
        raise not_found("申请")
    return {"status": row.status, "program": row.program, "updated_at": row.updated_at.isoformat()}
