"""The aid tables filled for the roll-up report's benchmark: a warmth and an education campaign of each year, and
applications of the workers' base unions in the registry's tree (scope_rows.py), in every status, bulk-loaded with
COPY. The report counts applications by unit and status only: the rest of each row is as the service writes it, but
the same for all (no worker is looked up)."""

import io
import random
from datetime import UTC, datetime

from bench import scope_rows
from bench.scope_rows import Stream

# a year's applications mostly paid out by the time a report is read, some refused or still in review
STATUS_WEIGHTS = {
    "submitted": 8,
    "publicizing": 4,
    "ready": 4,
    "paying": 4,
    "disbursed": 62,
    "payment_failed": 2,
    "rejected": 12,
    "withdrawn": 4,
}
WARMTH_AMOUNTS = {"deep": 300_000, "relative": 200_000, "accident": 150_000}
APPLICATION_COLUMNS = (
    "application_id, campaign_id, program, worker_id, status, amount_fen, name_masked, id_number_masked, id_last4, "
    'short_number, "union", category, org_unit_id, path, level, submitted_by, created_at, updated_at'
)


def _campaigns(cursor, years: list[int]) -> list[tuple[str, int, str]]:
    """(campaign_id, year, program) of a warmth and an education campaign a year, the root's."""
    made, now = [], datetime.now(UTC).isoformat()
    lines = []
    for year in years:
        for program in ("warmth", "education"):
            campaign_id = f"{year:04d}{program[0]}".ljust(32, "0")
            made.append((campaign_id, year, program))
            lines.append(
                f"{campaign_id}\t{program}\t{year}年{program}\t{year}\t{year}-08-01\t{year}-08-31\t{10**12}\t0\t0\t0\t"
                f"{{}}\t5\t[]\tadmin:bench\t{now}\n"
            )
    columns = (
        "campaign_id, program, name, year, opens_on, closes_on, budget_fen, allocated_fen, committed_fen, "
        "disbursed_fen, amounts, publicity_days, review_levels, created_by, created_at"
    )
    cursor.copy_expert(f"COPY campaigns ({columns}) FROM STDIN", io.StringIO("".join(lines)))
    return made


def _application_chunks(tree: scope_rows.Tree, campaigns, counts: dict[int, int], rng: random.Random, per_chunk=5_000):
    created = datetime(2026, 8, 10, tzinfo=UTC).isoformat()
    statuses = list(STATUS_WEIGHTS)
    for year, count in counts.items():
        ours = [campaign for campaign in campaigns if campaign[1] == year]
        for first in range(0, count, per_chunk):
            size = min(per_chunk, count - first)
            lines = []
            for base, status, category, (campaign_id, _year, program) in zip(
                rng.choices(tree.bases, k=size),
                rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()), k=size),
                rng.choices(scope_rows.CATEGORIES, weights=scope_rows.CATEGORY_WEIGHTS, k=size),
                rng.choices(ours, k=size),
                strict=True,
            ):
                amount = WARMTH_AMOUNTS[category] if program == "warmth" else 500_000
                level = "\\N" if program == "warmth" else "undergraduate"
                lines.append(
                    f"{rng.getrandbits(128):032x}\t{campaign_id}\t{program}\t{rng.getrandbits(128):032x}\t{status}\t"
                    f"{amount}\t王*\t110105********1234\t1234\t{rng.getrandbits(24):06x}\t{base.name}\t{category}\t"
                    f"{base.org_unit_id}\t{base.path}\t{level}\tcaseworker:bench\t{created}\t{created}\n"
                )
            yield "".join(lines).encode()


def fill(url: str, tree: scope_rows.Tree, counts: dict[int, int], seed: int = 23) -> None:
    """Campaigns of each year in `counts` and that many applications of each (scope_rows.bulk_load)."""
    rng = random.Random(seed)
    with scope_rows.bulk_load(url) as cursor:
        campaigns = _campaigns(cursor, sorted(counts))
        cursor.copy_expert(
            f"COPY applications ({APPLICATION_COLUMNS}) FROM STDIN",
            Stream(_application_chunks(tree, campaigns, counts, rng)),
        )
