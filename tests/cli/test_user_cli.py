"""``user``: the office's IT person adds officers, resets a forgotten password, disables and enables
officers at the command line, which acts as administrator (whoever holds the machine); and the
``--set`` hint the command line adds to a field left out of ``case act``."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from cli.main import run as run_in_process
from core.errors import UserError
from core.services.users import sign_in
from core.services.workspace import Workspace

from ..conftest import APPLICATION
from .test_cli import CHINESE, ok, one_chinese_error, run, write_json

IT = "信息中心小刘"


def password_file(tmp_path: Path, password: str, name: str = "pw.txt", tail: str = "\n") -> Path:
    path = tmp_path / name
    path.write_text(password + tail, encoding="utf-8")
    return path


def trail(data: Path) -> list[tuple[str, str, Any]]:
    conn = sqlite3.connect(str(data / "rongcuo.sqlite3"))
    try:
        rows = conn.execute("SELECT actor, action, after FROM audit_record ORDER BY seq").fetchall()
    finally:
        conn.close()
    return [(actor, action, json.loads(after)) for actor, action, after in rows]


def signs_in(data: Path, name: str, password: str) -> bool:
    ws = Workspace(data, actor="未登录")
    try:
        sign_in(ws, name, password)
        return True
    except UserError:
        return False
    finally:
        ws.close()


def test_user_help_is_chinese() -> None:
    top = ok(run(None, "--help"))
    assert "user" in top
    for args in (["user", "--help"], ["user", "add", "--help"], ["user", "password", "--help"]):
        out = ok(run(None, *args))
        assert out.startswith("用法：") and CHINESE.search(out)
    assert "--password-file" in ok(run(None, "user", "add", "--help"))


def test_user_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = run(data, "user", "list")
    assert ok(empty) == "" and "尚无用户" in empty.stderr

    first = password_file(tmp_path, "Helan-2026", "admin.txt")
    assert ok(run(data, "user", "add", "王宏", "--admin", "--password-file", str(first), user=IT)) \
        == "已添加用户：王宏（管理员）"
    assert ok(run(data, "user", "add", "李娜", "--password-file", str(password_file(tmp_path, "lina-secret-1")),
                  user=IT)) == "已添加用户：李娜"
    assert ok(run(data, "user", "list")).splitlines() == ["王宏\t管理员\t启用", "李娜\t经办人\t启用"]

    assert ok(run(data, "user", "disable", "李娜", user=IT)) == "已停用用户：李娜"
    assert json.loads(ok(run(data, "user", "list", "--json"))) == [
        {"name": "王宏", "is_admin": True, "active": True}, {"name": "李娜", "is_admin": False, "active": False}]
    assert ok(run(data, "user", "enable", "李娜", user=IT)) == "已启用用户：李娜"

    # the administrator forgot the password
    reset = password_file(tmp_path, "Forgotten-7", "reset.txt")
    assert ok(run(data, "user", "password", "王宏", "--password-file", str(reset), user=IT)) == "已重设用户“王宏”的密码"
    assert signs_in(data, "王宏", "Forgotten-7") and not signs_in(data, "王宏", "Helan-2026")

    assert [(actor, action, after) for actor, action, after in trail(data)] == [
        (IT, "user.create", {"name": "王宏", "is_admin": True}),
        (IT, "user.create", {"name": "李娜", "is_admin": False}),
        (IT, "user.active", {"name": "李娜", "active": False}),
        (IT, "user.active", {"name": "李娜", "active": True}),
        (IT, "user.password_reset", {"name": "王宏"}),
    ]
    assert "审计链完整" in ok(run(data, "audit", "verify"))
    for path in data.glob("rongcuo.sqlite3*"):
        content = path.read_bytes()
        assert not any(p.encode() in content for p in ("Helan-2026", "lina-secret-1", "Forgotten-7")), path


@pytest.fixture(scope="module")
def officers_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data folder with 王宏 (administrator) and 李娜; and a folder for password files."""
    base = tmp_path_factory.mktemp("users")
    data = base / "data"
    ok(run(data, "user", "add", "王宏", "--admin", "--password-file", str(password_file(base, "Helan-2026", "a"))))
    ok(run(data, "user", "add", "李娜", "--password-file", str(password_file(base, "lina-secret-1", "b"))))
    return data, base


@pytest.mark.parametrize(("args", "password", "expect"), [
    (["user", "add", "李娜"], "another-pw1", "已有名为“李娜”的用户"),
    (["user", "add", "张明"], "short", "密码至少 8 位"),
    (["user", "add", "张明"], "", "密码至少 8 位"),                     # an empty file
    (["user", "add", "  "], "another-pw1", "姓名"),
    (["user", "password", "张明"], "another-pw1", "没有名为“张明”的用户"),
    (["user", "password", "王宏"], " leading-space", "空格"),
    (["user", "disable", "王宏"], None, "不能停用唯一的管理员"),
    (["user", "enable", "李娜"], None, "已经是启用状态"),
    (["user", "disable", "张明"], None, "没有名为“张明”的用户"),
    (["user", "add", "张明", "--password-file", "/nonexistent/pw.txt"], None, "找不到文件"),
])
def test_mistakes_give_one_chinese_line_and_change_nothing(officers_data: tuple[Path, Path], args: list[str],
                                                          password: str | None, expect: str) -> None:
    data, base = officers_data
    before = trail(data)
    if password is not None:
        args = [*args, "--password-file", str(password_file(base, password, "mistake.txt", tail=""))]
    line = one_chinese_error(run(data, *args))
    assert line.startswith("错误：") and expect in line, line
    assert trail(data) == before
    assert signs_in(data, "王宏", "Helan-2026")
    assert not (data / "logs").exists()   # no mistake was taken for a bug


