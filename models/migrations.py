"""Numbered schema steps for databases made by an earlier version of the program.

A new database is created directly at ``LATEST_VERSION``. Each later change to the models adds a
step here (append only, never edit a released step) and raises ``LATEST_VERSION``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Any], None]   # receives the database adapter, runs inside the transaction


def _add_users(adapter: Any) -> None:
    from models.users import User

    adapter.db.create_tables([User])


MIGRATIONS: list[Migration] = [
    Migration(2, "officers who sign in to the desktop program", _add_users),
]

LATEST_VERSION = 1 + len(MIGRATIONS)
