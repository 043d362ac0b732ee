"""Where an installation keeps its data: the command line, the environment, the portable folder,
or the user's folder.

Portable mode (for a program run from a USB stick): when a file named ``portable`` sits beside the
built program's executable, the data lives in ``data/`` beside it, and the program's cache in
``cache/`` beside it, so nothing is written to the computer it runs on. Only the built program
(``sys.frozen``) looks for the marker; a source checkout uses ``--data-dir`` for the same.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "RONGCUO_DATA_DIR"
APP_NAME = "rongcuo"
PORTABLE_MARKER = "portable"      # an empty file beside the executable
PORTABLE_DATA = "data"            # ASCII: the same name on every file system and code page
PORTABLE_CACHE = "cache"


def program_dir() -> Path | None:
    """The folder of the built program's executable; None when running from source."""
    if not getattr(sys, "frozen", False) or not sys.executable:
        return None
    return Path(sys.executable).resolve().parent


def portable_dir() -> Path | None:
    """The executable's folder when it holds the ``portable`` marker (portable mode), else None."""
    folder = program_dir()
    if folder is not None and (folder / PORTABLE_MARKER).is_file():
        return folder
    return None


def resolve_data_dir(explicit: str | None = None) -> Path:
    """``--data-dir`` wins, then ``RONGCUO_DATA_DIR``, then ``data/`` beside a portable program,
    then the per-user data folder (Windows ``%LOCALAPPDATA%\\rongcuo``, Linux ``~/.local/share/rongcuo``)."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    portable = portable_dir()
    if portable is not None:
        return portable / PORTABLE_DATA
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where the program keeps what it can make again (the font scan): ``cache/`` beside a portable
    program, else the per-user cache folder."""
    portable = portable_dir()
    if portable is not None:
        return portable / PORTABLE_CACHE
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
