"""What anyone may see without signing in: the public notice (公示) and a status lookup. Masked only."""

import hmac

from sqlalchemy import select

from services.aid import applications as application_store
from services.aid import campaigns as campaign_store
from services.aid.answers import PublicitySchema, PublicStatusSchema
from services.aid.domain.statuses import PUBLIC
from services.aid.models import applications
from shared.answers import Shown
from shared.application_numbers import as_short_number, as_typed
from shared.domain_errors import NotFound

PUBLICITY, PUBLIC_STATUS = PublicitySchema(), PublicStatusSchema()


def publicity(session, campaign_id: str) -> dict:
    campaign = campaign_store.load(session, campaign_id)
    detail = applications.c.category if campaign.program == "warmth" else applications.c.level
    rows = session.execute(
        # the programme's own detail only: the other one is left out of the answer, not shown as null
        select(
            applications.c.name_masked,
            applications.c.id_number_masked,
            applications.c.union,
            detail,
            applications.c.amount_fen,
            applications.c.status,
            applications.c.publicity_ends_on,
        )
        .where(applications.c.campaign_id == campaign.campaign_id, applications.c.status.in_(PUBLIC))
        .order_by(applications.c.union, applications.c.created_at)
    ).all()
    return PUBLICITY.dump(Shown(campaign, items=rows))


def status(session, application_id: str, id_last4: str) -> dict:
    """By the full id or the SMS's 编号 (an indexed column), answered only for the right ID tail."""
    number = as_short_number(application_id)
    if number is None:
        candidates = [application_store.load(session, application_id.strip().lower())]
    else:
        candidates = session.execute(select(applications).where(applications.c.short_number == number)).all()
    row = the_one_with_tail(candidates, id_last4)
    if row is None:
        raise NotFound("申请")
    return PUBLIC_STATUS.dump(row)


def the_one_with_tail(candidates, id_last4: str | None):
    """The only candidate whose ID number ends in `id_last4` (an X in either case), else None: the same 404 then
    for an unknown application, a wrong tail, and a 编号 two applications with this tail share, so none can be
    probed and no one is ever shown another worker's status."""
    tail = as_typed(id_last4 or "").encode()
    matching = [row for row in candidates if hmac.compare_digest(row.id_last4.upper().encode(), tail)]
    return matching[0] if len(matching) == 1 else None
