"""PyInstaller's Qt collection for one PySide6 module, filtered to the plugins and translations
the program keeps. Runs inside PyInstaller only (the hooks beside this file)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bundle.contents import keep_qt_entry


def selected_qt_dependencies(hook_file: str) -> tuple[list[str], list[Any], list[Any]]:
    from PyInstaller.utils.hooks.qt import get_qt_library_info

    module = Path(hook_file).stem.removeprefix("hook-")        # PySide6.QtGui
    hiddenimports, binaries, datas = get_qt_library_info("PySide6").collect_module(module)
    return hiddenimports, [b for b in binaries if keep_qt_entry(b)], [d for d in datas if keep_qt_entry(d)]
