"""The message log: one row per (application, status), moved through its states by conditional updates.

Every state change is an UPDATE that names the state (and, while a dispatcher holds the message, its
claim token) it expects, so two notify instances, a crashed tick and a late receipt never both win.
"""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, update

from services.notify import worker_moves
from services.notify.answers import NotificationPageSchema, NotificationViewSchema
from services.notify.models import attempts, messages, outbox
from shared.answers import Shown, page_of
from shared.db import insert_many, row_by_id
from shared.event_types import new_event
from shared.events import new_id, now_utc
from shared.outbox import add_events

WAITING = ("queued", "deferred")
# what staff see: the two states a dispatcher holds a message in are still "queued" to them
PUBLIC_STATUS = {"claimed": "queued", "sending": "queued"}
NOTIFICATION, NOTIFICATION_PAGE = NotificationViewSchema(), NotificationPageSchema()
INTERNAL_STATUSES = {"queued": ("queued", "claimed", "sending")}


def new_message(event, rendered, now: datetime, due_at: datetime) -> dict:
    """The row of the SMS for an application event (its key, application and template, keeps it single)."""
    return {
        "notification_id": new_id(),
        "application_id": event.application_id,
        "worker_id": event.worker_id,
        "org_unit_id": event.org_unit_id,
        "template": rendered.template,
        "params": rendered.params,
        "text": rendered.text,
        "segments": rendered.segments,
        "status": "deferred" if due_at > now else "queued",
        "due_at": due_at,
        "attempts": 0,
        "failures": 0,
        "created_at": now,
        "updated_at": now,
    }


def add_new(session, rows: list[dict]) -> None:
    """New messages, committed together; one whose key is taken (its event was redelivered or replayed) is left out.
    Rolled back before a failure leaves: the events' retry is published while the worker's session is still open, and
    on SQLite a write lock held meanwhile stalls every other handler of the process (see shared/inbox.py)."""
    try:
        insert_many(session, messages, rows, skip_existing=True)
        worker_moves.settle(session, [row["worker_id"] for row in rows])
        session.commit()
    except Exception:
        session.rollback()
        raise


