"""A campaign's fields as aid's `campaigns.create` takes them, for tests that write one straight into aid's database."""

from datetime import date


def warmth_fields(**overrides) -> dict:
    """送温暖 in August 2026: a budget for two deep-hardship grants, no 公示 days (overrides: review_levels, say)."""
    return {
        "program": "warmth",
        "name": "送温暖",
        "year": 2026,
        "opens_on": date(2026, 8, 1),
        "closes_on": date(2026, 8, 31),
        "budget_fen": 100_000,
        "amounts": {"deep": 50_000},
        "publicity_days": 0,
        **overrides,
    }
