"""shared/ is the kernel: the services, the CLI, the benchmarks, the fault suite and the tests build on it, never the
other way round. Every import in shared/, at any depth (a function-level import counts), is checked, and so is an
import by name (importlib.import_module("services.aid.service"), a "module:Class" path to import later)."""

import ast
import re
from pathlib import Path

import pytest

from hardship_cli.services import SERVICE_CLASSES, service_class
from shared.config import SERVICES

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


# a module of what builds on the kernel, named to be imported: "services.aid.service", "hardship_cli.cli:main"
NAMED_MODULE = re.compile(rf"(?:{'|'.join(FORBIDDEN)})(?:\.\w+)+(?::\w+)?")
DYNAMIC_IMPORTS = {"import_module", "__import__"}


def named_modules(source: str) -> list[str]:
    """Modules named in strings (what a dynamic import would take) and dynamic imports themselves."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAMED_MODULE.fullmatch(node.value):
            found.append(node.value)
        elif (
            isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in DYNAMIC_IMPORTS
        ):
            found.append(f"{ast.unparse(node.func)}(...)")
    return found


def forbidden_imports(source: str) -> list[str]:
    return [module for module in imported_modules(source) if module.split(".")[0] in FORBIDDEN] + named_modules(source)


@pytest.mark.parametrize(
    "source",
    [
        "from services.gateway.auth import create_user",
        "import hardship_cli.cli",
        "def f():\n    from bench import system\n",
        "import json, faults.parking",
        "from tests.fakes import recorder",
        'CLASSES = {"aid": "services.aid.service:AidService"}',
        "def f(name):\n    return importlib.import_module(name)\n",
        "__import__('faults')",
    ],
)
def test_the_check_finds_an_import_of_what_builds_on_the_kernel(source):
    assert forbidden_imports(source)


def test_the_check_lets_the_kernel_and_libraries_through():
    assert not forbidden_imports(
        "import shared.quiet\nfrom shared.config import setting\nfrom . import db\nimport servicesx\n"
        '"""Built from services/gateway/openapi.py; see services.aid.domain for the core."""\n'
        'SERVICES = ("registry", "aid")'
    )


def test_shared_imports_no_service_cli_bench_faults_or_tests():
    files = sorted(KERNEL.rglob("*.py"))
    assert len(files) > 20, files
    found = {str(path.relative_to(ROOT)): bad for path in files if (bad := forbidden_imports(path.read_text("utf-8")))}
    assert not found, found


def test_each_service_the_kernel_names_has_its_class_outside_the_kernel():
    assert tuple(SERVICE_CLASSES) == SERVICES
    assert [service_class(name).name for name in SERVICES] == list(SERVICES)
