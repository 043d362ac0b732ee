"""Backing up from the main window, and a new computer restored from that backup at its first start."""
from __future__ import annotations

from typing import Any

from core.services.case_view import list_cases
from core.services.users import first_start, sign_in
from gui import app as app_module
from gui.app import build_main_window, start_info
from gui.qt import QTimer
from tests.gui.test_app_start import answer_when_shown

OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪"}


def test_back_up_then_restore_on_a_new_computer(qtbot, demo_runner, wait_idle, prompter, tmp_path,
                                                monkeypatch) -> None:
    demo_runner.call(lambda ws: first_start(ws, OFFICE, "周文静", "password-1"))
    officer = demo_runner.call(lambda ws: sign_in(ws, "周文静", "password-1"))
    window = build_main_window(demo_runner, officer, demo_runner.call(start_info))
    qtbot.addWidget(window)
    wait_idle()
    assert "尚未备份" in window.dashboard.backup_note.text()
    stick = tmp_path / "U盘"
    stick.mkdir()
    prompter.answers += [stick, True, "备份密码-2026", "备份密码-2026"]
    window.backup()
    wait_idle()
    wait_idle()
    [backup] = list(stick.iterdir())
    assert backup.suffix == ".rcbak"
    assert any("备份完成" in m for m in prompter.of_kind("info"))
    assert "今天" in window.dashboard.backup_note.text()
    numbers = sorted(c["number"] for c in demo_runner.call(lambda ws: list_cases(ws)))
    window.close()
    demo_runner.shutdown()

    new_computer = tmp_path / "新电脑数据"
    prompter.answers += [backup, "备份密码-2026"]
    answer_when_shown(_first_start(),
                      lambda dialog: dialog.restore())
    signed_in: list[Any] = []

    def sign_in_dialog(dialog: Any) -> None:
        dialog.password.setText("password-1")
        dialog.submit()

    from gui.sign_in import SignInDialog
    answer_when_shown(SignInDialog, sign_in_dialog)
    real_build = app_module.build_main_window

    def build(runner: Any, officer: Any, info: Any) -> Any:
        built = real_build(runner, officer, info)
        signed_in.append((officer.name, sorted(c["number"] for c in runner.call(lambda ws: list_cases(ws)))))
        QTimer.singleShot(0, built.close)
        return built

    monkeypatch.setattr(app_module, "build_main_window", build)
    assert app_module.run_gui(new_computer) == 0
    assert signed_in == [("周文静", numbers)]


def _first_start() -> type:
    from gui.sign_in import FirstStartDialog

    return FirstStartDialog
