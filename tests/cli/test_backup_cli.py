"""``backup --to DIR`` and ``restore BACKUP`` as an officer runs them."""
from __future__ import annotations

import json
from pathlib import Path

from .conftest import password_file
from .test_cli import CHINESE, ok, one_chinese_error, run

PASSWORD = "U盘备份密码2026"


def test_help_is_chinese() -> None:
    for command in ("backup", "restore"):
        out = ok(run(None, command, "--help"))
        assert out.startswith("用法：") and CHINESE.search(out.split("\n", 1)[1])
    assert "备份" in ok(run(None, "--help"))


def test_backup_and_restore_give_back_the_same_cases(demo: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    result = run(demo, "backup", "--to", str(usb), "--password-file", str(password_file(tmp_path, PASSWORD)))
    out = ok(result)
    (backup,) = list(usb.iterdir())
    assert out.startswith(f"已备份到：{backup}") and "已加密" in out
    assert "尚未备份" not in run(demo, "check").stderr

    restored = tmp_path / "恢复" / "data"
    out = ok(run(restored, "restore", str(backup), "--password-file", str(password_file(tmp_path, PASSWORD)),
                 user="王管理员"))
    assert out.startswith(f"已从备份恢复到：{restored}") and "检查通过" in out
    assert "检查通过" in ok(run(restored, "check"))
    assert "审计链完整" in ok(run(restored, "audit", "verify"))
    original = json.loads(ok(run(demo, "case", "list", "--json")))
    assert json.loads(ok(run(restored, "case", "list", "--json"))) == original
    number = original["cases"][0]["number"]
    assert json.loads(ok(run(restored, "case", "show", number, "--json"))) == \
        json.loads(ok(run(demo, "case", "show", number, "--json")))


def test_an_unencrypted_backup_says_so(demo: Path, tmp_path: Path) -> None:
    result = run(demo, "backup", "--to", str(tmp_path / "usb"))
    assert "未加密" in ok(result) and "未加密" in result.stderr


def test_check_reminds_of_a_backup_never_made(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run(data, "check")
    assert "检查通过" in ok(result)
    assert "尚未备份" in result.stderr


def test_restore_refuses_a_folder_that_is_not_empty(demo: Path, tmp_path: Path) -> None:
    ok(run(demo, "backup", "--to", str(tmp_path / "usb")))
    (backup,) = list((tmp_path / "usb").iterdir())
    line = one_chinese_error(run(demo, "restore", str(backup)))
    assert "不是空的" in line


def test_restore_refuses_a_wrong_password_and_writes_nothing(demo: Path, tmp_path: Path) -> None:
    ok(run(demo, "backup", "--to", str(tmp_path / "usb"), "--password-file", str(password_file(tmp_path, PASSWORD))))
    (backup,) = list((tmp_path / "usb").iterdir())
    target = tmp_path / "new"
    line = one_chinese_error(run(target, "restore", str(backup), "--password-file",
                                 str(password_file(tmp_path, "错误的密码12345"))))
    assert "密码不正确" in line
    assert "已加密" in one_chinese_error(run(target, "restore", str(backup)))
    assert not target.exists()
    assert "找不到" in one_chinese_error(run(target, "restore", str(tmp_path / "没有.rcbak")))
    assert not target.exists()


def test_backup_refuses_a_short_password(demo: Path, tmp_path: Path) -> None:
    line = one_chinese_error(run(demo, "backup", "--to", str(tmp_path / "usb"), "--password-file",
                                 str(password_file(tmp_path, "short"))))
    assert "至少" in line
