"""Starting the desktop program: the application, who is working, then the main window."""
from __future__ import annotations

from pathlib import Path
from typing import Any

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


def run_gui(data_dir: Path) -> int:
    app = make_application()
    crash.install(data_dir)
    runner = open_runner(data_dir)
    try:
        info = runner.call(start_info)
    except UserError as exc:
        prompts.error(None, exc.message)
        runner.shutdown()
        return 1
    officer = _who_is_working(runner, info)
    if officer is None:
        runner.shutdown()
        return 0
    if info["first_start"]:
        info = runner.call(start_info)
    window = build_main_window(runner, officer, info)
    window.show()
    code = app.exec()
    runner.shutdown()
    return code


def _who_is_working(runner: TaskRunner, info: dict[str, Any]) -> Any:
    from gui.sign_in import FirstStartDialog, SignInDialog

    if info["first_start"]:
        dialog: Any = FirstStartDialog(runner)
    else:
        dialog = SignInDialog(runner, info["names"], info["office"].get("organ_name", ""))
    return dialog.officer if dialog.exec() else None
