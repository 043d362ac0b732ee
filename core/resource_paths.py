"""Where the program's own files are: policies, holiday data, templates, fonts.

Every path to a shipped file goes through here, so the same code works from a source checkout and
from a PyInstaller one-folder build (which unpacks data files under ``sys._MEIPASS``).
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache   # resolve() is a system call; policies and templates ask for paths per case
def app_root() -> Path:
    """The folder that holds ``resources/`` and ``templates_docx/``."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file or folder under ``resources/``."""
    return app_root().joinpath("resources", *parts)


def templates_path(*parts: str) -> Path:
    """A file or folder under ``templates_docx/``."""
    return app_root().joinpath("templates_docx", *parts)