def test_usage_mistakes_exit_2(officers_data: tuple[Path, Path]) -> None:
    data, _ = officers_data
    assert "缺少参数" in one_chinese_error(run(data, "user", "add"), exit_code=2)
    one_chinese_error(run(data, "user", "rename", "王宏"), exit_code=2)


def test_a_password_file_gives_its_first_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    crlf = tmp_path / "windows.txt"
    crlf.write_bytes("\ufeffNotepad-pw1\r\n第二行不算\r\n".encode())   # Notepad: BOM and CRLF
    ok(run(data, "user", "add", "王宏", "--admin", "--password-file", str(crlf)))
    assert signs_in(data, "王宏", "Notepad-pw1")
    latin = tmp_path / "gbk.txt"
    latin.write_bytes("密码很长很长很长".encode("gbk"))
    assert "UTF-8" in one_chinese_error(run(data, "user", "password", "王宏", "--password-file", str(latin)))


# --- typing the password (in process: getpass needs a terminal) -------------------------------------------

class Terminal:
    """Stands in for getpass on a terminal: hands out the answers, keeps the prompts."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str = "Password: ", stream: Any = None) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str, tty: bool = True) -> Terminal:
    import getpass

    terminal = Terminal(*answers)
    monkeypatch.setattr(getpass, "getpass", terminal)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: tty)
    return terminal


def test_the_password_is_typed_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    terminal = typed(monkeypatch, "Typed-pw-1", "Typed-pw-1")
    assert run_in_process(["--data-dir", str(data), "--user", IT, "user", "add", "王宏", "--admin"]) == 0
    assert terminal.prompts == ["新密码：", "再输入一遍："]
    assert "Typed-pw-1" not in capsys.readouterr().out
    assert signs_in(data, "王宏", "Typed-pw-1")

    typed(monkeypatch, "Typed-pw-2", "Typed-pw-3")
    assert run_in_process(["--data-dir", str(data), "user", "password", "王宏"]) == 1
    assert capsys.readouterr().err.strip() == "错误：两次输入的密码不一致"
    assert signs_in(data, "王宏", "Typed-pw-1")

    typed(monkeypatch, "Typed-pw-2", "Typed-pw-2")
    assert run_in_process(["--data-dir", str(data), "user", "password", "王宏"]) == 0
    assert signs_in(data, "王宏", "Typed-pw-2")

    typed(monkeypatch, "Typed-pw-4")   # Ctrl-D at the second prompt
    assert run_in_process(["--data-dir", str(data), "user", "password", "王宏"]) == 1
    assert "没有输入密码" in capsys.readouterr().err
    assert signs_in(data, "王宏", "Typed-pw-2")


def test_without_a_terminal_a_password_file_is_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    terminal = typed(monkeypatch, "Piped-pw-1", "Piped-pw-1", tty=False)
    assert run_in_process(["--data-dir", str(tmp_path / "data"), "user", "add", "王宏"]) == 1
    assert terminal.prompts == []   # never read a password from a pipe
    assert "--password-file" in capsys.readouterr().err
    # and as a subprocess, with stdin not a terminal
    line = one_chinese_error(run(tmp_path / "data", "user", "add", "王宏"))
    assert "--password-file" in line


# --- the --set hint for a field left out of case act ----------------------------------------------------------

@pytest.fixture(scope="module")
def case_investigating(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("hint")
    data = base / "data"
    number = ok(run(data, "case", "add", str(write_json(base / "case.json", APPLICATION))))
    return data, number


@pytest.mark.parametrize(("args", "expect"), [
    (["accept", "--set", "clues=other"], "请填写其他线索及继续调查的情况（--set other_clues=…）"),
    (["reject"], "（--set reason=…）"),
])
def test_a_field_left_out_is_named_with_its_option(case_investigating: tuple[Path, str], args: list[str],
                                                   expect: str) -> None:
    data, number = case_investigating
    line = one_chinese_error(run(data, "case", "act", number, *args, "--date", "2026-03-11"))
    assert line.endswith(expect), line


def test_a_wrong_value_or_date_gets_no_hint(case_investigating: tuple[Path, str]) -> None:
    data, number = case_investigating
    line = one_chinese_error(run(data, "case", "act", number, "accept", "--set", "suspension=maybe"))
    assert "--set" not in line and "maybe" in line
    line = one_chinese_error(run(data, "case", "act", number, "accept", "--date", "2026-02-30"))
    assert "--set" not in line
