"""Backup and restore of a whole installation: a round trip gives back the same installation, a
damaged or wrongly unlocked backup writes nothing, an encrypted one leaks nothing, a killed one
leaves nothing that looks complete. Replay the kill test with RONGCUO_CRASH_SEED=<seed printed>."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import shutil
import signal
import sqlite3
import tarfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.errors import UserError
from core.numbering import list_numbers
from core.services import backup as bk
from core.services.actions import perform_action
from core.services.backup import backup_status, make_backup, restore_backup, verify_backup
from core.services.case_view import case_details
from core.services.demo import load_demo
from core.services.letters import issue_to_folder
from core.services.office import office_profile, update_office
from core.services.search import search_cases
from core.services.templates_admin import export_template, import_office_template
from core.services.users import add_officer
from core.services.workspace import Workspace
from core.version import VERSION
from models.audit import AuditRecord
from models.case import Case
from models.office import Setting
from models.users import User

from ..conftest import TODAY
from ..helpers import (
    ATTACHMENT,
    ID_NUMBERS,
    NAMES,
    ROOT,
    assert_no_personal_data,
    assert_sound,
    crash_rng,
    kill_while_running,
    leftovers,
)

PASSWORD = "备份密码-2026-安全"
TREES = ("files", "templates", "documents")


def _open(data_dir: Path, today: date = TODAY) -> Workspace:
    return Workspace(data_dir, actor="测试员", today=lambda: today)


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, plus attachments, an office template, an issued document, settings and a user."""
    data_dir = tmp_path_factory.mktemp("installation") / "data"
    ws = _open(data_dir)
    try:
        load_demo(ws)
        scratch = data_dir.parent / "scratch"
        scratch.mkdir()
        (scratch / "谈话记录.txt").write_bytes(ATTACHMENT)
        (scratch / "扫描件.bin").write_bytes(random.Random(5).randbytes(300_000))
        investigating = Case.select().where(Case.status == "investigating").order_by(Case.number).first()
        perform_action(ws, investigating.number, "evidence", "2026-11-26",
                       {"title": "谈话记录和扫描件", "files": [str(scratch / "谈话记录.txt"), str(scratch / "扫描件.bin")]})
        template = export_template(ws, "acceptance-notice", scratch / "受理通知书.docx")
        import_office_template(ws, "acceptance-notice", template)
        archived = Case.select().where(Case.status == "archived").order_by(Case.number).first()
        issue_to_folder(ws, archived.number, "determination-letter", "docx")
        update_office(ws, {"determination_letters": "2", "format.acceptance-notice": "letter"})
        add_officer(ws, "李娜", "登录密码123456", "登录密码123456", is_admin=True, holder=True)
    finally:
        ws.close()
    assert not (data_dir / "rongcuo.sqlite3-wal").exists()      # closed cleanly: a copy of the folder is whole
    return data_dir


