"""The program's own schema steps, run on databases as earlier versions of the program made them
(``old_schemas``): the data survives, the audit trail stays sound, and a backup is taken first."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import models.database as database
import models.migrations as migrations
from core.services.actions import perform_action
from core.services.case_view import case_details
from core.services.health import check_installation
from core.services.registration import register_case
from core.services.search import search_cases
from core.services.users import first_start, needs_first_start, officers
from core.services.workspace import Workspace
from models.database import DATABASE_FILE

from ..conftest import TODAY
from .old_schemas import V1_SCHEMA_SHA256, make_v1_database, program_at_version, schema_fingerprint, schema_sql
from .test_database import case_numbers, raw_query, tables, versions


def open_ws(data_dir: Path) -> Workspace:
    return Workspace(data_dir, actor="测试员", today=lambda: TODAY)


@pytest.fixture
def v1_with_a_case(data_dir: Path, application: dict[str, Any]) -> tuple[Path, str]:
    """A version-1 database holding a case registered, accepted and noted by the service API (the
    program made to believe its newest schema is 1); the database file and the case number."""
    path = make_v1_database(data_dir)
    with program_at_version(1):
        ws = open_ws(data_dir)
        try:
            number = register_case(ws, application).number
            perform_action(ws, number, "accept", "2026-03-11", {})
            perform_action(ws, number, "note", "2026-03-13", {"text": "与李卫东谈话，了解容缺受理经过"})
            assert ws.audit.verify().ok
        finally:
            ws.close()
    assert versions(path) == [1] and "user" not in tables(path)
    return path, number


def test_the_v1_builder_still_makes_version_1(tmp_path: Path) -> None:
    """The fingerprint was taken from a new database made by the version-1 program itself; a change
    here means a model of a version-1 table changed: freeze that table's old DDL in old_schemas."""
    assert schema_fingerprint(make_v1_database(tmp_path / "data")) == V1_SCHEMA_SHA256


def test_version_1_gains_the_officers_and_keeps_everything(v1_with_a_case: tuple[Path, str],
                                                            data_dir: Path) -> None:
    path, number = v1_with_a_case
    head = (data_dir / "audit.head").read_text(encoding="ascii")
    ws = open_ws(data_dir)
    try:
        assert ws.adapter.db.table_exists("user")
        assert database.schema_version(ws.adapter) == migrations.LATEST_VERSION
        assert versions(path) == list(range(1, migrations.LATEST_VERSION + 1))
        assert raw_query(path, "SELECT description FROM schema_version WHERE version = 2") == [
            ("officers who sign in to the desktop program",)]

        details = case_details(ws, number)
        assert details["status"] == "investigating" and details["accepted_on"] == "2026-03-11"
        assert [n["text"] for n in details["notes"]] == ["与李卫东谈话，了解容缺受理经过"]
        assert [row["number"] for row in search_cases(ws, "容缺受理经过").rows] == [number]   # the index came along

        result = ws.audit.verify()
        assert result.ok and result.count == 3, result.message
        assert (data_dir / "audit.head").read_text(encoding="ascii") == head   # migrating is no audited change
        problems, _ = check_installation(ws)
        assert problems == []

        # the new table works: the first start of the desktop program after the upgrade
        assert needs_first_start(ws) and officers(ws) == []
        first_start(ws, {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委", "code_prefix": "贺纪"},
                    "王宏", "Helan-2026", "Helan-2026")
        assert [o.name for o in officers(ws)] == ["王宏"]
        assert ws.audit.verify().ok
    finally:
        ws.close()

    # the backup was taken first: version 1, no officers' table, the case
    [backup] = (data_dir / "backups").iterdir()
    assert backup.name.startswith("before-migration-v1-") and backup.suffix == ".sqlite3"
    assert raw_query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert versions(backup) == [1]
    assert "user" not in tables(backup)
    assert case_numbers(backup) == [number]
    assert schema_fingerprint(backup) == V1_SCHEMA_SHA256


def test_a_migrated_database_has_the_schema_of_a_new_one(v1_with_a_case: tuple[Path, str], data_dir: Path,
                                                         tmp_path: Path) -> None:
    path, _ = v1_with_a_case
    open_ws(data_dir).close()
    open_ws(tmp_path / "new").close()
    assert schema_sql(path) == schema_sql(tmp_path / "new" / DATABASE_FILE)


def test_opening_the_migrated_database_again_backs_up_nothing_more(v1_with_a_case: tuple[Path, str],
                                                                   data_dir: Path) -> None:
    open_ws(data_dir).close()
    open_ws(data_dir).close()
    assert len(list((data_dir / "backups").iterdir())) == 1
    assert versions(v1_with_a_case[0]) == list(range(1, migrations.LATEST_VERSION + 1))
