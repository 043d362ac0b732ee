"""When something unexpected fails: write the log, keep what the officer typed, say so in Chinese,
and let the officer go on working (the window does not vanish)."""
from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from core.error_log import append_error_log
from gui import prompts
from gui.qt import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

_data_dir: Path | None = None


def install(data_dir: Path) -> None:
    """Route every uncaught exception on the GUI thread here."""
    global _data_dir
    _data_dir = data_dir
    sys.excepthook = lambda kind, exc, tb: report(kind, exc, tb)


def typed_texts() -> list[tuple[str, str]]:
    """(window title, text) for every non-empty text field in the open windows."""
    app = QApplication.instance()
    found: list[tuple[str, str]] = []
    if not isinstance(app, QApplication):
        return found
    for window in app.topLevelWidgets():
        if not window.isVisible():
            continue
        for field in window.findChildren(QWidget):
            if isinstance(field, QLineEdit) and field.echoMode() == QLineEdit.EchoMode.Normal:
                text = field.text()
            elif isinstance(field, QPlainTextEdit | QTextEdit):
                text = field.toPlainText()
            else:
                continue
            if text.strip() and not field.isReadOnly():
                found.append((window.windowTitle(), text))
    return found


def _save_drafts(data_dir: Path) -> Path | None:
    texts = typed_texts()
    if not texts:
        return None
    path = data_dir / "logs" / f"未保存的输入-{datetime.now():%Y%m%d-%H%M%S}.txt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(f"【{title}】\n{text}" for title, text in texts), encoding="utf-8")
    except OSError:
        return None
    return path


def report(kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None,
           parent: QWidget | None = None) -> None:
    details = "".join(traceback.format_exception(kind, exc, tb)) if kind else "unknown error\n"
    data_dir = _data_dir or Path.cwd()
    log = append_error_log(data_dir, "GUI", details)
    drafts = _save_drafts(data_dir)
    lines = ["程序遇到意外错误，这一步操作没有完成；已保存的数据不受影响，可以继续工作。"]
    if drafts:
        lines.append(f"您已输入但尚未保存的内容已另存到：{drafts}")
    lines.append(f"错误详情已记录在：{log}" if log else "错误详情无法写入日志。")
    lines.append("如问题反复出现，请把上述文件交给技术支持人员。")
    prompts.crash(parent, "\n\n".join(lines))
