"""Backing up the installation and restoring it, as an officer does it: pick a folder (a USB
stick), optionally a password, and watch the progress bar."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.sealing import MIN_PASSWORD
from gui import prompts
from gui.qt import QWidget
from gui.tasks import TaskRunner


def ask_new_password(parent: QWidget | None, what: str) -> str | bool | None:
    """A password typed twice, ``None`` for no encryption, or ``False`` when the officer cancels."""
    if not prompts.confirm(parent, f"是否为{what}设置密码（加密后，没有密码无法读取其中的任何内容）？"):
        return None
    first = prompts.ask_text(parent, f"请设置{what}密码（至少 {MIN_PASSWORD} 位）：", secret=True)
    if first is None:
        return False
    second = prompts.ask_text(parent, "请再次输入密码：", secret=True)
    if second is None:
        return False
    if first != second:
        prompts.error(parent, "两次输入的密码不一致，未执行")
        return False
    if len(first) < MIN_PASSWORD:
        prompts.error(parent, f"密码至少 {MIN_PASSWORD} 位，未执行")
        return False
    return first


def ask_password_if_sealed(parent: QWidget | None, path: Path) -> str | bool | None:
    from core.sealing import is_sealed

    if not is_sealed(path):
        return None
    answer = prompts.ask_text(parent, f"{path.name} 已加密，请输入密码：", secret=True)
    return False if answer is None else answer


def backup_now(runner: TaskRunner, parent: QWidget | None, on_done: Callable[[Any], None] | None = None) -> None:
    from core.services.backup import make_backup

    folder = prompts.choose_dir(parent, "选择保存备份的文件夹（例如 U 盘）")
    if folder is None:
        return
    password = ask_new_password(parent, "备份")
    if password is False:
        return

    def done(result: Any) -> None:
        lines = [f"备份完成：{result.path}", f"大小 {result.size / 2 ** 20:.1f} MB，{'已加密' if result.encrypted else '未加密'}。"]
        prompts.info(parent, "\n".join(lines + [f"注意：{w}" for w in result.warnings]))
        if on_done is not None:
            on_done(result)

    runner.run_with_progress(lambda ws, progress: make_backup(ws, folder, password or None, progress), done,
                             label="正在备份…", parent=parent)


def restore_into(runner: TaskRunner, data_dir: Path, parent: QWidget | None,
                 on_done: Callable[[Any], None]) -> None:
    """Restore a backup into the (still empty) data folder; no workspace is open meanwhile."""
    from core.services.backup import restore_backup

    path = prompts.open_file(parent, "选择备份文件", "容错免责备份 (*.rcbak);;所有文件 (*)")
    if path is None:
        return
    password = ask_password_if_sealed(parent, path)
    if password is False:
        return

    def done(result: Any) -> None:
        problems = "\n".join(f"问题：{p}" for p in result.problems)
        prompts.info(parent, f"已从备份恢复（{result.info.cases} 件案件）。{result.summary}\n{problems}".strip())
        on_done(result)

    runner.run_with_progress(lambda _ws, progress: restore_backup(path, data_dir, password or None, progress), done,
                             label="正在恢复…", parent=parent, with_workspace=False)