@pytest.fixture
def source(installation: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "live"
    shutil.copytree(installation, data_dir)
    return data_dir


def _tree_hashes(data_dir: Path) -> dict[str, str]:
    found = {}
    for tree in TREES:
        for path in sorted((data_dir / tree).rglob("*")):
            if path.is_file():
                found[path.relative_to(data_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def describe(data_dir: Path) -> dict[str, Any]:
    """Everything an officer would see of an installation."""
    ws = _open(data_dir)
    try:
        return {
            "cases": {c.number: case_details(ws, c.number) for c in Case.select().order_by(Case.number)},
            "settings": {s.key: s.value for s in Setting.select() if s.key != bk.STATUS_KEY},
            "office": office_profile(ws),
            "users": [(u.name, u.password_hash, u.is_admin, u.active) for u in User.select().order_by(User.name)],
            "numbers": list_numbers(ws),
            "files": _tree_hashes(data_dir),
            "template_times": {p.name: int(p.stat().st_mtime) for p in (data_dir / "templates").iterdir()},
            "audit_key": (data_dir / "audit.key").read_text(),
            "search": [r["number"] for r in search_cases(ws, NAMES[0]).rows],
        }
    finally:
        ws.close()


def _backup(data_dir: Path, target: Path, password: str | None = None, **kw: Any) -> bk.BackupResult:
    ws = _open(data_dir, **kw)
    try:
        return make_backup(ws, target, password)
    finally:
        ws.close()


def _nothing_beside(target: Path) -> None:
    """The target was not created, and no temporary folder of a restore is left beside it."""
    assert not target.exists()
    beside = target.parent.iterdir() if target.parent.exists() else iter(())
    assert [p.name for p in beside if bk.RESTORING in p.name] == []


# --- the round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_a_restored_backup_is_the_same_installation(source: Path, tmp_path: Path, password: str | None) -> None:
    before = describe(source)
    assert before["files"] and any(n.startswith("templates/") for n in before["files"])
    assert any(n.startswith("documents/") for n in before["files"])
    steps: list[tuple[int, int]] = []
    ws = _open(source)
    try:
        result = make_backup(ws, tmp_path / "usb", password, progress=lambda done, total: steps.append((done, total)))
    finally:
        ws.close()
    assert result.path.parent == tmp_path / "usb" and result.path.name.startswith("容错免责备份-贺纪-")
    assert result.path.suffix == ".rcbak" and result.encrypted == (password is not None)
    assert result.warnings == []
    assert [p.name for p in (tmp_path / "usb").iterdir()] == [result.path.name]
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1]
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert list((source / "tmp" / "backup").iterdir()) == []      # the database copy is gone

    info = verify_backup(result.path, password)
    assert info.cases == len(before["cases"]) and info.problems == []
    assert info.program_version == VERSION and info.encrypted == (password is not None)
    assert info.audit_head is not None and info.members == result.members == 3 + len(before["files"])

    target = tmp_path / "restored"
    restored = restore_backup(result.path, target, password, actor="恢复员", today=lambda: TODAY)
    assert restored.problems == [] and "检查通过" in restored.summary
    assert describe(target) == before
    assert_sound(target)
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in source.iterdir() if p.name != "tmp")
    assert oct((target / "audit.key").stat().st_mode & 0o777) == "0o600"
    ws = _open(target)
    try:
        last = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
        assert (last.action, last.actor) == ("backup_restore", "恢复员")
        status = backup_status(ws)      # the restored data is exactly that backup's
        assert status.last_at == result.created_at and not status.due
    finally:
        ws.close()


def test_a_missing_search_index_is_rebuilt_on_restore(source: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(source / "rongcuo.sqlite3")
    connection.execute("DELETE FROM case_search")
    connection.commit()
    connection.close()
    result = _backup(source, tmp_path / "usb")
    assert any("搜索索引" in w for w in result.warnings)      # check's finding, reported, not refused
    restored = restore_backup(result.path, tmp_path / "restored", actor="恢复员")
    assert restored.search_rebuilt and restored.problems == []
    assert_sound(tmp_path / "restored")


def test_restore_into_an_existing_empty_folder(source: Path, tmp_path: Path) -> None:
    result = _backup(source, tmp_path / "usb")
    target = tmp_path / "empty"
    target.mkdir()
    restore_backup(result.path, target)
    assert_sound(target)


# --- refusals -------------------------------------------------------------------------------------

def test_restore_refuses_a_folder_that_is_not_empty(source: Path, tmp_path: Path) -> None:
    result = _backup(source, tmp_path / "usb")
    target = tmp_path / "busy"
    target.mkdir()
    (target / "笔记.txt").write_text("别的东西", encoding="utf-8")
    with pytest.raises(UserError, match="不是空的"):
        restore_backup(result.path, target)
    assert [p.name for p in target.iterdir()] == ["笔记.txt"]
    with pytest.raises(UserError, match="不是空的"):
        restore_backup(result.path, source)


def _flip(path: Path, where: float) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
@pytest.mark.parametrize("damage", ["flip-early", "flip-middle", "flip-late", "truncate", "append"])
def test_a_damaged_backup_is_refused_and_nothing_is_written(source: Path, tmp_path: Path, password: str | None,
                                                            damage: str) -> None:
    result = _backup(source, tmp_path / "usb", password)
    path = result.path
    if damage.startswith("flip"):
        _flip(path, {"flip-early": 0.02, "flip-middle": 0.5, "flip-late": 0.98}[damage])
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:-100])
    else:
        path.write_bytes(path.read_bytes() + b"x" * 100)
    target = tmp_path / "new" / "data"
    with pytest.raises(UserError):
        verify_backup(path, password)
    with pytest.raises(UserError):
        restore_backup(path, target, password)
    _nothing_beside(target)
    assert not target.parent.exists()        # not even the parent this restore would have created


def test_a_wrong_or_missing_password_is_refused_and_nothing_is_written(source: Path, tmp_path: Path) -> None:
    result = _backup(source, tmp_path / "usb", PASSWORD)
    target = tmp_path / "data"
    with pytest.raises(UserError, match="密码不正确"):
        restore_backup(result.path, target, "别的密码-12345678")
    _nothing_beside(target)
    with pytest.raises(UserError, match="已加密"):
        restore_backup(result.path, target)
    _nothing_beside(target)


def test_a_file_that_is_no_backup_is_refused(tmp_path: Path) -> None:
    for content in (b"", b"not a backup at all", gzip.compress(b"\0" * 4096)):
        path = tmp_path / "x.rcbak"
        path.write_bytes(content)
        with pytest.raises(UserError):
            restore_backup(path, tmp_path / "data")
        _nothing_beside(tmp_path / "data")
    with pytest.raises(UserError, match="找不到"):
        restore_backup(tmp_path / "missing.rcbak", tmp_path / "data")


