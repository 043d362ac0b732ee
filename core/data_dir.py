"""Where an installation keeps its data: the command line, the environment, or the user's folder."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "RONGCUO_DATA_DIR"


def resolve_data_dir(explicit: str | None = None) -> Path:
    """``--data-dir`` wins, then ``RONGCUO_DATA_DIR``, then the per-user data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("rongcuo", appauthor=False))
