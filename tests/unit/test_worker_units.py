"""Files get their union's unit: the sheet import resolves 所属工会 among the importer's units, a scope is a prefix of
the unit's path, and the migration that gave older files a unit makes one per union name."""

import importlib.util
from itertools import count
from pathlib import Path

from services.registry.importer import Importer
from services.registry.models import workers
from services.registry.org_rules import UnionUnit
from services.registry.scope import under
from services.registry.sheet_rows import check_row
from tests.unit.test_registry_rules import GOOD_ROW, TODAY
from tests.unit.test_worker_view import VAULT

ROOT = "r" * 32
BUILDING = UnionUnit("b" * 32, "建设工会", f"{ROOT}/{'b' * 32}/")
MIGRATION = Path(__file__).parents[2] / "services/registry/migrations/versions/0005_worker_units.py"


def _migration():
    spec = importlib.util.spec_from_file_location("registry_0005", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_makes_one_unit_per_union_name_and_keeps_a_roots_child_of_that_name():
    ids = (f"{n:032x}" for n in count(1))
    unit_of, new = _migration().units_for_unions(
        ["纺织工会", "建设工会", "纺织工会", "交通工会"], {"建设工会": "b" * 32, "财务科": "c" * 32}, lambda: next(ids)
    )

    assert new == ["交通工会", "纺织工会"]
    assert unit_of == {"交通工会": f"{1:032x}", "建设工会": "b" * 32, "纺织工会": f"{2:032x}"}


def _row(number: int, union: str, id_number: str = GOOD_ROW["id_number"]) -> tuple:
    return check_row(VAULT, number, {**GOOD_ROW, "union": union, "id_number": id_number}, TODAY)


def test_an_import_row_names_a_unit_of_the_scope_and_the_unknown_names_are_listed_once_sorted():
    importer = Importer(None, VAULT, "caseworker:u1", {BUILDING.name: [BUILDING]}, f"{ROOT}/")

    for checked in (
        _row(2, "纺织工会", "11010519491231002X"),
        _row(3, "建设工会"),
        _row(4, "交通工会", "110105194912310038"),
        _row(5, "纺织工会", "110105194912310046"),
    ):
        importer.take(checked)

    assert importer.result.unknown_unions == ["交通工会", "纺织工会"]
    assert [(item["row"], item["field"], item["message"]) for item in importer.result.rejected] == [
        (row, "union", "所属工会：未知的工会组织") for row in (2, 4, 5)
    ]
    ((_, _, kept),) = importer._pending
    assert (kept["union"], kept["org_unit_id"], kept["path"]) == (BUILDING.name, BUILDING.org_unit_id, BUILDING.path)


def test_a_row_refused_for_its_union_does_not_take_its_id_number_from_a_later_row():
    importer = Importer(None, VAULT, "caseworker:u1", {BUILDING.name: [BUILDING]}, f"{ROOT}/")

    importer.take(_row(2, "纺织工会"))
    importer.take(_row(3, "建设工会"))

    assert [item["row"] for item in importer.result.rejected] == [2]
    assert [number for number, _, _ in importer._pending] == [3]


def test_a_scope_is_one_prefix_condition_on_the_records_own_path_and_the_roots_none_at_all():
    assert str(under(workers.c.path, "").compile(compile_kwargs={"literal_binds": True})) == "true"
    condition = under(workers.c.path, BUILDING.path).compile(compile_kwargs={"literal_binds": True})
    assert str(condition) == f"workers.path LIKE '{BUILDING.path}%'"
