"""The core's plain data: a campaign and an application as read, and the decisions the core hands the shell."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Self

_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (kept: a thousand rows ask for them)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in fields(cls))
    return names


def _of(cls, row: Mapping[str, Any]):
    """The dataclass from a row or dict with (at least) its fields; a field with a default may be left out."""
    names = field_names(cls)
    try:  # the common case, a whole row: no `in` per field (a database row's costs as much as reading the value)
        return cls(**{name: row[name] for name in names})
    except KeyError:
        return cls(**{name: row[name] for name in names if name in row})


def as_row(instance: object) -> dict[str, Any]:
    """A flat dataclass's fields as a dict (dataclasses.asdict deep-copies every value: a thousand rows feel it)."""
    return {name: getattr(instance, name) for name in field_names(type(instance))}


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    program: str  # "warmth" (送温暖) or "education" (金秋助学)
    name: str
    year: int
    opens_on: date
    closes_on: date
    amounts: Mapping[str, int]  # fen by hardship category (warmth) or school level (education)
    publicity_days: int  # working days of 公示; 0: none
    review_levels: Sequence[str] = ()  # the levels that approve, lower first (reviews.py); () one approval

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Self:
        return _of(cls, row)


@dataclass(frozen=True)
class Application:
    application_id: str
    campaign_id: str
    program: str
    worker_id: str
    status: str
    amount_fen: int
    submitted_by: str
    publicity_ends_on: date | None = None
    batch_id: str | None = None
    bank_ref: str | None = None
    review_done: Sequence[Mapping[str, Any]] | None = None  # the review steps taken (reviews.py); None: none
    review_next: str | None = None  # the level whose step it waits for; None: none (any reviewer, or not in review)
    org_unit_id: str | None = None  # the worker's union unit: events about the application carry it

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Self:
        return _of(cls, row)


@dataclass(frozen=True)
class HistoryEntry:
    application_id: str
    from_status: str | None
    to_status: str
    actor: str
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class Event:
    """An event to publish: its type and the facts it carries (the shell adds the envelope: id, time, request)."""

    type: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Entry:
    """What an application's history and the bus learn of one change."""

    history: HistoryEntry
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Move:
    """One application's status move, decided: carried out only while it is still in `application.status`."""

    application: Application  # as read
    status: str  # the status it moves to
    values: Mapping[str, Any]  # decisions.KEPT once moved: publicity_ends_on, batch_id, bank_ref, its review
    money: str | None  # what happens to its amount: money.COMMIT, RELEASE or DISBURSE, or nothing
    releases_claims: bool  # it no longer holds its household's, student's or yearly claims
    entry: Entry
