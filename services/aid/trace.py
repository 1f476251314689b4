"""Where a donor's money went, to the fen, and a gift's public receipt check."""

import hmac

from sqlalchemy import select

from services.aid.funds import load_donor, public_name
from services.aid.models import applications, campaigns, donations, payouts
from shared.errors import not_found


def donor_trace(session, donor_id: str) -> dict:
    load_donor(session, donor_id)
    gifts = session.execute(
        select(donations)
        .where(donations.c.donor_id == donor_id)
        .order_by(donations.c.received_on, donations.c.created_at)
    ).all()
    paid = session.execute(
        select(
            payouts.c.donation_id,
            payouts.c.amount_fen,
            payouts.c.at,
            applications.c.application_id,
            applications.c.program,
            applications.c.name_masked,
        )
        .join(applications, applications.c.application_id == payouts.c.application_id)
        .where(payouts.c.donation_id.in_([gift.donation_id for gift in gifts]))
        .order_by(payouts.c.id)
    ).all()
    session.rollback()
    by_gift: dict[str, list] = {gift.donation_id: [] for gift in gifts}
    for row in paid:
        by_gift[row.donation_id].append(
            {
                "application_id": row.application_id,
                "program": row.program,
                "recipient": row.name_masked,
                "amount_fen": row.amount_fen,
                "disbursed_at": row.at.isoformat(),
            }
        )
    items = [
        {
            "donation_id": gift.donation_id,
            "amount_fen": gift.amount_fen,
            "campaign_id": gift.campaign_id,
            "received_on": gift.received_on.isoformat(),
            "receipt_no": gift.receipt_no,
            "allocated_fen": sum(part["amount_fen"] for part in by_gift[gift.donation_id]),
            "allocations": by_gift[gift.donation_id],
        }
        for gift in gifts
    ]
    donated = sum(item["amount_fen"] for item in items)
    allocated = sum(item["allocated_fen"] for item in items)
    return {
        "donor_id": donor_id,
        "donated_fen": donated,
        "allocated_fen": allocated,
        "unallocated_fen": donated - allocated,
        "donations": items,
    }


def receipt(session, receipt_no: str, verification_code: str) -> dict:
    """A receipt anyone can check with its code; a wrong code looks exactly like an unknown receipt."""
    gift = session.execute(select(donations).where(donations.c.receipt_no == receipt_no)).first()
    if gift is None or not hmac.compare_digest(gift.verification_code.encode(), verification_code.encode()):
        session.rollback()
        raise not_found("收据")
    campaign = (
        gift.campaign_id
        and session.execute(select(campaigns.c.name).where(campaigns.c.campaign_id == gift.campaign_id)).scalar_one()
    )
    donor = load_donor(session, gift.donor_id)
    session.rollback()
    return {
        "receipt_no": gift.receipt_no,
        "donor": public_name(donor),
        "amount_fen": gift.amount_fen,
        "received_on": gift.received_on.isoformat(),
        "campaign": campaign or "未定向（由工会统筹使用）",
    }
