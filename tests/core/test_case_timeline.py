"""The case's timeline: its events in order, each with the officer who recorded it (the audit trail)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.services.actions import perform_action
from core.services.case_view import case_actors, case_details, case_timeline
from core.services.exchange import export_cases, import_package
from core.services.registration import register_case
from core.services.workspace import Workspace

from ..conftest import TODAY


def _as(data_dir: Path, actor: str) -> Workspace:
    return Workspace(data_dir, actor=actor, today=lambda: TODAY)


def _timeline(ws: Workspace, number: str) -> list[tuple[str, str]]:
    details = case_details(ws, number)
    return [(e["title"], e["actor"]) for e in case_timeline(details, case_actors(ws, details["uuid"]))]


def test_each_step_names_the_officer_who_recorded_it(tmp_path: Path, application: dict[str, Any]) -> None:
    data_dir = tmp_path / "data"
    ws = _as(data_dir, "马军")
    number = register_case(ws, application).number
    perform_action(ws, number, "accept", "2026-03-11", {"suspension": "notice", "clues": "single"})
    ws.close()
    ws = _as(data_dir, "杨帆")
    try:
        perform_action(ws, number, "note", "2026-03-13", {"place": "谈话室", "interviewers": "马军、杨帆",
                                                         "recorder": "杨帆", "interviewee": "李卫东", "text": "问：……答：……"})
        perform_action(ws, number, "evidence", "2026-03-16", {"title": "会议纪要", "source": "申请人提交", "pages": 2})
        perform_action(ws, number, "withdraw", "2026-03-18", {"reason": "申请人书面申请撤回"})
        assert _timeline(ws, number) == [
            ("启动追责", ""), ("收到容错免责申请", "马军"), ("受理并暂缓追责", "马军"),
            ("谈话（调查）笔录", "杨帆"), ("收集证据材料", "杨帆"), ("撤回申请", "杨帆")]
        # without the audit trail's names (as before): the same events, no names
        assert [e["actor"] for e in case_timeline(case_details(ws, number))] == [""] * 6
        package = export_cases(ws, [number], None, tmp_path / "usb").path
    finally:
        ws.close()

    # imported elsewhere: who did each step there is not known here, and nothing is made up
    ws = _as(tmp_path / "city", "市纪委 收件员")
    try:
        imported = import_package(ws, package).new[0].number
        assert [actor for _, actor in _timeline(ws, imported)] == [""] * 6
    finally:
        ws.close()
