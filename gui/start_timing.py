"""Measuring the program's start (bench/bench_build.py), through ``RONGCUO_BENCH_START``.

With ``RONGCUO_BENCH_START=FILE`` (the file's first line a user's name, the second their password),
the desktop program signs that user in through the sign-in dialog as soon as it shows (the
password is checked as when an officer presses 登录), and when the main window is shown and its
first answers have arrived it prints one line, ``RONGCUO_BENCH_START {json}`` with the moments
(``time.time()``) the sign-in dialog and the main window were shown and the window was ready, then
quits. The person measuring starts the clock before starting the program. Nothing is skipped that
an officer's start runs; only the typing is left out.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from gui.qt import QApplication, QTimer

BENCH_ENV = "RONGCUO_BENCH_START"
POLL_MS = 5


def attach(app: Any, runner: Any, credentials: str) -> None:
    """Watch the top-level windows from the event loop (the start is blocked in dialogs' exec())."""
    from gui.main_window import MainWindow
    from gui.sign_in import SignInDialog

    lines = Path(credentials).read_text(encoding="utf-8-sig").splitlines()
    name, password = [*lines, "", ""][:2]
    marks: dict[str, float] = {}

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible():
                continue
            if isinstance(widget, SignInDialog) and "sign_in_shown" not in marks:
                marks["sign_in_shown"] = time.time()
                widget.name.setCurrentText(name)
                widget.password.setText(password)
                widget.submit()
            elif isinstance(widget, MainWindow):
                marks.setdefault("shown", time.time())
                if runner.pending == 0:
                    widget.repaint()
                    marks["ready"] = time.time()
                    print(f"{BENCH_ENV} {json.dumps(marks)}", flush=True)
                    app.quit()
                    return
        QTimer.singleShot(POLL_MS, look)

    QTimer.singleShot(0, look)
