"""The desktop program's part of ``--self-test`` (the headless steps are in ``core/self_test.py``):
the application with Qt's Chinese translations, the bundled font and the icon; the sign-in dialog;
the main window on the self-test's cases, offscreen; a page preview (pypdfium2) and printing to a
PDF file through QtPrintSupport."""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.self_test import (
    ADMIN,
    HEADLESS_STEPS,
    PASSWORD,
    SELF_TEST_TODAY,
    SelfTestError,
    SelfTestState,
    SelfTestStep,
    run_self_test,
)
from gui import prompts

WAIT_SECONDS = 60


def _wait_until(app: Any, condition: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``condition`` holds (the worker's answers arrive as queued events)."""
    from gui.qt import QEventLoop

    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestError(f"等待{what}超时（{WAIT_SECONDS} 秒）")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def _application() -> tuple[Any, str]:
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"     # the window is opened, never shown on a screen
    from gui.app_setup import load_bundled_font, make_application
    from gui.qt import QCoreApplication, QLoggingCategory

    app = make_application()
    QLoggingCategory.setFilterRules("qt.qpa.*=false")   # offscreen has no window manager to talk to
    if QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel":
        raise SelfTestError("未能加载 Qt 的中文翻译（qtbase_zh_CN.qm）")
    family = load_bundled_font()
    if not family:
        raise SelfTestError("未能加载程序自带的界面字体（Noto Sans SC）")
    if app.windowIcon().isNull() or not app.windowIcon().availableSizes():
        raise SelfTestError("未能加载程序图标（resources/icons/rongcuo.png）")
    return app, family


class _Unattended(prompts.QtPrompter):
    """No message box may wait for a click that never comes: messages are kept and fail the step,
    questions are answered no."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def info(self, parent: Any, text: str) -> None:
        pass

    def warning(self, parent: Any, text: str) -> None:
        self.messages.append(text)

    def error(self, parent: Any, text: str) -> None:
        self.messages.append(text)

    def crash(self, parent: Any, text: str) -> None:
        self.messages.append(text)

    def confirm(self, parent: Any, text: str) -> bool:
        return False

    def ask_text(self, parent: Any, label: str, default: str = "", *, secret: bool = False) -> str | None:
        return None

    def open_file(self, parent: Any, caption: str, filters: str = "") -> Path | None:
        return None

    def open_files(self, parent: Any, caption: str, filters: str = "") -> list[Path]:
        return []

    def save_file(self, parent: Any, caption: str, suggested: str, filters: str = "") -> Path | None:
        return None

    def choose_dir(self, parent: Any, caption: str) -> Path | None:
        return None


def _qt_message(kind: Any, context: Any, message: str) -> None:
    """Qt's own messages to stderr, less the offscreen platform's note that it has no window manager."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _main_window(state: SelfTestState) -> str:
    from gui import crash

    state.close()                 # the window's worker opens the data folder itself
    from gui.qt import qInstallMessageHandler

    unattended, before = _Unattended(), (prompts.prompter, sys.excepthook)
    prompts.prompter = unattended
    crash.install(state.data_dir)     # an error on the GUI thread: logged, then a message kept above
    previous_handler = qInstallMessageHandler(_qt_message)
    try:
        note = _open_main_window(state, unattended)
    finally:
        prompts.prompter, sys.excepthook = before
        qInstallMessageHandler(previous_handler)
    if unattended.messages:
        raise SelfTestError("；".join(unattended.messages))
    return note


def _open_main_window(state: SelfTestState, unattended: _Unattended) -> str:
    from gui.app import build_main_window, open_runner, start_info
    from gui.pdf_view import print_pages, render_pages
    from gui.qt import QPrinter
    from gui.sign_in import SignInDialog

    app, family = _application()
    runner = open_runner(state.data_dir, today=lambda: SELF_TEST_TODAY)
    window = None

    def failed() -> bool:
        return bool(unattended.messages)

    try:
        info = runner.call(start_info)
        dialog = SignInDialog(runner, info["names"], info["office"].get("organ_name", ""))
        dialog.show()
        dialog.name.setCurrentText(ADMIN)
        dialog.password.setText(PASSWORD)
        dialog.submit()           # as the 登录 button: the password is checked on the worker
        _wait_until(app, lambda: dialog.officer is not None or bool(dialog.error.text()) or failed(), "登录")
        if dialog.officer is None:
            raise SelfTestError(f"登录未通过：{dialog.error.text() or '；'.join(unattended.messages)}")
        dialog.close()
        window = build_main_window(runner, dialog.officer, info)
        window.show()
        _wait_until(app, lambda: failed() or (runner.pending == 0 and window.model.rowCount() >= 2),
                    "主窗口的案件列表")
        rows = window.model.rowCount()
        letter = state.files.get("determination-letter.pdf")
        if letter is None:
            raise SelfTestError("没有可预览的认定书（前面的步骤未完成）")
        pages = runner.call(lambda ws: render_pages(letter, 600))
        if not pages or any(page.isNull() for page in pages):
            raise SelfTestError("认定书预览未能生成页面图像（pypdfium2）")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printed_file = state.root / "打印.pdf"
        printer.setOutputFileName(str(printed_file))
        printed = runner.call(lambda ws: print_pages(letter, printer))
        if printed != len(pages) or not printed_file.is_file():
            raise SelfTestError("打印到 PDF 文件未完成（QtPrintSupport）")
    finally:
        if window is not None:
            window.close()
        runner.shutdown()
    return f"列表 {rows} 件，预览和打印认定书 {len(pages)} 页，界面字体 {family}"


MAIN_WINDOW_STEP = SelfTestStep("打开主窗口（离屏）、预览并打印文书", _main_window)


def run_program_self_test() -> int:
    """Every step: the headless ones, then the main window; a hang ends the process (the watchdog)."""
    return run_self_test((*HEADLESS_STEPS, MAIN_WINDOW_STEP), watchdog=True)
