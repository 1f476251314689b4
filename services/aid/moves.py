"""Carrying out the core's decisions: one code path for one application or a thousand.

Every list of moves is carried out in the caller's transaction: each application moves only from the
status it was read in (one conditional UPDATE, executed for all), each campaign's money moves only while
enough is left (one conditional UPDATE per campaign and kind of movement), and the history rows and the
events go in with them. So concurrent reviewers on several instances can never overspend or move an
application twice.
"""

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, func, select, update

from services.aid import funds, ledger
from services.aid.domain.decisions import KEPT, moved_meanwhile
from services.aid.domain.model import Entry, Move, as_row
from services.aid.domain.money import ACCOUNTS, COMMIT, DISBURSE, budget_exhausted, enough_left, grouped, money_after
from services.aid.events import outbox_rows
from services.aid.models import applications, campaigns, claims, history, outbox
from shared import request_ids as request_context
from shared.db import insert_many
from shared.outbox import add_events


def carry_out(session, moves: Sequence[Move], at) -> None:
    """All of `moves`, or a DomainError (invalid_transition, budget_exhausted) and the caller rolls back. Money
    moves in the order of `moves` (a payment draws the campaign's sources in that order)."""
    if not moves:
        return
    _move_statuses(session, moves, at)
    for (campaign_id, kind), moved in grouped(
        (move.application.campaign_id, move.money, move.application) for move in moves if move.money
    ).items():
        _move_money(session, campaign_id, kind, moved)
    released = [move.application.application_id for move in moves if move.releases_claims]
    if released:
        session.execute(delete(claims).where(claims.c.application_id.in_(released)))
    record(session, [move.entry for move in moves])


def commit(session, moves: Sequence[Move], at) -> None:
    """carry_out in a transaction of its own: committed, or rolled back and the error raised."""
    try:
        carry_out(session, moves, at)
        session.commit()
    except Exception:
        session.rollback()
        raise


def _move_statuses(session, moves: Sequence[Move], at) -> None:
    statement = (
        update(applications)
        .where(applications.c.application_id == bindparam("b_id"), applications.c.status == bindparam("b_from"))
        .values(status=bindparam("b_to"), updated_at=at, **{name: bindparam(f"b_{name}") for name in KEPT})
    )
    parameters = [
        {
            "b_id": move.application.application_id,
            "b_from": move.application.status,
            "b_to": move.status,
            **{f"b_{name}": move.values[name] for name in KEPT},
        }
        for move in moves
    ]
    result = session.execute(statement, parameters)
    if len(parameters) == 1:  # one statement: its row count is exact on every driver
        moved = result.rowcount
    else:  # executemany: not every driver counts its rows; `at` marks this call's rows
        moved = session.execute(
            select(func.count())
            .select_from(applications)
            .where(
                applications.c.application_id.in_([move.application.application_id for move in moves]),
                applications.c.updated_at == at,
            )
        ).scalar_one()
    if moved != len(moves):
        raise moved_meanwhile(len(moves))


def _move_money(session, campaign_id: str, kind: str, paid_for: list) -> None:
    """One campaign's money for these applications: a commitment only while the campaign has enough left for
    them all (budget_exhausted otherwise), then the ledger, and a payment's draw on the campaign's sources."""
    total = sum(application.amount_fen for application in paid_for)
    money = campaigns.c
    conditions = [money.campaign_id == campaign_id]
    if kind == COMMIT:
        conditions.append(
            enough_left(total, money.budget_fen, money.allocated_fen, money.committed_fen, money.disbursed_fen)
        )
    committed, disbursed = money_after(kind, total, money.committed_fen, money.disbursed_fen)
    changed = session.execute(
        update(campaigns).where(*conditions).values(committed_fen=committed, disbursed_fen=disbursed)
    ).rowcount
    if kind == COMMIT and not changed:
        raise budget_exhausted()
    source, target = ACCOUNTS[kind]
    ledger.move_many(
        session,
        kind,
        [
            (
                ledger.campaign_account(campaign_id, source),
                ledger.campaign_account(campaign_id, target),
                application.amount_fen,
                {"campaign_id": campaign_id, "application_id": application.application_id},
            )
            for application in paid_for
        ],
    )
    if kind == DISBURSE:
        funds.draw_many(
            session, campaign_id, [(application.application_id, application.amount_fen) for application in paid_for]
        )


def record(session, entries: Sequence[Entry], request_ids: Sequence[str | None] | None = None) -> None:
    """History rows and events of these changes, in the caller's transaction; each entry's events carry the id of
    its request when `request_ids` are given (applications filed together), else the current one."""
    insert_many(session, history, [as_row(entry.history) for entry in entries])
    if request_ids is None:
        events = outbox_rows(event for entry in entries for event in entry.events)
    else:
        events = []
        for entry, request_id in zip(entries, request_ids, strict=True):
            with request_context.bound(request_id):
                events += outbox_rows(entry.events)
    add_events(session, outbox, events)
