"""Where a campaign's money comes from, decided over plain data: a repeated external_ref, which unplaced gifts an
allocation takes, which fund sources pay a disbursement, and how a donor is named in public.

The shell (funds.py, disclosure.py, trace.py) reads the rows, asks these rules and writes what they decide with
conditional UPDATEs, so concurrent payments or allocations never spend the same fen twice.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain_errors import Refused
from shared.masking import mask_name

RESTRICTED, ALLOCATED, BUDGET = 0, 1, 2  # a fund source's rank: the CONTRACT order a campaign spends them in
ANONYMOUS_NAME = "爱心人士"
REQUEST_LABELS = {"donor_id": "捐赠人", "amount_fen": "金额", "campaign_id": "帮扶项目"}


def same_request(first: Mapping[str, Any], wanted: Mapping[str, Any], what: str) -> None:
    """A repeated external_ref must repeat the request it was first used for (`first`: what that one recorded, by the
    names of `wanted`); else idempotency_conflict, naming what differs. `what`: 捐款 or 划拨."""
    differing = [REQUEST_LABELS[name] for name, value in wanted.items() if first[name] != value]
    if differing:
        raise Refused(
            "idempotency_conflict",
            f"该 external_ref 已用于另一笔{what}（{'、'.join(differing)}不同），请核对后换用新的参考号",
        )


@dataclass(frozen=True)
class Gift:
    """An unrestricted gift as read: how much of it is already placed in campaigns."""

    donation_id: str
    amount_fen: int
    placed_fen: int


def oldest_first(gifts: Sequence[Gift], amount_fen: int) -> list[dict]:
    """[{"donation_id", "amount_fen"}]: the parts of the unplaced gifts (`gifts` oldest first) that make up the
    amount; budget_exhausted when all of them together do not."""
    if sum(gift.amount_fen - gift.placed_fen for gift in gifts) < amount_fen:
        raise Refused("budget_exhausted", "未定向捐款的余额不足以划拨这笔金额")
    needed, taken = amount_fen, []
    for gift in gifts:
        if not needed:
            break
        part = min(needed, gift.amount_fen - gift.placed_fen)
        taken.append({"donation_id": gift.donation_id, "amount_fen": part})
        needed -= part
    return taken


@dataclass(frozen=True)
class Source:
    """A campaign's fund source with money left, as read."""

    source_id: str
    donation_id: str | None  # None: the union's budget
    left_fen: int


@dataclass(frozen=True)
class Part:
    """The share of one payment one source pays."""

    application_id: str
    source_id: str
    donation_id: str | None
    amount_fen: int


def draw(sources: Sequence[Source], payments: Iterable[tuple[str, int]]) -> list[Part]:
    """(application_id, amount) payments, in that order, paid from `sources` in the order given (the CONTRACT's:
    restricted gifts, allocated gifts oldest first, the budget), each drained before the next; budget_exhausted when
    they do not cover them all."""
    left = [source.left_fen for source in sources]
    parts, index = [], 0
    for application_id, amount_fen in payments:
        needed = amount_fen
        while needed:
            if index == len(sources):
                raise Refused("budget_exhausted", "本项目的资金来源不足以支付这笔款项")
            source = sources[index]
            part = min(needed, left[index])
            left[index] -= part
            parts.append(Part(application_id, source.source_id, source.donation_id, part))
            needed -= part
            if left[index] == 0:
                index += 1
    return parts


def taken_by_source(parts: Iterable[Part]) -> dict[str, int]:
    """How much each source pays in all, in the order the sources were first drawn."""
    taken: dict[str, int] = {}
    for part in parts:
        taken[part.source_id] = taken.get(part.source_id, 0) + part.amount_fen
    return taken


def check_drawn(left_before: Mapping[str, int], taken: Mapping[str, int], left_after: Mapping[str, int]) -> None:
    """Each source drawn now holds what it held when read less what this payment took; else another payment drew on
    it meanwhile: conflict."""
    if any(left_after[source_id] != left_before[source_id] - part for source_id, part in taken.items()):
        raise Refused("conflict", "资金来源刚被其他付款使用，请重试")


def public_name(name: str, kind: str, anonymous: bool) -> str | None:
    """A donor as the public sees them: 爱心人士 when anonymous, an organization by its name, a person masked."""
    if anonymous:
        return ANONYMOUS_NAME
    return name if kind == "organization" else mask_name(name)


@dataclass(frozen=True)
class Funding:
    """A campaign's fund source as its public account shows it."""

    rank: int
    amount_fen: int
    donor: str | None  # public_name of its donor; None for the budget


def income(funding: Iterable[Funding]) -> dict:
    """A campaign's income as disclosed: by donor (in the order given, the budget left out), and by kind of source."""
    funding = list(funding)
    by_donor: dict[str | None, int] = {}
    for source in funding:
        if source.rank != BUDGET:
            by_donor[source.donor] = by_donor.get(source.donor, 0) + source.amount_fen
    return {
        "by_donor": [{"donor": name, "amount_fen": amount} for name, amount in by_donor.items()],
        "restricted_gifts_fen": sum(s.amount_fen for s in funding if s.rank == RESTRICTED),
        "allocated_gifts_fen": sum(s.amount_fen for s in funding if s.rank not in (RESTRICTED, BUDGET)),
        "union_budget_fen": sum(s.amount_fen for s in funding if s.rank == BUDGET),
    }
