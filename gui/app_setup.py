"""The application object: Chinese for Qt's own dialogs, a Chinese font even where the system
has none, and one consistent look."""
from __future__ import annotations

import sys

from core.resource_paths import resource_path
from gui.main_thread_gc import MainThreadCollector
from gui.qt import QApplication, QFont, QFontDatabase, QIcon, QLibraryInfo, QLocale, QTranslator

APP_NAME = "容错免责案件办理系统"
# Families that render Chinese well in a user interface; the first installed one is used.
UI_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC",
               "Source Han Sans SC", "WenQuanYi Micro Hei", "UKai CN")
UI_POINT_SIZE = 10

_translators: list[QTranslator] = []   # kept alive for the application's lifetime


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("rongcuo")
    app.setWindowIcon(QIcon(str(resource_path("icons", "rongcuo.png"))))   # drawn by scripts/make_icon.py
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translations(app)
    app.setFont(ui_font())
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    if app.findChild(MainThreadCollector) is None:
        MainThreadCollector(app)
    return app


def install_translations(app: QApplication) -> bool:
    """Qt's own buttons and dialogs in Chinese (qtbase_zh_CN.qm from PySide6's translations)."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load("qtbase_zh_CN", folder):
        return False
    app.installTranslator(translator)
    _translators.append(translator)
    return True


def ui_font() -> QFont:
    """The system's Chinese UI font, or the bundled Noto Sans SC where the system has none."""
    installed = set(QFontDatabase.families())
    for family in UI_FAMILIES[:-1]:
        if family in installed:
            return _font(family)
    bundled = load_bundled_font()
    return _font(bundled or UI_FAMILIES[-1])


def load_bundled_font() -> str | None:
    """Register Noto Sans SC: the static instances made at install (regular, medium, bold), or the
    variable font they are cut from when they are missing (its default instance is too light)."""
    from documents.fonts import BUNDLED_INSTANCES, bundled_fonts_dir, noto_source

    folder = bundled_fonts_dir()
    files = [folder / inst.file for inst in BUNDLED_INSTANCES if (folder / inst.file).is_file()] or [noto_source()]
    families: list[str] = []
    for path in files:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def _font(family: str) -> QFont:
    font = QFont(family, UI_POINT_SIZE)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


STYLE_SHEET = """
QToolTip { padding: 4px; }
QTableView { gridline-color: #d9dde3; selection-background-color: #cfe3fa; selection-color: #1a1a1a; }
QHeaderView::section { padding: 4px 6px; background: #f1f3f6; border: none;
                       border-right: 1px solid #d9dde3; border-bottom: 1px solid #d9dde3; }
QGroupBox { font-weight: bold; margin-top: 10px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
QLabel[role="error"] { color: #b3261e; }
QLabel[role="hint"] { color: #5f6368; }
QLabel[role="title"] { font-size: 15pt; font-weight: bold; }
QFrame[role="card"] { background: #ffffff; border: 1px solid #dfe3e8; border-radius: 6px; }
QLabel[role="figure"] { font-size: 20pt; font-weight: bold; color: #1f4e8c; }
"""
