"""Python's cyclic garbage collector runs in whichever thread happens to allocate. If that is the
database worker and the garbage holds a widget, Qt destroys the widget off the GUI thread and the
program crashes. So automatic collection is off while the GUI runs, and a timer collects on the
GUI thread instead (as Anki does)."""
from __future__ import annotations

import gc

from gui.qt import QObject, QTimer

COLLECT_EVERY_MS = 10_000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self, interval=COLLECT_EVERY_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        # Cheap when little has changed: the youngest generation only, unless it has grown old.
        return gc.collect(0) + (gc.collect() if gc.get_count()[2] > 10 else 0)
