"""The task runner: work happens on one worker thread, results and errors come back on the GUI thread."""
from __future__ import annotations

import threading
from typing import Any

from core.errors import UserError
from core.services.users import needs_first_start
from gui import crash


def test_work_runs_off_the_gui_thread_and_results_come_back_on_it(runner, wait_idle) -> None:
    seen: dict[str, Any] = {}

    def work(ws: Any) -> str:
        seen["worker"] = threading.current_thread()
        return ws.actor

    runner.run(work, lambda result: seen.update(result=result, gui=threading.current_thread()))
    wait_idle()
    assert seen["result"] == "测试员"
    assert seen["worker"] is not threading.main_thread()
    assert seen["gui"] is threading.main_thread()


def test_tasks_run_in_the_order_given(runner, wait_idle) -> None:
    order: list[int] = []
    for i in range(20):
        runner.run(lambda ws, i=i: i, order.append)
    wait_idle()
    assert order == list(range(20))


def test_an_officer_mistake_becomes_a_chinese_message(runner, wait_idle, prompter) -> None:
    def refuse(ws: Any) -> None:
        raise UserError("案件编号不存在")

    runner.run(refuse)
    wait_idle()
    assert prompter.of_kind("error") == ["案件编号不存在"]


def test_a_bug_is_logged_and_reported_without_killing_the_program(runner, wait_idle, prompter, data_dir) -> None:
    crash.install(data_dir)

    def broken(ws: Any) -> None:
        raise ZeroDivisionError("boom")

    runner.run(broken)
    wait_idle()
    [message] = prompter.of_kind("crash")
    assert "意外错误" in message and "error.log" in message
    assert "ZeroDivisionError" in (data_dir / "logs" / "error.log").read_text(encoding="utf-8")
    runner.run(needs_first_start, lambda first: prompter.messages.append(("after", str(first))))
    wait_idle()
    assert ("after", "True") in prompter.messages


def test_long_work_moves_a_progress_bar(runner, wait_idle, monkeypatch) -> None:
    from gui import tasks

    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(tasks.TaskRunner, "_advance", lambda self, dialog, done, total: seen.append((done, total)))

    def work(ws: Any, progress: Any) -> str:
        for i in range(1, 6):
            progress(i, 5)
        return "done"

    results: list[str] = []
    runner.run_with_progress(work, results.append, label="正在导出…")
    wait_idle()
    assert results == ["done"]
    assert seen == [(i, 5) for i in range(1, 6)]
