"""Starting the program as ``./run.sh`` does: the first start asks for the office and an
administrator, a later start asks who is working, then the main window opens."""
from __future__ import annotations

from typing import Any

from gui import app as app_module
from gui.qt import QApplication, QDialog, QMainWindow, QTimer


def answer_when_shown(kind: type, answer: Any) -> None:
    """Once a window of ``kind`` is open, act on it like an officer (the program is blocked in
    ``exec()`` meanwhile; the timer fires inside that event loop)."""
    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                answer(widget)
                return
        QTimer.singleShot(20, look)
    QTimer.singleShot(0, look)


def test_first_start_then_sign_in_later(qapp, data_dir, prompter, monkeypatch, fatal_traces) -> None:
    from gui.sign_in import FirstStartDialog, SignInDialog

    opened: list[Any] = []
    real_build = app_module.build_main_window

    def build(runner: Any, officer: Any, info: Any) -> Any:
        window = real_build(runner, officer, info)
        opened.append((officer.name, info["office"]["organ_name"]))
        QTimer.singleShot(0, window.close)   # the officer closes the program at once
        return window

    monkeypatch.setattr(app_module, "build_main_window", build)

    def fill_first_start(dialog: Any) -> None:
        dialog.fields["organ_name"].setText("中共贺兰县纪律检查委员会")
        dialog.fields["letterhead"].setText("中共贺兰县纪委 贺兰县监委")
        dialog.fields["code_prefix"].setText("贺纪")
        dialog.admin_name.setText("周文静")
        dialog.password.setText("正确的密码123")
        dialog.repeated.setText("正确的密码123")
        dialog.submit()

    answer_when_shown(FirstStartDialog, fill_first_start)
    assert app_module.run_gui(data_dir) == 0
    assert opened == [("周文静", "中共贺兰县纪律检查委员会")]
    assert fatal_traces == [data_dir]        # only once the first start had filled the folder

    attempts: list[str] = []

    def sign_in(dialog: Any) -> None:
        if not attempts:
            dialog.password.setText("错误的密码")
            attempts.append("wrong")
            dialog.submit()
            answer_when_shown(SignInDialog, sign_in)
        elif not dialog.error.text():
            answer_when_shown(SignInDialog, sign_in)   # the refusal has not come back yet
        else:
            attempts.append(dialog.error.text())
            dialog.password.setText("正确的密码123")
            dialog.submit()

    answer_when_shown(SignInDialog, sign_in)
    assert app_module.run_gui(data_dir) == 0
    assert attempts == ["wrong", "姓名或密码不正确"]
    assert fatal_traces == [data_dir] * 3     # at this start's beginning, and again after signing in
    assert opened[-1][0] == "周文静"


def test_cancelling_the_sign_in_ends_the_program_quietly(qapp, data_dir, prompter, monkeypatch) -> None:
    from core.services.users import first_start
    from gui.sign_in import SignInDialog

    runner = app_module.open_runner(data_dir)
    runner.call(lambda ws: first_start(ws, {"organ_name": "机关", "letterhead": "机关", "code_prefix": "贺纪"},
                                       "周文静", "password-1"))
    runner.shutdown()
    answer_when_shown(SignInDialog, QDialog.reject)
    assert app_module.run_gui(data_dir) == 0
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
