"""The program's version, as released (kept equal to ``pyproject.toml``; a test checks)."""
from __future__ import annotations

VERSION = "0.1.0"
