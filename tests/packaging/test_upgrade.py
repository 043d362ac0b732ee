"""Upgrading: a newer program opens the database an older one left in the data folder, backs it up,
migrates it, and keeps every case (tests/models/test_migrations.py checks the steps themselves)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import models.migrations as migrations
from cli.main import run
from core.services.actions import perform_action
from core.services.registration import register_case
from core.services.workspace import Workspace
from tests.conftest import TODAY
from tests.models.old_schemas import make_v1_database, program_at_version
from tests.models.test_database import versions


def test_the_newer_program_migrates_after_a_backup_and_keeps_the_cases(
        data_dir: Path, application: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    # What the previous release left: a version-1 database with a case in it.
    path = make_v1_database(data_dir)
    with program_at_version(1):
        ws = Workspace(data_dir, actor="测试员", today=lambda: TODAY)
        try:
            number = register_case(ws, application).number
            perform_action(ws, number, "accept", "2026-03-11", {})
        finally:
            ws.close()
    assert versions(path) == [1] and not (data_dir / "backups").exists()

    # The new release's first command on that folder.
    assert run(["--data-dir", str(data_dir), "case", "show", number, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["number"] == number and shown["status"] == "investigating"
    assert versions(path) == list(range(1, migrations.LATEST_VERSION + 1))
    [backup] = (data_dir / "backups").iterdir()
    assert backup.name.startswith("before-migration-v1-") and versions(backup) == [1]

    assert run(["--data-dir", str(data_dir), "check"]) == 0     # database, audit chain and files sound
    assert len(list((data_dir / "backups").iterdir())) == 1     # migrated once, backed up once
