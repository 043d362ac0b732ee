"""What only SQLite has, kept in one place so a PostgreSQL adapter can stand beside it.

Callers use: ``write_transaction`` (an exclusive write from its first statement, so numbers and the
audit chain are allocated safely between processes), ``install_append_only`` (triggers that refuse
UPDATE and DELETE), ``backup_to`` (a consistent copy while the database is live), and the two
integrity checks.
"""
from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import peewee

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "full"),       # a committed action survives a power cut
    ("busy_timeout", 15000),       # milliseconds another process may hold the write lock
    ("secure_delete", 1),          # personal data: deleted pages are zeroed
)


class SqliteAdapter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=15)

    def write_transaction(self) -> AbstractContextManager[Any]:
        # BEGIN IMMEDIATE takes the write lock up front: two processes allocating the next case
        # number or audit sequence wait for each other instead of failing at commit.
        return self.db.atomic(lock_type="IMMEDIATE")

    def install_append_only(self, table: str) -> None:
        for verb in ("UPDATE", "DELETE"):
            self.db.execute_sql(
                f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{verb.lower()}" BEFORE {verb} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )

    def backup_to(self, target: Path) -> None:
        """Copy the live database with SQLite's backup API (a file copy would miss the WAL)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(str(self.path))
        try:
            dest = sqlite3.connect(str(target))
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.db.execute_sql("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def foreign_key_problems(self) -> list[str]:
        rows = self.db.execute_sql("PRAGMA foreign_key_check").fetchall()
        return [f"表 {r[0]} 第 {r[1]} 行引用的 {r[2]} 不存在" for r in rows]
