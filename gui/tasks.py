"""Database and document work off the GUI thread (as Anki's ``taskman``).

One worker thread owns the workspace (peewee connections are per thread) and runs one task at a
time, in order; each result comes back to the GUI thread through a queued signal. A task that
takes over a second shows a progress dialog. An officer's mistake (``UserError``) becomes a Chinese
message; anything else goes to the crash handler, and the window stays usable.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.services.workspace import Workspace
from gui import crash, prompts
from gui.qt import QObject, QProgressDialog, Qt, QWidget, Signal

PROGRESS_AFTER_MS = 1000

Done = Callable[[Any], None]
Failed = Callable[[UserError], None]


class TaskRunner(QObject):
    _finished = Signal(object)
    _advanced = Signal(object, int, int)     # progress dialog, done, total

    def __init__(self, open_workspace: Callable[[], Workspace], data_dir: Path) -> None:
        super().__init__()
        self._open_workspace = open_workspace
        self.data_dir = data_dir
        self._workspace: Workspace | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rongcuo-db")
        self.pending = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._advanced.connect(self._advance, Qt.ConnectionType.QueuedConnection)

    def run(self, work: Callable[[Workspace], Any], on_done: Done | None = None, *,
            on_error: Failed | None = None, parent: QWidget | None = None, label: str | None = None) -> None:
        """Run ``work(workspace)`` on the worker; then ``on_done(result)`` on the GUI thread.

        A ``UserError`` goes to ``on_error`` when given, else to a message box over ``parent``.
        Once the runner is shut down (the program is closing), new work is dropped."""
        self._run_with_dialog(work, on_done, on_error, parent, self._progress(parent, label) if label else None)

    def _run_with_dialog(self, work: Callable[[Any], Any], on_done: Done | None, on_error: Failed | None,
                         parent: QWidget | None, progress: QProgressDialog | None, with_workspace: bool = True) -> None:
        if self._closed:
            return
        self.pending += 1

        def job() -> None:
            try:
                outcome: tuple[str, Any] = ("ok", work(self._workspace_here() if with_workspace else None))
            except UserError as exc:
                outcome = ("user", exc)
            except Exception:  # a bug: reported on the GUI thread, never lost
                outcome = ("bug", sys.exc_info())
            self._finished.emit((outcome, on_done, on_error, parent, progress))

        self._executor.submit(job)

    def run_with_progress(self, work: Callable[[Any, Callable[[int, int], None]], Any], on_done: Done | None,
                          *, label: str, parent: QWidget | None = None, on_error: Failed | None = None,
                          with_workspace: bool = True) -> None:
        """Like ``run`` for long work that reports how far it is: ``work(workspace, progress)``
        calls ``progress(done, total)`` from the worker; the dialog's bar follows. Without a
        workspace (a restore into the empty data folder), ``work`` gets ``None`` and none is opened."""
        dialog = self._progress(parent, label)

        def work_with_bar(ws: Any) -> Any:
            return work(ws, lambda done, total: self._advanced.emit(dialog, done, total))

        self._run_with_dialog(work_with_bar, on_done, on_error, parent, dialog, with_workspace)

    def _advance(self, dialog: QProgressDialog, done: int, total: int) -> None:
        if dialog.maximum() != total:
            dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total))

    def _workspace_here(self) -> Workspace:
        if self._workspace is None:
            self._workspace = self._open_workspace()
        return self._workspace

    def _progress(self, parent: QWidget | None, label: str) -> QProgressDialog:
        dialog = QProgressDialog(label, "", 0, 0, parent)
        dialog.setWindowTitle(prompts.TITLE)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_AFTER_MS)
        return dialog

    def _deliver(self, message: tuple[Any, ...]) -> None:
        (kind, value), on_done, on_error, parent, progress = message
        self.pending -= 1
        if progress is not None:
            progress.reset()
            progress.deleteLater()
        if kind == "ok":
            if on_done is not None:
                on_done(value)
        elif kind == "user":
            if on_error is not None:
                on_error(value)
            else:
                prompts.error(parent, value.message)
        else:
            crash.report(*value, parent=parent)

    def call(self, work: Callable[[Workspace], Any]) -> Any:
        """Run on the worker and wait for the result: only for start-up and shut-down, never from a
        window's event handler."""
        return self._executor.submit(lambda: work(self._workspace_here())).result()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True

        def close() -> None:
            if self._workspace is not None:
                self._workspace.close()
                self._workspace = None
        self._executor.submit(close).result()
        self._executor.shutdown(wait=True)
