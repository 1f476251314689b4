"""Workers who asked for no SMS, by staff or by unsubscribing at the operator (a blacklisted number)."""

from sqlalchemy import delete, func, select

from services.notify.models import opt_outs
from shared.db import insert_or_skip
from shared.events import now_utc


def opt_out(session, worker_id: str, source: str, reason: str, actor: str) -> bool:
    return insert_or_skip(
        session,
        opt_outs,
        {
            "worker_id": worker_id,
            "source": source,
            "reason": reason,
            "created_by": actor,
            "created_at": now_utc(),
        },
    )


def opt_in(session, worker_id: str) -> bool:
    return session.execute(delete(opt_outs).where(opt_outs.c.worker_id == worker_id)).rowcount == 1


def opted_out(session, worker_ids) -> set[str]:
    return set(
        session.execute(select(opt_outs.c.worker_id).where(opt_outs.c.worker_id.in_(list(worker_ids)))).scalars()
    )


def view(row) -> dict:
    return {
        "worker_id": row.worker_id,
        "source": row.source,
        "reason": row.reason,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


def listing(session, page: int, per_page: int) -> dict:
    total = session.execute(select(func.count()).select_from(opt_outs)).scalar_one()
    rows = session.execute(
        select(opt_outs).order_by(opt_outs.c.created_at.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    session.rollback()
    return {"items": [view(row) for row in rows], "total": total, "page": page, "per_page": per_page}
