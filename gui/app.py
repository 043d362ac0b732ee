"""Starting the desktop program: the application, who is working, then the main window."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from core.error_log import keep_fatal_traces
from core.errors import UserError
from core.services.workspace import Workspace
from gui import crash, prompts
from gui.app_setup import make_application
from gui.tasks import TaskRunner

NOT_SIGNED_IN = "未登录"


def open_runner(data_dir: Path, today: Any = None) -> TaskRunner:
    return TaskRunner(lambda: Workspace(data_dir, actor=NOT_SIGNED_IN, today=today), data_dir)


def start_info(ws: Workspace) -> dict[str, Any]:
    """What the start needs to know, in one trip to the worker."""
    from core.services.office import office_profile
    from core.services.users import needs_first_start, officers

    policy = ws.policy()
    return {"first_start": needs_first_start(ws), "office": office_profile(ws),
            "names": [o.name for o in officers(ws) if o.active],
            "outcomes": {o.code: o.label for o in policy.outcomes}}


def build_main_window(runner: TaskRunner, officer: Any, info: dict[str, Any]) -> Any:
    from gui.main_window import MainWindow

    return MainWindow(runner, officer, info["office"], info["outcomes"])


def no_display() -> bool:
    """On Linux without X11 or Wayland (a server, an SSH session) Qt would abort with an English
    message; say it in Chinese instead."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def run_gui(data_dir: Path) -> int:
    if no_display():
        print("错误：没有图形显示环境，无法打开窗口。命令行功能见 ./run.sh --help", file=sys.stderr)
        return 1
    if not folder_is_empty(data_dir):       # an empty one may yet receive a backup: nothing is written there first
        keep_fatal_traces(data_dir)
    app = make_application()
    crash.install(data_dir)
    runner = open_runner(data_dir)
    timing = os.environ.get("RONGCUO_BENCH_START")      # measuring the start: gui/start_timing.py
    if timing:
        from gui.start_timing import attach

        attach(app, runner, timing)
    try:
        started = _who_is_working(runner, data_dir)
    except UserError as exc:
        prompts.error(None, exc.message)
        runner.shutdown()
        return 1
    if started is None:
        runner.shutdown()
        return 0
    officer, info = started
    keep_fatal_traces(data_dir)
    window = build_main_window(runner, officer, info)
    window.show()
    code = app.exec()
    runner.shutdown()
    return code


def folder_is_empty(data_dir: Path) -> bool:
    return not data_dir.exists() or (data_dir.is_dir() and not any(data_dir.iterdir()))


def _who_is_working(runner: TaskRunner, data_dir: Path) -> tuple[Any, dict[str, Any]] | None:
    """The officer at work and what the main window needs, or None when the officer gives up.

    A data folder with nothing in it yet may be filled from a backup instead of a first start;
    nothing opens a workspace on it before that choice."""
    from gui.sign_in import FirstStartDialog, SignInDialog

    if folder_is_empty(data_dir):
        first = FirstStartDialog(runner, restore_into=data_dir)
        if not first.exec():
            return None
        if first.officer is not None:
            return first.officer, runner.call(start_info)
    info = runner.call(start_info)
    if info["first_start"]:
        dialog: Any = FirstStartDialog(runner)
        if not dialog.exec():
            return None
        return dialog.officer, runner.call(start_info)
    dialog = SignInDialog(runner, info["names"], info["office"].get("organ_name", ""))
    return (dialog.officer, info) if dialog.exec() else None
