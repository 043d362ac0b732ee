"""Handing a file to the system (Word or WPS for a DOCX, the PDF viewer, an image viewer): one
function, so tests replace it and nothing opens on a test machine."""
from __future__ import annotations

from pathlib import Path

from gui import prompts
from gui.qt import QDesktopServices, QUrl


def open_path(path: Path) -> bool:
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    prompts.warning(None, f"系统中没有能打开此文件的程序：{path}")
    return False
