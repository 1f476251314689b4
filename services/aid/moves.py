"""Carrying out the core's decisions: one code path for one application or a thousand.

Every list of moves is carried out in the caller's transaction: each application moves only from the
status it was read in (one conditional UPDATE, executed for all), each campaign's money moves only while
enough is left (one conditional UPDATE per campaign and kind of movement), and the history rows and the
events go in with them. So concurrent reviewers on several instances can never overspend or move an
application twice.
"""

from collections.abc import Sequence

from sqlalchemy import String, bindparam, delete, func, select, update

from services.aid import funds, ledger
from services.aid.domain.decisions import KEPT, moved_meanwhile
from services.aid.domain.model import Application, Entry, Move, as_row, field_names
from services.aid.domain.money import ACCOUNTS, COMMIT, DISBURSE, budget_exhausted, enough_left, grouped, money_after
from services.aid.domain.quotas import covering, quota_exhausted, quota_left
from services.aid.events import outbox_rows
from services.aid.models import applications, campaigns, claims, history, outbox, quotas
from shared import request_ids as request_context
from shared.db import insert_many
from shared.outbox import add_events

# What the core reads an application from (model.Application) and no more: many applications are read without the
# student's JSON, the masked names and the notes (10,000 of them in half the time).
DECIDED = tuple(applications.c[name] for name in field_names(Application))


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
        .where(
            applications.c.application_id == bindparam("b_id"),
            applications.c.status == bindparam("b_from"),
            # two reviewers taking the same review step at once: the second finds it taken
            applications.c.review_next.is_not_distinct_from(bindparam("b_review_from", type_=String)),
        )
        .values(status=bindparam("b_to"), updated_at=at, **{name: bindparam(f"b_{name}") for name in KEPT})
    )
    parameters = [
        {
            "b_id": move.application.application_id,
            "b_from": move.application.status,
            "b_review_from": move.application.review_next,
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
    _move_quota_money(session, campaign_id, kind, paid_for)
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


def _move_quota_money(session, campaign_id: str, kind: str, paid_for: list) -> None:
    """The quotas' share of the movement, after the campaign's (whose row it has locked, as setting a quota does): a
    commitment counts against the quota covering each worker's unit (domain/quotas.py), only while it has enough left
    (budget_exhausted otherwise), and the application keeps which; a release or a payment moves the one it kept."""
    units_with_quota = set(
        session.execute(select(quotas.c.org_unit_id).where(quotas.c.campaign_id == campaign_id)).scalars()
    )
    if not units_with_quota:  # a quota is never taken away: no application of this campaign kept one
        return
    ids = [application.application_id for application in paid_for]
    if kind == COMMIT:
        paths = session.execute(
            select(applications.c.application_id, applications.c.path).where(applications.c.application_id.in_(ids))
        ).all()
        against = {application_id: covering(path, units_with_quota) for application_id, path in paths}
    else:
        against = dict(
            session.execute(
                select(applications.c.application_id, applications.c.quota_org_unit_id).where(
                    applications.c.application_id.in_(ids), applications.c.quota_org_unit_id.is_not(None)
                )
            ).all()
        )
    counted = [application for application in paid_for if against.get(application.application_id)]
    if not counted:
        return
    share = quotas.c
    for (unit_id, _kind), moved in grouped((against[a.application_id], kind, a) for a in counted).items():
        total = sum(application.amount_fen for application in moved)
        conditions = [share.campaign_id == campaign_id, share.org_unit_id == unit_id]
        if kind == COMMIT:
            conditions.append(quota_left(share.amount_fen, share.committed_fen, share.disbursed_fen) >= total)
        committed, disbursed = money_after(kind, total, share.committed_fen, share.disbursed_fen)
        changed = session.execute(
            update(quotas).where(*conditions).values(committed_fen=committed, disbursed_fen=disbursed)
        ).rowcount
        if kind == COMMIT and not changed:
            raise quota_exhausted()
    if kind != DISBURSE:  # a release forgets the quota: approved again, it counts against the one covering it then
        session.execute(
            update(applications)
            .where(applications.c.application_id == bindparam("b_id"))
            .values(quota_org_unit_id=bindparam("b_quota")),
            [
                {
                    "b_id": application.application_id,
                    "b_quota": against[application.application_id] if kind == COMMIT else None,
                }
                for application in counted
            ],
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
