"""shared/ is the kernel: the services, the CLI, the benchmarks, the fault suite and the tests build on it, never the
other way round. Every import in shared/, at any depth (a function-level import counts), is checked."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "shared"
FORBIDDEN = ("services", "hardship_cli", "bench", "faults", "tests")


def imported_modules(source: str) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def forbidden_imports(source: str) -> list[str]:
    return [module for module in imported_modules(source) if module.split(".")[0] in FORBIDDEN]


@pytest.mark.parametrize(
    "source",
    [
        "from services.gateway.auth import create_user",
        "import hardship_cli.cli",
        "def f():\n    from bench import system\n",
        "import json, faults.parking",
        "from tests.fakes import recorder",
    ],
)
def test_the_check_finds_an_import_of_what_builds_on_the_kernel(source):
    assert forbidden_imports(source)


def test_the_check_lets_the_kernel_and_libraries_through():
    assert not forbidden_imports(
        "import shared.quiet\nfrom shared.config import setting\nfrom . import db\nimport servicesx"
    )


def test_shared_imports_no_service_cli_bench_faults_or_tests():
    files = sorted(KERNEL.rglob("*.py"))
    assert len(files) > 20, files
    found = {str(path.relative_to(ROOT)): bad for path in files if (bad := forbidden_imports(path.read_text("utf-8")))}
    assert not found, found
