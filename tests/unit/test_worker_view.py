"""A worker as the API shows it: a masked view carries nothing that undoes the mask."""

import json
from datetime import UTC, datetime
from types import SimpleNamespace

from services.registry import views, workers
from services.registry.sheet_rows import row_to_data
from shared.crypto import Vault
from shared.masking import birth_fields
from tests.unit.test_registry_rules import GOOD_ROW, TODAY

VAULT = Vault(b"test-key-for-worker-views")
BIRTH_DATE_TRACES = ("19790712", "1979-07-12", "1979")  # the ID number's starred digits, whole or in part


def stored_worker() -> SimpleNamespace:
    data, errors = row_to_data(GOOD_ROW, TODAY)
    assert errors == {}
    identity = data.pop("identity")
    now = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    row = workers.new_row(VAULT, data, identity, "a" * 32, VAULT.lookup_hash(identity.number), now)
    return SimpleNamespace(**row, org_unit_id="b" * 32, path=f"{'r' * 32}/{'b' * 32}/")


def test_a_masked_view_has_no_birth_date_nor_any_part_of_it():
    masked = views.worker(VAULT, stored_worker())

    assert masked["id_number"] == "440106********4050"
    assert "birth_date" not in masked and "birth_year" not in masked
    shown = json.dumps(masked, ensure_ascii=False)
    assert [trace for trace in BIRTH_DATE_TRACES if trace in shown] == []


def test_a_revealed_view_keeps_the_birth_date():
    revealed = views.worker(VAULT, stored_worker(), reveal=True)

    assert (revealed["id_number"], revealed["birth_date"], revealed["birth_year"]) == (
        "440106197907124050",
        "1979-07-12",
        1979,
    )


def test_birth_fields_are_the_one_rule():
    assert birth_fields(TODAY, reveal=False) == {}
    assert birth_fields(TODAY, reveal=True) == {"birth_date": "2026-11-25", "birth_year": 2026}
