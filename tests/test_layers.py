"""The layers stay apart: the headless core never touches Qt, and the program never touches the network."""
from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADLESS = ("core", "models", "documents")
QT_MODULES = ("PySide6", "shiboken6")
NETWORK_MODULES = ("socket", "urllib.request", "http.client", "requests", "httpx", "aiohttp")
NOT_PROGRAM = {"tests", "bench", "build", "dist", "node_modules", "__pycache__"}


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) for every import, including ``from a import b`` as ``a.b``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
              and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value


def matches(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def program_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in NOT_PROGRAM for p in parts[:-1]):
            continue
        files.append(path)
    return files


def test_program_files_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in program_files()}
    assert {"main.py", "cli/main.py", "core/audit.py", "models/database.py"} <= names
    assert not any(n.startswith(("tests/", "bench/", ".venv/")) for n in names)


@pytest.mark.parametrize("layer", HEADLESS)
def test_headless_layers_never_import_qt(layer: str) -> None:
    offences = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                for path in sorted((ROOT / layer).rglob("*.py"))
                for line, name in imported_modules(path) if matches(name, QT_MODULES)]
    assert offences == []


def test_program_never_imports_network_modules() -> None:
    offences = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                for path in program_files()
                for line, name in imported_modules(path) if matches(name, NETWORK_MODULES)]
    assert offences == []


def test_the_scanner_sees_every_import_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import socket\nfrom urllib import request\nfrom http.client import HTTPConnection\n"
                      "import importlib\nimportlib.import_module('PySide6.QtCore')\n"
                      "def f():\n    from shiboken6 import isValid\n", encoding="utf-8")
    names = [name for _, name in imported_modules(sample)]
    assert matches(names[0], NETWORK_MODULES)
    assert any(matches(n, NETWORK_MODULES) for n in names if n.startswith("urllib"))
    assert any(matches(n, NETWORK_MODULES) for n in names if n.startswith("http"))
    assert sum(matches(n, QT_MODULES) for n in names) >= 2


def test_core_services_load_without_qt() -> None:
    script = ("import sys\n"
              "import core.services.actions, core.services.case_view, core.services.health, core.services.holidays\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_gui_imports_qt_only_through_its_shim_and_never_the_database() -> None:
    """gui/qt.py is the one door to Qt; windows call core services, never peewee or the models."""
    offences = []
    for path in sorted((ROOT / "gui").rglob("*.py")):
        for line, name in imported_modules(path):
            if path.name != "qt.py" and matches(name, QT_MODULES):
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {name} (use gui.qt)")
            if matches(name, ("peewee", "playhouse", "models", "sqlite3")):
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {name} (use core.services)")
    assert offences == []
