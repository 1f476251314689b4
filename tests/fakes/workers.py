"""API bodies for synthetic workers."""
import itertools
import random

from services.registry.rules import CATEGORY_BY_LABEL, REASON_BY_LABEL
from tests.fakes.sheets import generate_workers

_seeds = itertools.count(random.randrange(10**9))


def worker_body(**overrides) -> dict:
    """A valid POST /api/v1/workers body for a new invented worker, with a fresh ID number."""
    row = generate_workers(1, seed=next(_seeds))[0]
    body = {
        "name": row["name"],
        "id_number": row["id_number"],
        "phone": row["phone"],
        "employer": row["employer"],
        "union": row["union"],
        "category": CATEGORY_BY_LABEL[row["hardship_category"]],
        "reasons": [REASON_BY_LABEL[row["reasons"]]],
        "household_size": int(row["household_size"]),
        "household_monthly_income_fen": int(row["household_monthly_income"]) * 100,
        "bank": {"name": row["bank_name"], "account": row["bank_account"]},
        "filed_on": row["filed_on"],
    }
    body.update(overrides)
    return body
