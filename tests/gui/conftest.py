"""GUI test fixtures: a real workspace on a worker thread, and prompts answered by the test.

No test sleeps: ``wait_idle`` waits (processing Qt events) until every task handed to the worker
has come back to the GUI thread."""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6", reason="PySide6 is not installed")

from core.services.workspace import Workspace
from gui import prompts
from gui.tasks import TaskRunner
from tests.conftest import TODAY


class ScriptedPrompter:
    """Records every message; answers questions and file dialogs from queues the test fills."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.answers: list[Any] = []      # popped for confirm / ask_text / file dialogs, in order

    def _answer(self, kind: str, text: str) -> Any:
        self.messages.append((kind, text))
        if not self.answers:
            raise AssertionError(f"测试未准备对话框的回答：{kind} {text}")
        return self.answers.pop(0)

    def info(self, parent: Any, text: str) -> None:
        self.messages.append(("info", text))

    def warning(self, parent: Any, text: str) -> None:
        self.messages.append(("warning", text))

    def error(self, parent: Any, text: str) -> None:
        self.messages.append(("error", text))

    def crash(self, parent: Any, text: str) -> None:
        self.messages.append(("crash", text))

    def confirm(self, parent: Any, text: str) -> bool:
        return bool(self._answer("confirm", text))

    def ask_text(self, parent: Any, label: str, default: str = "", *, secret: bool = False) -> str | None:
        return self._answer("ask_text", label)  # type: ignore[no-any-return]

    def open_file(self, parent: Any, caption: str, filters: str = "") -> Path | None:
        return self._answer("open_file", caption)  # type: ignore[no-any-return]

    def open_files(self, parent: Any, caption: str, filters: str = "") -> list[Path]:
        return self._answer("open_files", caption)  # type: ignore[no-any-return]

    def save_file(self, parent: Any, caption: str, suggested: str, filters: str = "") -> Path | None:
        return self._answer("save_file", caption)  # type: ignore[no-any-return]

    def choose_dir(self, parent: Any, caption: str) -> Path | None:
        return self._answer("choose_dir", caption)  # type: ignore[no-any-return]

    def of_kind(self, kind: str) -> list[str]:
        return [text for k, text in self.messages if k == kind]


def pdf_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    """As the program does (gui/main_thread_gc.py): no collection in the worker thread, where it
    could destroy a widget; collect here, on the GUI thread, once the test's widgets are closed."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def fatal_traces(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders ``run_gui`` kept fatal traces for. The real ``keep_fatal_traces`` would point this
    test process's own faulthandler at a temporary file (it is tested in a child process:
    tests/core/test_error_log.py); here it records, and checks it never writes into an empty folder,
    which may still receive a backup."""
    import gui.app

    kept: list[Path] = []

    def keep(data_dir: Path) -> Path:
        assert data_dir.is_dir() and any(data_dir.iterdir()), "logs/ written into a folder still empty"
        kept.append(data_dir)
        return data_dir / "logs" / "fatal.log"

    monkeypatch.setattr(gui.app, "keep_fatal_traces", keep)
    return kept


@pytest.fixture
def prompter(monkeypatch: pytest.MonkeyPatch) -> ScriptedPrompter:
    scripted = ScriptedPrompter()
    monkeypatch.setattr(prompts, "prompter", scripted)
    return scripted


@pytest.fixture
def runner(qapp: Any, data_dir: Path, prompter: ScriptedPrompter) -> Iterator[TaskRunner]:
    """A task runner whose worker opens a fresh workspace, signed in as 测试员, today = TODAY."""
    task_runner = TaskRunner(lambda: Workspace(data_dir, actor="测试员", today=lambda: TODAY), data_dir)
    yield task_runner
    task_runner.shutdown()


@pytest.fixture
def wait_idle(qtbot: Any, runner: TaskRunner) -> Callable[[], None]:
    def wait() -> None:
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=30000)
    return wait


@pytest.fixture
def demo_runner(runner: TaskRunner) -> TaskRunner:
    """The runner's workspace holds the demo cases."""
    from core.services.demo import load_demo

    runner.call(load_demo)
    return runner
