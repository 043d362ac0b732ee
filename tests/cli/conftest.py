"""What the command tests for backups and export packages share: a demo installation per module and
a password file."""
from __future__ import annotations

from pathlib import Path

import pytest

from .test_cli import ok, run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo written into it, one per test module."""
    data = tmp_path_factory.mktemp("cli-demo") / "data"
    ok(run(data, "demo"))
    return data


def password_file(folder: Path, password: str) -> Path:
    """A password file as an officer writes one: the password on its first line."""
    path = folder / "密码.txt"
    path.write_text(password + "\n", encoding="utf-8")
    return path