def _forged(path: Path, members: dict[str, bytes], **fields: Any) -> Path:
    """A tar.gz whose manifest lists its members correctly: only the names (or ``fields``) decide."""
    manifest = {"format": bk.FORMAT, "format_version": 1, "created_at": "2026-11-27T10:00:00", "schema_version": 1,
                "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                            for n, d in members.items()]} | fields
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [*members.items(), (bk.MANIFEST, json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("name", ["../escape.txt", "/tmp/absolute.txt", "files/../../escape.txt", "elsewhere/x",
                                  "templates/sub/x.docx"])
def test_a_member_outside_the_data_folder_is_refused(tmp_path: Path, name: str) -> None:
    forged = _forged(tmp_path / "forged.rcbak", {"rongcuo.sqlite3": b"x", "audit.key": b"k", name: b"evil"})
    target = tmp_path / "a" / "data"
    with pytest.raises(UserError):
        restore_backup(forged, target)
    _nothing_beside(target)
    assert not (tmp_path / "escape.txt").exists() and not Path("/tmp/absolute.txt").exists()


def test_a_backup_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    members = {"rongcuo.sqlite3": b"x", "audit.key": b"k"}
    for fields, message in (({"schema_version": 999}, "更新版本"), ({"format_version": 2}, "更新版本"),
                            ({"format": "other"}, "不是本程序的备份")):
        forged = _forged(tmp_path / "forged.rcbak", members, **fields)
        with pytest.raises(UserError, match=message):
            restore_backup(forged, tmp_path / "data")
        _nothing_beside(tmp_path / "data")


def test_a_database_failing_its_integrity_check_is_not_backed_up(source: Path, tmp_path: Path) -> None:
    connection = sqlite3.connect(source / "rongcuo.sqlite3")
    connection.execute('CREATE INDEX broken_index ON "case"(number)')
    connection.commit()
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute("""UPDATE sqlite_master SET sql='CREATE INDEX broken_index ON "case"(status)'
                          WHERE name='broken_index'""")
    connection.commit()
    connection.close()
    with pytest.raises(UserError, match="完整性检查"):
        _backup(source, tmp_path / "usb")
    assert list((tmp_path / "usb").iterdir()) == []
    assert list((source / "tmp" / "backup").iterdir()) == []


def test_a_damaged_audit_trail_is_backed_up_with_a_warning(source: Path, tmp_path: Path) -> None:
    """Decision: only a database that fails its integrity check is refused. A broken audit chain or
    a changed attachment is kept as it is (refusing would leave the office with no backup at all),
    reported as a warning, written into the manifest, and found again after a restore."""
    (source / "audit.head").unlink()
    result = _backup(source, tmp_path / "usb")
    assert any("audit.head" in w for w in result.warnings)
    info = verify_backup(result.path)
    assert info.audit_head is None and any("audit.head" in p for p in info.problems)
    restored = restore_backup(result.path, tmp_path / "restored")
    assert any("audit.head" in p for p in restored.problems)


def test_a_backup_is_not_written_into_the_data_folder(source: Path) -> None:
    with pytest.raises(UserError, match="数据文件夹之内"):
        _backup(source, source / "documents" / "备份")


def test_a_short_password_is_refused(source: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="至少"):
        _backup(source, tmp_path / "usb", "short")
    assert not (tmp_path / "usb").exists() or list((tmp_path / "usb").iterdir()) == []


# --- no plaintext ---------------------------------------------------------------------------------

def test_an_encrypted_backup_holds_no_personal_data_in_plaintext(source: Path, tmp_path: Path) -> None:
    target = tmp_path / "usb"
    result = _backup(source, target, PASSWORD)
    assert assert_no_personal_data(target) == [result.path]
    # the plain backup does hold them: the scan would have seen them
    plain = _backup(source, tmp_path / "plain")
    with tarfile.open(plain.path) as tar:
        database = tar.extractfile("rongcuo.sqlite3").read()  # type: ignore[union-attr]
    assert NAMES[0].encode() in database and ID_NUMBERS[0].encode() in database


# --- the reminder ---------------------------------------------------------------------------------

def test_the_reminder_falls_due_after_seven_days(source: Path, tmp_path: Path) -> None:
    ws = _open(source)
    try:
        status = backup_status(ws)
        assert status.last_at is None and status.days_since is None and status.due
        assert "尚未备份" in status.message
        result = make_backup(ws, tmp_path / "usb")
        status = backup_status(ws)
        assert status.last_at == result.created_at and status.days_since == 0 and not status.due
        assert status.location == str(result.path) and "今天" in status.message
    finally:
        ws.close()
    for days, due in ((1, False), (6, False), (7, True), (30, True)):
        later = _open(source, today=TODAY + timedelta(days=days))
        try:
            status = backup_status(later)
            assert (status.days_since, status.due) == (days, due)
            assert f"{days} 天前" in status.message and ("请及时备份" in status.message) == due
            assert backup_status(later, due_after_days=40).due is False
        finally:
            later.close()
    ws = _open(source)
    try:
        record = AuditRecord.select().where(AuditRecord.action == "backup").get()
        assert json.loads(record.after)["sha256"] == result.sha256
    finally:
        ws.close()


# --- a live database ------------------------------------------------------------------------------

def test_a_backup_taken_during_another_write_transaction_holds_the_committed_data(source: Path,
                                                                                  tmp_path: Path) -> None:
    """SQLite's backup API copies the committed state while another connection is in the middle of
    writing (WAL), and does not wait for it."""
    other = sqlite3.connect(source / "rongcuo.sqlite3", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting(key, value) VALUES ('uncommitted', '\"写到一半\"')")
    assert (source / "rongcuo.sqlite3-wal").exists()
    held: list[bool] = []

    def first_progress(done: int, total: int) -> None:
        if not held:                    # the database has been copied: let the writer go
            held.append(other.in_transaction)
            other.execute("ROLLBACK")

    ws = _open(source)
    try:
        committed = Case.select().count()
        result = make_backup(ws, tmp_path / "usb", progress=first_progress)
    finally:
        ws.close()
        other.close()
    assert held == [True]
    restore_backup(result.path, tmp_path / "restored")
    ws = _open(tmp_path / "restored")
    try:
        assert Case.select().count() == committed
        assert Setting.get_or_none(Setting.key == "uncommitted") is None
    finally:
        ws.close()


# --- leftovers and a killed backup ----------------------------------------------------------------

def test_leftovers_of_an_interrupted_backup_are_removed_but_a_running_one_is_left_alone(source: Path,
                                                                                        tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    with leftovers(usb, "容错免责备份-贺纪", ".rcbak.part", source / "tmp" / "backup", "备份") as left:
        left.assert_cleaned(_backup(source, usb).warnings)


WRITER = r"""
import sys
from datetime import date
from pathlib import Path

from core.services.backup import make_backup
from core.services.workspace import Workspace

ws = Workspace(Path(sys.argv[1]), actor="备份测试", today=lambda: date(2026, 11, 27))
print("READY", flush=True)
while True:
    make_backup(ws, Path(sys.argv[2]), sys.argv[3] or None)
    print("DONE", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_a_killed_backup_leaves_nothing_that_looks_complete(source: Path, tmp_path: Path) -> None:
    seed, rng = crash_rng("backup kill")
    usb = tmp_path / "usb"
    started = time.monotonic()
    first = _backup(source, usb, PASSWORD)          # how long one takes here, to spread the kills over it
    duration = max(time.monotonic() - started, first.seconds, 0.05)
    killed_partial = 0
    for round_no in range(1, 7):
        where = f"seed={seed} round={round_no}"
        password = PASSWORD if round_no % 2 else ""
        kill_while_running(WRITER, [str(source), str(usb), password], where, delay=rng.random() * duration * 1.5,
                           timeout=30)
        for path in usb.glob("*.rcbak"):           # whatever carries the final name is whole
            info = verify_backup(path, PASSWORD if is_sealed(path) else None)
            assert info.cases > 0, where
        killed_partial += len(list(usb.glob("*.part")))
        assert_sound(source)
    print(f"rounds that left a partial backup: {killed_partial}; complete backups: {len(list(usb.glob('*.rcbak')))}")
    result = _backup(source, usb)
    assert list(usb.glob("*.part")) == [], f"seed={seed}"
    assert list((source / "tmp" / "backup").iterdir()) == [], f"seed={seed}"
    assert len([w for w in result.warnings if "已清理" in w]) <= killed_partial
    assert_sound(source)


def is_sealed(path: Path) -> bool:
    from core.sealing import is_sealed as sealed

    return sealed(path)


def test_the_version_is_the_projects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == VERSION


def test_a_full_disk_ends_the_backup_with_a_message_and_no_partial_file(source: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def full(sink: Any, *args: Any) -> None:
        sink.write(b"partly written")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bk, "_write_tar", full)
    for password in (None, PASSWORD):
        with pytest.raises(UserError, match="剩余空间"):
            _backup(source, tmp_path / "usb", password)
        assert list((tmp_path / "usb").iterdir()) == []
        assert list((source / "tmp" / "backup").iterdir()) == []
