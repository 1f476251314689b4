"""Workers who asked for no SMS, by staff or by unsubscribing at the operator (a blacklisted number)."""

from sqlalchemy import delete, func, select

from services.notify import worker_moves
from services.notify.answers import OptOutPageSchema, OptOutStateSchema
from services.notify.models import opt_outs
from shared.answers import page_of
from shared.db import insert_or_skip
from shared.events import now_utc

OPT_OUT_PAGE, OPT_OUT_STATE = OptOutPageSchema(), OptOutStateSchema()


def opt_out(session, worker_id: str, org_unit_id: str | None, source: str, reason: str, actor: str) -> bool:
    """The worker opts out, in the unit named (the registry's answer, the message's) or the one notify keeps for the
    worker (worker_moves.settle), in the caller's transaction; False: opted out already."""
    made = insert_or_skip(
        session,
        opt_outs,
        {
            "worker_id": worker_id,
            "org_unit_id": org_unit_id,
            "source": source,
            "reason": reason,
            "created_by": actor,
            "created_at": now_utc(),
        },
    )
    if made:
        worker_moves.settle(session, [worker_id])
    return made


def opt_in(session, worker_id: str) -> bool:
    return session.execute(delete(opt_outs).where(opt_outs.c.worker_id == worker_id)).rowcount == 1


def opted_out(session, worker_ids) -> set[str]:
    return set(
        session.execute(select(opt_outs.c.worker_id).where(opt_outs.c.worker_id.in_(list(worker_ids)))).scalars()
    )


def state_view(worker_id: str, opted_out: bool) -> dict:
    """Whether the worker now opts out of text messages (OptOutStateSchema)."""
    return OPT_OUT_STATE.dump({"worker_id": worker_id, "opted_out": opted_out})


def listing(session, seen, worker_id: str | None, page: int, per_page: int) -> dict:
    """A page of the opt-outs the caller sees (`seen`: scope.opt_outs_seen), newest first; one worker's alone when
    `worker_id` names them."""
    if worker_id is not None:
        seen = seen & (opt_outs.c.worker_id == worker_id)
    total = session.execute(select(func.count()).select_from(opt_outs).where(seen)).scalar_one()
    rows = session.execute(
        select(opt_outs)
        .where(seen)
        .order_by(opt_outs.c.created_at.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    session.rollback()
    return page_of(OPT_OUT_PAGE, rows, total, page, per_page)
