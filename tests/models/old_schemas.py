"""Databases as earlier versions of the program made them, for the migration tests.

``make_v1_database`` does what ``_bring_up_to_date`` did on a new data folder at schema version 1
(the program up to commit be3b60b): every table of today's models except those that later steps
add, the audit table's append-only triggers, the case search index, and one ``SchemaVersion`` row.
That is honest only while the models of those tables are unchanged since version 1, which
``test_the_v1_builder_still_makes_version_1`` checks against a fingerprint taken from the version-1
program itself. When a later step alters one of those tables, freeze that table's version-1 DDL
here instead of creating it from the model.

``program_at_version`` makes the running program believe its newest schema is an older one, so that
the service API can put data into an old database without migrating it first.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee
import pytest

import models.database as database
import models.migrations as migrations
from models.adapter import SEARCH_TABLE, SqliteAdapter
from models.audit import AuditRecord
from models.base import SchemaVersion, database_proxy
from models.database import ALL_MODELS, DATABASE_FILE
from models.users import User

ADDED_AFTER_V1: list[type[peewee.Model]] = [User]          # step 2
V1_MODELS = [model for model in ALL_MODELS if model not in ADDED_AFTER_V1]

# SHA-256 of ``schema_sql`` for the database the version-1 program (commit be3b60b) creates.
V1_SCHEMA_SHA256 = "2f25a872b6c7162a41a8b617aae1a3d24b42e0f5eaf7bb541f1d26fce35dc743"


def schema_sql(path: Path) -> str:
    """The schema of the database at ``path`` as SQLite stores it, one statement a line, sorted; the
    search index's shadow tables (SQLite's own, and their SQL may differ between SQLite releases) are
    left out."""
    conn = peewee.SqliteDatabase(str(path))
    try:
        rows = conn.execute_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE ? "
            "ORDER BY type, name", (f"{SEARCH_TABLE}_%",)).fetchall()
    finally:
        conn.close()
    return "\n".join(f"{kind} {name}: {sql}" for kind, name, sql in rows)


def schema_fingerprint(path: Path) -> str:
    return hashlib.sha256(schema_sql(path).encode("utf-8")).hexdigest()


def make_v1_database(data_dir: Path) -> Path:
    """A new data folder's database exactly as the version-1 program created it (no rows but the
    schema version); the path of the database file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    adapter = SqliteAdapter(data_dir / DATABASE_FILE)
    database_proxy.initialize(adapter.db)
    adapter.db.connect()
    try:
        with adapter.write_transaction():
            adapter.db.create_tables(V1_MODELS)
            adapter.install_append_only(AuditRecord._meta.table_name)
            adapter.install_case_search()
            SchemaVersion.create(version=1, description="初始结构")
    finally:
        adapter.db.close()
    return adapter.path


@contextmanager
def program_at_version(version: int) -> Iterator[None]:
    """Within the block, the program's newest schema is ``version``: opening a database of that
    version changes nothing. (A new database would still get today's tables: make old ones with the
    builders above.)"""
    steps = [step for step in migrations.MIGRATIONS if step.version <= version]
    with pytest.MonkeyPatch.context() as patch:
        # models.database imported the names, so patch them where they are used and at the source
        for module in (database, migrations):
            patch.setattr(module, "MIGRATIONS", steps)
            patch.setattr(module, "LATEST_VERSION", version)
        yield