def claim_due(session, now: datetime, limit: int, token: str, lease_until: datetime) -> list:
    """Take up to `limit` due messages for this dispatcher; another dispatcher never gets the same ones."""
    due = (
        session.execute(
            select(messages.c.notification_id)
            .where(messages.c.status.in_(WAITING), messages.c.due_at <= now)
            .order_by(messages.c.due_at)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    session.rollback()  # SQLite: end the read before writing
    if not due:
        return []
    session.execute(
        update(messages)
        .where(messages.c.notification_id.in_(due), messages.c.status.in_(WAITING), messages.c.due_at <= now)
        .values(status="claimed", claim=token, due_at=lease_until, updated_at=now)
    )
    session.commit()
    claimed = session.execute(select(messages).where(messages.c.claim == token, messages.c.status == "claimed")).all()
    session.rollback()
    return claimed


def _move(session, row, expected: str, values: dict) -> bool:
    moved = session.execute(
        update(messages)
        .where(
            messages.c.notification_id == row.notification_id,
            messages.c.status == expected,
            messages.c.claim == row.claim,
        )
        .values(updated_at=now_utc(), **values)
    ).rowcount
    return moved == 1


def status_event(session, row, status: str, provider: str | None) -> None:
    add_events(session, outbox, [status_change(row, status, provider)])


def status_change(row, status: str, provider: str | None) -> tuple[str, dict]:
    return new_event(
        "sms_status_changed",
        notification_id=row.notification_id,
        application_id=row.application_id,
        worker_id=row.worker_id,
        template=row.template,
        status=PUBLIC_STATUS.get(status, status),
        provider=provider,
    )


def settle(session, row, status: str, due_at: datetime, error: str | None, event: bool = True, **contact) -> None:
    """A claimed message that will not be sent in this tick: deferred, suppressed, failed or back in the queue.
    `contact` (phone_masked, phone_hash) is kept with it when the number is known."""
    moved = _move(
        session, row, "claimed", {"status": status, "due_at": due_at, "claim": None, "last_error": error, **contact}
    )
    if moved and event:
        status_event(session, row, status, row.provider)


def start_sending(session, rows: list, providers: list[str], lease_until: datetime, contacts: list[dict]) -> list[bool]:
    """Mark messages as on their way before their provider is called: a crash after this is an unknown
    outcome. Must open the caller's transaction (see _move_all). Whether each one moved."""
    return _move_all(
        session,
        rows,
        "claimed",
        [
            {"status": "sending", "provider": provider, "due_at": lease_until, **contact}
            for provider, contact in zip(providers, contacts)
        ],
    )


def _move_all(session, rows: list, expected: str, values: list[dict]) -> list[bool]:
    """_move for many messages (each with values of the same keys) in one executemany, when the driver
    reports its rowcount. Must be the first statement of the caller's transaction: when a message has
    moved meanwhile (a receipt, an expired lease), that transaction is rolled back and every message
    is moved on its own, so each one's outcome is known."""
    if not rows:
        return []
    if session.get_bind().dialect.supports_sane_multi_rowcount:
        statement = (
            update(messages)
            .where(
                messages.c.notification_id == bindparam("b_id"),
                messages.c.status == expected,
                messages.c.claim == bindparam("b_claim"),
            )
            .values(updated_at=now_utc(), **{key: bindparam(key) for key in values[0]})
        )
        moved = session.execute(
            statement,
            [
                {"b_id": row.notification_id, "b_claim": row.claim, **row_values}
                for row, row_values in zip(rows, values)
            ],
        ).rowcount
        if moved == len(rows):
            return [True] * len(rows)
        session.rollback()
    return [_move(session, row, expected, row_values) for row, row_values in zip(rows, values)]


def attempt_row(notification_id: str, provider: str, outcome: str, code: str, message: str, at: datetime) -> dict:
    return {
        "notification_id": notification_id,
        "provider": provider,
        "outcome": outcome,
        "code": code[:80],
        "message": message,
        "at": at,
    }


def record_attempt(session, notification_id: str, provider: str, outcome: str, code: str, message: str) -> None:
    session.execute(insert(attempts).values(attempt_row(notification_id, provider, outcome, code, message, now_utc())))


# what a provider's answer may change (after_send gives some of them); the others keep the row's own values
FINISH_COLUMNS = ("status", "due_at", "provider_message_id", "sent_at", "last_error", "failures")


def finish_sending(session, rows: list, providers: list[str], values: list[dict], results: list) -> list[bool]:
    """The providers' answers: each message's next state, its attempt and its event, in one transaction of
    the caller's that they must open (see _move_all). Whether each one was still ours to finish."""
    finished = _move_all(
        session,
        rows,
        "sending",
        [
            {
                "claim": None,
                "provider": provider,
                "attempts": row.attempts + 1,
                **{column: getattr(row, column) for column in FINISH_COLUMNS},
                **row_values,
            }
            for row, provider, row_values in zip(rows, providers, values)
        ],
    )
    done = [
        (row, provider, row_values, result)
        for row, provider, row_values, result, moved in zip(rows, providers, values, results, finished)
        if moved
    ]
    now = now_utc()
    insert_many(
        session,
        attempts,
        [
            attempt_row(row.notification_id, provider, result.outcome.value, result.code, result.message, now)
            for row, provider, _, result in done
        ],
    )
    if done:
        add_events(
            session,
            outbox,
            [status_change(row, row_values["status"], provider) for row, provider, row_values, _ in done],
        )
    return finished


def sent_times_by_phone(session, phone_hashes, since: datetime) -> dict[str, list[datetime]]:
    """When each number was last sent an SMS (or one is on its way), for the per-number limits."""
    times: dict[str, list[datetime]] = {phone_hash: [] for phone_hash in phone_hashes}
    rows = session.execute(
        select(messages.c.phone_hash, messages.c.sent_at).where(
            messages.c.phone_hash.in_(list(phone_hashes)), messages.c.sent_at >= since
        )
    ).all()
    for row in rows:
        times[row.phone_hash].append(row.sent_at)
    return times


def expire(session, now: datetime, receipt_wait: timedelta) -> None:
    """Recover from dispatchers that died: claims go back to the queue, sends in flight become unknown
    outcomes awaiting a receipt, and unknown outcomes with no receipt in time go to staff."""
    session.execute(
        update(messages)
        .where(messages.c.status == "claimed", messages.c.due_at < now)
        .values(status="queued", claim=None, due_at=now, updated_at=now)
    )
    lost = session.execute(select(messages).where(messages.c.status == "sending", messages.c.due_at < now)).all()
    for row in lost:
        if _move(
            session,
            row,
            "sending",
            {
                "status": "sent",
                "claim": None,
                "sent_at": now,
                "due_at": now + receipt_wait,
                "attempts": row.attempts + 1,
                "last_error": "发送过程中服务中断，结果未知：为免重复不自动重发，等待运营商回执",
            },
        ):
            record_attempt(session, row.notification_id, row.provider or "", "unknown", "interrupted", "发送中断")
    unconfirmed = session.execute(
        select(messages).where(
            messages.c.status == "sent",
            messages.c.provider_message_id.is_(None),
            messages.c.due_at < now,
        )
    ).all()
    for row in unconfirmed:
        if _move(
            session,
            row,
            "sent",
            {
                "status": "failed",
                "last_error": ("发送结果未知且未收到运营商回执：为免重复未自动重发，请核实后手动重发"),
            },
        ):
            status_event(session, row, "failed", row.provider)
    session.commit()


def resend(session, notification_id: str, now: datetime, seen):
    """Staff decided a failed message should go again (after checking it did not arrive); `seen`: the caller's
    scope (scope.messages_seen)."""
    row = load(session, notification_id, seen)
    moved = session.execute(
        update(messages)
        .where(messages.c.notification_id == notification_id, messages.c.status == "failed")
        .values(status="queued", due_at=now, failures=0, last_error=None, updated_at=now)
    ).rowcount
    session.commit()
    return moved == 1, row


def load(session, notification_id: str, *conditions):
    return row_by_id(session, messages.c.notification_id, notification_id, "短信", *conditions)


def view(row) -> dict:
    """A text message as staff see it (NotificationViewSchema): the phone masked, the status as the API names it."""
    return NOTIFICATION.dump(_shown(row))


def _shown(row) -> Shown:
    return Shown(row, status=PUBLIC_STATUS.get(row.status, row.status))


def search(session, criteria: dict, seen) -> dict:
    """A page of the messages the criteria ask for, among those the caller sees (`seen`: scope.messages_seen)."""
    conditions = [seen] + [
        messages.c[name] == criteria[name] for name in ("application_id", "worker_id", "template") if criteria.get(name)
    ]
    if criteria.get("status"):
        conditions.append(messages.c.status.in_(INTERNAL_STATUSES.get(criteria["status"], (criteria["status"],))))
    total = session.execute(select(func.count()).select_from(messages).where(*conditions)).scalar_one()
    rows = session.execute(
        select(messages)
        .where(*conditions)
        .order_by(messages.c.created_at.desc(), messages.c.notification_id.desc())
        .limit(criteria["per_page"])
        .offset((criteria["page"] - 1) * criteria["per_page"])
    ).all()
    session.rollback()
    return page_of(NOTIFICATION_PAGE, [_shown(row) for row in rows], total, criteria["page"], criteria["per_page"])
