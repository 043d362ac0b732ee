"""Opening the database: the pragmas in force, the schema version, and migrations that back up
first and then either finish or change nothing."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import models.database as database
import models.migrations as migrations
from core.errors import UserError
from core.services.registration import register_case
from core.services.workspace import Workspace
from models.database import DATABASE_FILE, close_database
from models.migrations import Migration

from ..conftest import TODAY
from .old_schemas import make_v1_database, program_at_version


def pragma(ws: Workspace, name: str) -> Any:
    return ws.adapter.db.execute_sql(f"PRAGMA {name}").fetchone()[0]


def raw_query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def columns(path: Path, table: str) -> set[str]:
    return {row[1] for row in raw_query(path, f'PRAGMA table_info("{table}")')}


def tables(path: Path) -> set[str]:
    return {row[0] for row in raw_query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def case_numbers(path: Path) -> list[str]:
    return [row[0] for row in raw_query(path, 'SELECT number FROM "case" ORDER BY number')]


def versions(path: Path) -> list[int]:
    return [row[0] for row in raw_query(path, "SELECT version FROM schema_version ORDER BY version")]


def open_ws(data_dir: Path) -> Workspace:
    return Workspace(data_dir, actor="测试员", today=lambda: TODAY)


# --- a fresh database -------------------------------------------------------------------------------

def test_pragmas_in_force(workspace: Workspace) -> None:
    assert pragma(workspace, "journal_mode") == "wal"
    assert pragma(workspace, "foreign_keys") == 1
    assert pragma(workspace, "synchronous") == 2          # FULL
    assert pragma(workspace, "secure_delete") == 1
    assert pragma(workspace, "busy_timeout") > 0


def test_wal_mode_is_stored_in_the_file(workspace: Workspace) -> None:
    assert raw_query(workspace.data_dir / DATABASE_FILE, "PRAGMA journal_mode") == [("wal",)]


def test_foreign_keys_are_enforced(workspace: Workspace) -> None:
    import peewee

    from models.case import Applicant

    with pytest.raises(peewee.IntegrityError, match="FOREIGN KEY"):
        Applicant.create(case=999999, kind="person", name="无此案件")


def test_fresh_database_holds_the_latest_version(workspace: Workspace) -> None:
    assert versions(workspace.data_dir / DATABASE_FILE) == [migrations.LATEST_VERSION]
    assert database.schema_version(workspace.adapter) == migrations.LATEST_VERSION
    assert not (workspace.data_dir / "backups").exists()   # nothing to back up


def test_reopening_the_latest_version_changes_nothing(data_dir: Path) -> None:
    open_ws(data_dir).close()
    ws = open_ws(data_dir)
    ws.close()
    assert versions(data_dir / DATABASE_FILE) == [migrations.LATEST_VERSION]
    assert not (data_dir / "backups").exists()


def test_newer_database_is_refused(data_dir: Path) -> None:
    open_ws(data_dir).close()
    newer = migrations.LATEST_VERSION + 1
    conn = sqlite3.connect(str(data_dir / DATABASE_FILE))
    with conn:
        conn.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (?, '未来', '2030-01-01')",
                     (newer,))
    conn.close()
    try:
        with pytest.raises(UserError) as caught:
            open_ws(data_dir)
    finally:
        close_database()
    message = caught.value.message
    assert str(newer) in message and "新版本" in message
    assert versions(data_dir / DATABASE_FILE)[-1] == newer   # left alone


# --- migrations ---------------------------------------------------------------------------------------

def add_column(adapter: Any) -> None:
    adapter.db.execute_sql("ALTER TABLE \"case\" ADD COLUMN migrated_note TEXT NOT NULL DEFAULT '迁移'")


def fail(adapter: Any) -> None:
    adapter.db.execute_sql("UPDATE \"case\" SET statement = '迁移改过'")
    raise RuntimeError("最后一步出错")


# The program's own steps, then steps of these tests after them.
REAL_STEPS = list(migrations.MIGRATIONS)
NEXT = migrations.LATEST_VERSION + 1
ALL_VERSIONS = list(range(1, NEXT + 1))   # a version-1 database after the real steps and one more


def use_migrations(monkeypatch: pytest.MonkeyPatch, steps: list[Migration]) -> None:
    latest = 1 + len(steps)
    # models.database imported the names, so patch them where they are used (and at the source)
    for module in (database, migrations):
        monkeypatch.setattr(module, "MIGRATIONS", steps)
        monkeypatch.setattr(module, "LATEST_VERSION", latest)


@pytest.fixture
def v1_database(data_dir: Path, application: dict[str, Any]) -> Path:
    """A version-1 database (``old_schemas``) holding one case, checkpointed into the file."""
    path = make_v1_database(data_dir)
    with program_at_version(1):
        ws = open_ws(data_dir)
        register_case(ws, application)
        ws.close()   # last connection: checkpointed into the main file
    assert versions(path) == [1]
    return path


def test_migration_backs_up_then_runs(v1_database: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                      application: dict[str, Any], tmp_path: Path) -> None:
    keeper = sqlite3.connect(str(v1_database))   # holds the WAL open so nothing is checkpointed on close
    try:
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()
        with program_at_version(1):
            ws = open_ws(data_dir)
            register_case(ws, application)
            ws.close()
        # the second case is only in the WAL: a plain copy of the database file would lose it
        assert (data_dir / (DATABASE_FILE + "-wal")).stat().st_size > 0
        file_copy = tmp_path / "file-copy.sqlite3"
        file_copy.write_bytes(v1_database.read_bytes())
        assert case_numbers(file_copy) == ["2026-0001"]

        use_migrations(monkeypatch, [*REAL_STEPS, Migration(NEXT, "案件增加迁移备注", add_column)])
        ws = open_ws(data_dir)
        try:
            assert database.schema_version(ws.adapter) == NEXT
        finally:
            ws.close()
    finally:
        keeper.close()

    backups = list((data_dir / "backups").iterdir())
    assert len(backups) == 1, backups
    backup = backups[0]
    assert backup.name.startswith("before-migration-v1-") and backup.suffix == ".sqlite3"
    assert raw_query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert case_numbers(backup) == ["2026-0001", "2026-0002"]
    assert versions(backup) == [1]
    assert "user" not in tables(backup)
    assert "migrated_note" not in columns(backup, "case")
    assert [r[0] for r in raw_query(backup, "SELECT seq FROM audit_record ORDER BY seq")] == [1, 2]

    assert versions(v1_database) == ALL_VERSIONS
    assert "migrated_note" in columns(v1_database, "case")
    assert raw_query(v1_database, 'SELECT DISTINCT migrated_note FROM "case"') == [("迁移",)]
    assert case_numbers(v1_database) == ["2026-0001", "2026-0002"]


def test_failing_migration_changes_nothing(v1_database: Path, data_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    statements = raw_query(v1_database, 'SELECT statement FROM "case"')
    use_migrations(monkeypatch, [*REAL_STEPS, Migration(NEXT, "案件增加迁移备注", add_column),
                                 Migration(NEXT + 1, "出错的一步", fail)])
    try:
        with pytest.raises(RuntimeError, match="最后一步出错"):
            open_ws(data_dir)
    finally:
        close_database()
    assert versions(v1_database) == [1]
    assert "migrated_note" not in columns(v1_database, "case")
    assert "user" not in tables(v1_database)   # the program's own step 2 was rolled back too
    assert raw_query(v1_database, 'SELECT statement FROM "case"') == statements
    assert len(list((data_dir / "backups").iterdir())) == 1   # the backup was made before trying

    # with the faulty step gone, the next start migrates normally
    use_migrations(monkeypatch, [*REAL_STEPS, Migration(NEXT, "案件增加迁移备注", add_column)])
    ws = open_ws(data_dir)
    ws.close()
    assert versions(v1_database) == ALL_VERSIONS
    assert "migrated_note" in columns(v1_database, "case")


OPENER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
data, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
from core.services.workspace import Workspace
ws = Workspace(data, actor="p")
print(ws.audit.key.hex())
"""


def test_processes_opening_a_new_data_folder_together_share_one_schema_and_one_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(tmp_path / "data"), str(go), str(root)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    go.touch()
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
    conn = sqlite3.connect(str(tmp_path / "data" / DATABASE_FILE))
    assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 1
    conn.close()
