"""Every message box and file dialog goes through here, so tests can answer them without a screen.

The GUI calls the module-level functions; tests swap ``prompter`` for an object with the same
methods (see tests/gui/conftest.py) and then nothing modal ever opens.
"""
from __future__ import annotations

from pathlib import Path

from gui.qt import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

TITLE = "容错免责案件办理系统"


def crash_box(parent: QWidget | None, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, f"{TITLE} — 意外错误", text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("继续工作")
    return box


class QtPrompter:
    """The real dialogs."""

    def info(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.information(parent, TITLE, text)

    def warning(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.warning(parent, TITLE, text)

    def error(self, parent: QWidget | None, text: str) -> None:
        QMessageBox.critical(parent, TITLE, text)

    def crash(self, parent: QWidget | None, text: str) -> None:
        crash_box(parent, text).exec()

    def confirm(self, parent: QWidget | None, text: str) -> bool:
        answer = QMessageBox.question(parent, TITLE, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, parent: QWidget | None, label: str, default: str = "", *, secret: bool = False) -> str | None:
        mode = QLineEdit.EchoMode.Password if secret else QLineEdit.EchoMode.Normal
        text, ok = QInputDialog.getText(parent, TITLE, label, mode, default)
        return text if ok else None

    def open_file(self, parent: QWidget | None, caption: str, filters: str = "") -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, caption, "", filters)
        return Path(name) if name else None

    def open_files(self, parent: QWidget | None, caption: str, filters: str = "") -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(parent, caption, "", filters)
        return [Path(n) for n in names]

    def save_file(self, parent: QWidget | None, caption: str, suggested: str, filters: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
        return Path(name) if name else None

    def choose_dir(self, parent: QWidget | None, caption: str) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, caption)
        return Path(name) if name else None


prompter: QtPrompter = QtPrompter()


def info(parent: QWidget | None, text: str) -> None:
    prompter.info(parent, text)


def warning(parent: QWidget | None, text: str) -> None:
    prompter.warning(parent, text)


def error(parent: QWidget | None, text: str) -> None:
    prompter.error(parent, text)


def crash(parent: QWidget | None, text: str) -> None:
    prompter.crash(parent, text)


def confirm(parent: QWidget | None, text: str) -> bool:
    return prompter.confirm(parent, text)


def ask_text(parent: QWidget | None, label: str, default: str = "", *, secret: bool = False) -> str | None:
    return prompter.ask_text(parent, label, default, secret=secret)


def open_file(parent: QWidget | None, caption: str, filters: str = "") -> Path | None:
    return prompter.open_file(parent, caption, filters)


def open_files(parent: QWidget | None, caption: str, filters: str = "") -> list[Path]:
    return prompter.open_files(parent, caption, filters)


def save_file(parent: QWidget | None, caption: str, suggested: str, filters: str = "") -> Path | None:
    return prompter.save_file(parent, caption, suggested, filters)


def choose_dir(parent: QWidget | None, caption: str) -> Path | None:
    return prompter.choose_dir(parent, caption)
