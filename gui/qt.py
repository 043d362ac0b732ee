"""The one place the GUI imports Qt from (as Anki's ``aqt.qt``): a Qt upgrade or a binding swap
touches this file only. Only Qt modules that PySide6-Essentials ships are used (no QtPdf, no
QtCharts)."""
from __future__ import annotations

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import *
from PySide6.QtGui import *
from PySide6.QtPrintSupport import *
from PySide6.QtWidgets import *
