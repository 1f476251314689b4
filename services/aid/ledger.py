"""The double-entry ledger: every movement of money is entries that sum to zero."""

from sqlalchemy import func, select

from services.aid.models import ledger
from shared.db import insert_many
from shared.events import new_id, now_utc

DONORS = "external:donors"
UNION_BUDGET = "external:union_budget"
UNRESTRICTED = "unrestricted"


def campaign_account(campaign_id: str, side: str) -> str:
    """A campaign's account: `funds` (left to commit), `committed` or `disbursed`."""
    return f"campaign:{campaign_id}:{side}"


def funds(campaign_id: str) -> str:
    return campaign_account(campaign_id, "funds")


def committed(campaign_id: str) -> str:
    return campaign_account(campaign_id, "committed")


def disbursed(campaign_id: str) -> str:
    return campaign_account(campaign_id, "disbursed")


def move(session, kind: str, source: str, target: str, amount_fen: int, **about) -> None:
    """Move `amount_fen` from one account to another, in the caller's transaction."""
    move_many(session, kind, [(source, target, amount_fen, about)])


def move_many(session, kind: str, moves: list[tuple[str, str, int, dict]]) -> None:
    """Several movements of one kind: (source, target, amount, ids it is about) each, two entries apiece."""
    at, entries = now_utc(), []
    for source, target, amount_fen, about in moves:
        movement_id = new_id()
        about = {"campaign_id": None, "donation_id": None, "application_id": None, **about}
        entries.append(
            {"movement_id": movement_id, "kind": kind, "account": source, "amount_fen": -amount_fen, "at": at, **about}
        )
        entries.append(
            {"movement_id": movement_id, "kind": kind, "account": target, "amount_fen": amount_fen, "at": at, **about}
        )
    insert_many(session, ledger, entries)


def balances(session, accounts: list[str]) -> dict[str, int]:
    rows = session.execute(
        select(ledger.c.account, func.coalesce(func.sum(ledger.c.amount_fen), 0))
        .where(ledger.c.account.in_(accounts))
        .group_by(ledger.c.account)
    ).all()
    return {account: 0 for account in accounts} | {account: int(total) for account, total in rows}


def campaign_money(session, campaign_id: str) -> dict[str, int]:
    """What the campaign's accounts hold: left to commit, committed, paid out."""
    held = balances(session, [funds(campaign_id), committed(campaign_id), disbursed(campaign_id)])
    return {
        "remaining": held[funds(campaign_id)],
        "committed": held[committed(campaign_id)],
        "disbursed": held[disbursed(campaign_id)],
    }


def total(session) -> int:
    """The sum of every entry: zero, always."""
    return int(session.execute(select(func.coalesce(func.sum(ledger.c.amount_fen), 0))).scalar_one())
