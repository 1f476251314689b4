"""Where a donor's money went, to the fen, and a gift's public receipt check."""

import hmac

from sqlalchemy import select

from services.aid import scope
from services.aid.answers import DonorTraceSchema, ReceiptSchema
from services.aid.funds import load_donor, public_name
from services.aid.models import applications, campaigns, donations, payouts
from shared import org_paths
from shared.answers import Shown
from shared.domain_errors import NotFound

DONOR_TRACE, RECEIPT = DonorTraceSchema(), ReceiptSchema()


def donor_trace(
    session, donor_id: str, scope_path: str | None = org_paths.EVERYWHERE, own_donor: str | None = None
) -> dict:
    """Where the donor's money went: the gifts the caller sees (scope.py), for a caller who sees the donor; a donor's
    own account (`own_donor`) sees every gift of its donor."""
    load_donor(session, donor_id, scope.donors_seen(scope_path, own_donor))
    gifts = session.execute(
        select(donations)
        .where(donations.c.donor_id == donor_id, scope.donations_seen(scope_path, own_donor))
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
        by_gift[row.donation_id].append(row)
    allocated = {donation_id: sum(row.amount_fen for row in rows) for donation_id, rows in by_gift.items()}
    donated, allocated_fen = sum(gift.amount_fen for gift in gifts), sum(allocated.values())
    return DONOR_TRACE.dump(
        {
            "donor_id": donor_id,
            "donated_fen": donated,
            "allocated_fen": allocated_fen,
            "unallocated_fen": donated - allocated_fen,
            "donations": [
                Shown(gift, allocated_fen=allocated[gift.donation_id], allocations=by_gift[gift.donation_id])
                for gift in gifts
            ],
        }
    )


def receipt(session, receipt_no: str, verification_code: str) -> dict:
    """A receipt anyone can check with its code; a wrong code looks exactly like an unknown receipt."""
    gift = session.execute(select(donations).where(donations.c.receipt_no == receipt_no)).first()
    if gift is None or not hmac.compare_digest(gift.verification_code.encode(), verification_code.encode()):
        session.rollback()
        raise NotFound("收据")
    campaign = (
        gift.campaign_id
        and session.execute(select(campaigns.c.name).where(campaigns.c.campaign_id == gift.campaign_id)).scalar_one()
    )
    donor = load_donor(session, gift.donor_id)
    session.rollback()
    return RECEIPT.dump(Shown(gift, donor=public_name(donor), campaign=campaign or "未定向（由工会统筹使用）"))
