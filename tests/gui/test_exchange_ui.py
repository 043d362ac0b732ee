"""Exporting chosen cases to a stick from the main window, and importing the package elsewhere."""
from __future__ import annotations

from typing import Any

from core.services.case_view import case_details
from core.services.users import first_start, sign_in
from gui.app import build_main_window, start_info
from gui.exchange_ui import import_flow

OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪"}


def test_export_the_selected_cases_encrypted_then_import_them_elsewhere(
        qtbot, demo_runner, wait_idle, prompter, tmp_path) -> None:
    from core.services.workspace import Workspace
    from gui.tasks import TaskRunner
    from tests.conftest import TODAY

    demo_runner.call(lambda ws: first_start(ws, OFFICE, "周文静", "password-1"))
    officer = demo_runner.call(lambda ws: sign_in(ws, "周文静", "password-1"))
    window = build_main_window(demo_runner, officer, demo_runner.call(start_info))
    qtbot.addWidget(window)
    wait_idle()
    window.table.selectRow(0)
    number = window.selected_numbers()[0]
    expected = demo_runner.call(lambda ws: case_details(ws, number))
    stick = tmp_path / "U盘"
    stick.mkdir()
    dialog: Any = window.export_cases()
    wait_idle()
    assert dialog.chosen.isChecked()
    dialog.folder.setText(str(stick))
    dialog.encrypt.setChecked(True)
    dialog.password.setText("导出密码-2026")
    dialog.repeated.setText("导出密码-2026")
    dialog.export()
    wait_idle()
    assert dialog.result_ is not None, dialog.error.text()
    [package] = list(stick.iterdir())
    assert expected["applicant"]["name"].encode() not in package.read_bytes()
    window.close()
    demo_runner.shutdown()

    other = TaskRunner(lambda: Workspace(tmp_path / "市纪委", actor="市纪委经办人", today=lambda: TODAY),
                       tmp_path / "市纪委")
    try:
        prompter.answers += [package, "导出密码-2026", False]
        import_flow(other, None)
        qtbot.waitUntil(lambda: other.pending == 0, timeout=30000)
        qtbot.waitUntil(lambda: other.pending == 0, timeout=30000)
        [report] = [m for m in prompter.of_kind("info") if m.startswith("导入完成")]
        assert "新增 1 件" in report
        imported = other.call(lambda ws: case_details(ws, number))
        assert imported["uuid"] == expected["uuid"] and imported["status"] == expected["status"]
    finally:
        other.shutdown()
