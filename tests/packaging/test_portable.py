"""Where the data lives: --data-dir, then RONGCUO_DATA_DIR, then data/ beside a portable program,
then the user's data folder. The built program is simulated (sys.frozen, sys.executable)."""
from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from core import data_dir as dd


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A built program's folder (on a USB stick, say), this process pretending to be its executable."""
    folder = tmp_path / "U盘" / "rongcuo"
    folder.mkdir(parents=True)
    (folder / "rongcuo").write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "rongcuo"))
    monkeypatch.delenv(dd.DATA_DIR_ENV, raising=False)
    return folder


def test_without_the_marker_the_users_folder(program: Path) -> None:
    assert dd.portable_dir() is None
    assert dd.resolve_data_dir() == Path(platformdirs.user_data_dir("rongcuo", appauthor=False))
    assert dd.cache_dir() == Path(platformdirs.user_cache_dir("rongcuo", appauthor=False))


def test_the_marker_puts_data_and_cache_beside_the_program(program: Path) -> None:
    (program / "portable").write_text("")
    assert dd.portable_dir() == program.resolve()
    assert dd.resolve_data_dir() == program.resolve() / "data"
    assert dd.cache_dir() == program.resolve() / "cache"


def test_the_command_line_and_the_environment_come_first(program: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (program / "portable").write_text("")
    monkeypatch.setenv(dd.DATA_DIR_ENV, str(tmp_path / "env"))
    assert dd.resolve_data_dir(str(tmp_path / "cli")) == (tmp_path / "cli").resolve()
    assert dd.resolve_data_dir() == (tmp_path / "env").resolve()
    monkeypatch.delenv(dd.DATA_DIR_ENV)
    assert dd.resolve_data_dir() == program.resolve() / "data"


def test_a_folder_named_portable_is_no_marker(program: Path) -> None:
    (program / "portable").mkdir()
    assert dd.portable_dir() is None


def test_running_from_source_ignores_a_marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / "portable").write_text("")
    monkeypatch.delenv(dd.DATA_DIR_ENV, raising=False)
    assert dd.program_dir() is None and dd.portable_dir() is None
    assert dd.resolve_data_dir() == Path(platformdirs.user_data_dir("rongcuo", appauthor=False))


def test_the_cli_opens_the_portable_data_folder(program: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import run

    (program / "portable").write_text("")
    assert run(["workdays", "add", "2026-09-30", "1"]) == 0
    assert capsys.readouterr().out.strip() == "2026-10-08"
    assert (program / "data" / "rongcuo.sqlite3").is_file()     # the workspace was opened beside the program


def test_the_font_cache_follows_portable_mode(program: Path) -> None:
    from documents import fonts

    (program / "portable").write_text("")
    assert fonts._cache_root() == program.resolve() / "cache"
