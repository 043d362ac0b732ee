"""PyInstaller's own hook for PySide6.QtCore, with only the Qt plugins and translations the program
keeps (bundle/contents.py: QT_PLUGINS, QT_TRANSLATIONS), so the libraries only the others need are
never collected. Found through build.spec's hookspath, ahead of PyInstaller's hook."""
from bundle.hooks.qt_selection import selected_qt_dependencies

hiddenimports, binaries, datas = selected_qt_dependencies(__file__)
