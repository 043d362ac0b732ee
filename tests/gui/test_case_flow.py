"""A whole case through the windows, as an officer does it: register, accept, investigate, report,
determine, deliver, archive. Refused input shows its reason beside the field and changes nothing."""
from __future__ import annotations

from typing import Any

import pytest

from core.services.case_view import case_details
from core.services.users import first_start, sign_in
from gui.app import build_main_window, start_info
from gui.form_fields import set_widget_value
from gui.registration_dialog import RegistrationDialog

OFFICE = {"organ_name": "中共贺兰县纪律检查委员会", "letterhead": "中共贺兰县纪委 贺兰县监委", "code_prefix": "贺纪",
          "organ_kind": "纪检监察机关"}


@pytest.fixture
def main_window(qtbot, runner, wait_idle) -> Any:
    runner.call(lambda ws: first_start(ws, OFFICE, "周文静", "password-1"))
    officer = runner.call(lambda ws: sign_in(ws, "周文静", "password-1"))
    window = build_main_window(runner, officer, runner.call(start_info))
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    return window


def fill(dialog: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        set_widget_value(dialog.widgets[key], value)


def act(case_window: Any, action: str, values: dict[str, Any], wait_idle: Any) -> Any:
    dialog = case_window.start_action(action)
    assert dialog is not None, action
    fill(dialog, values)
    dialog.submit()
    wait_idle()
    return dialog


def test_a_case_from_registration_to_archive(main_window, runner, wait_idle, prompter, qtmodeltester, tmp_path) -> None:
    registration = RegistrationDialog(runner, main_window)
    wait_idle()
    opened: list[str] = []
    registration.registered.connect(opened.append)
    fill(registration, {
        "applicant.name": "张志强", "applicant.id_number": "640122198506150030",
        "cadres[1].name": "张志强", "cadres[1].id_number": "640122198506150030", "cadres[1].unit": "贺兰县市场监督管理局",
        "cadres[1].position": "副局长", "accountability.organ": "贺兰县纪委监委",
        "accountability.started_on": "2026-11-02", "accountability.matter": "容缺受理后材料补正不及时",
        "received_on": "2026-11-05", "situations": ["4"], "statement": "为提高效率容缺受理，出现偏差后已主动纠正。",
    })
    registration.submit()
    wait_idle()
    assert len(opened) == 1, prompter.messages
    number = opened[0]
    case = main_window.open_case(number)
    wait_idle()
    assert case.details["status"] == "registered"
    assert not case.action_buttons["report"][0].isEnabled()
    assert "不能出具调查报告" in case.action_buttons["report"][0].toolTip()

    act(case, "accept", {"date": "2026-11-06"}, wait_idle)
    act(case, "note", {"date": "2026-11-10", "interviewee": "张志强", "text": "问：请说明经过。答：……"}, wait_idle)
    attachment = tmp_path / "会议纪要.pdf"
    attachment.write_bytes(b"%PDF-1.4 minutes")
    prompter.answers.append([attachment])
    dialog = case.start_action("evidence")
    fill(dialog, {"date": "2026-11-11", "title": "会议纪要"})
    dialog.widgets["files"].findChildren(type(case.action_buttons["note"][0]))[0].click()
    dialog.submit()
    wait_idle()
    act(case, "report", {"date": "2026-11-20", "findings": "查明：容缺受理经集体研究。", "analysis.4": "符合第四项。",
                         "proposal": "exempted"}, wait_idle)
    act(case, "determine", {"date": "2026-11-24", "outcome": "exempted", "reasoning": "符合容错情形。",
                            "approver": "李书记"}, wait_idle)
    act(case, "deliver", {"date": "2026-11-25", "to": "organ"}, wait_idle)
    act(case, "deliver", {"date": "2026-11-26", "to": "applicant"}, wait_idle)
    act(case, "archive", {"date": "2026-11-27"}, wait_idle)

    details = runner.call(lambda ws: case_details(ws, number))
    assert details["status"] == "archived"
    assert details["determinations"][0]["outcome"] == "exempted"
    assert [f["original_name"] for f in details["evidence"][0]["files"]] == ["会议纪要.pdf"]
    assert case.details["status"] == "archived"
    titles = [case.timeline.item(i).text().split("\n")[0] for i in range(case.timeline.count())]
    assert titles[0] == "2026-11-02　启动追责" and titles[-1] == "2026-11-27　归档"
    lines = [case.timeline.item(i).text() for i in range(case.timeline.count())]
    assert "录入" not in lines[0] and all(line.endswith("（周文静 录入）") for line in lines[1:]), lines   # the officer signed in
    assert case.action_buttons["reopen"][0].isEnabled()
    qtmodeltester.check(main_window.model)
    assert main_window.model.rowCount() == 1 and main_window.model.row(0)["status"] == "archived"
    assert not prompter.of_kind("error") and not prompter.of_kind("crash")


@pytest.fixture
def accepted_case(main_window, runner, wait_idle, application) -> Any:
    from core.services.actions import perform_action
    from core.services.registration import register_case

    number = runner.call(lambda ws: register_case(ws, application).number)
    runner.call(lambda ws: perform_action(ws, number, "accept", "2026-03-12"))
    case = main_window.open_case(number)
    wait_idle()
    return case


def test_a_refused_report_shows_why_beside_the_field_and_saves_nothing(accepted_case, runner, wait_idle) -> None:
    before = runner.call(lambda ws: case_details(ws, accepted_case.number))
    dialog = act(accepted_case, "report", {"date": "2026-04-01", "findings": "查明事实。", "exclusions": ["1"],
                                           "proposal": "exempted"}, wait_idle)
    assert dialog.isVisible()
    assert "不得容错" in dialog.errors["proposal"].text() or "不得容错" in dialog.error_text()
    after = runner.call(lambda ws: case_details(ws, accepted_case.number))
    assert after["status"] == before["status"] == "investigating" and after["reports"] == []


def test_the_form_checks_as_the_officer_types(accepted_case, wait_idle) -> None:
    dialog = accepted_case.start_action("extend")
    fill(dialog, {"date": "2026-03-20", "days": 5, "reason": "需补充调查", "approver": ""})
    dialog.check()
    wait_idle()
    assert dialog.errors["approver"].isVisibleTo(dialog)
    assert "批准人" in dialog.errors["approver"].text()
    fill(dialog, {"approver": "李书记"})
    dialog.check()
    wait_idle()
    assert dialog.error_text() == ""


def test_a_date_before_the_acceptance_is_refused_with_its_reason(accepted_case, runner, wait_idle) -> None:
    dialog = act(accepted_case, "note", {"date": "2026-03-01", "text": "笔录"}, wait_idle)
    assert "受理日期" in dialog.errors["date"].text()
    assert runner.call(lambda ws: case_details(ws, accepted_case.number))["notes"] == []


def test_a_registration_with_a_wrong_id_number_is_refused_beside_it(main_window, runner, wait_idle) -> None:
    from core.services.search import count_cases

    dialog = RegistrationDialog(runner, main_window)
    wait_idle()
    fill(dialog, {"applicant.name": "王芳", "cadres[1].name": "王芳", "cadres[1].id_number": "640122198506150034",
                  "cadres[1].unit": "贺兰县教育局", "accountability.organ": "贺兰县纪委监委",
                  "accountability.matter": "事项", "situations": ["2"], "statement": "理由"})
    dialog.submit()
    wait_idle()
    assert dialog.errors["cadres[1].id_number"].isVisibleTo(dialog)
    assert "身份证" in dialog.errors["cadres[1].id_number"].text()
    assert runner.call(count_cases) == 0


def test_the_case_list_model_passes_qt_model_checks_while_paging(qtbot, demo_runner, wait_idle, qtmodeltester) -> None:
    from gui.case_list_model import CaseListModel, CaseQuery

    model = CaseListModel(demo_runner)
    model.set_query(CaseQuery())
    wait_idle()
    qtmodeltester.check(model)
    model.set_query(CaseQuery(text="王", filters={"status": "registered"}, sort="number", descending=False))
    wait_idle()
    numbers = [model.row(i)["number"] for i in range(model.rowCount())]
    assert numbers == sorted(numbers) and model.total == len(numbers)
    qtmodeltester.check(model)


def test_the_rows_come_before_the_count_and_a_refused_search_is_said_once(qtbot, demo_runner, wait_idle) -> None:
    from gui.case_list_model import CaseListModel, CaseQuery

    model = CaseListModel(demo_runner)
    seen: list[tuple[str, int]] = []
    # with the tasks still to answer when each arrives: the count is asked separately, after the page
    model.rowsInserted.connect(lambda *_: seen.append(("rows", demo_runner.pending)))
    model.loaded.connect(lambda total: seen.append(("count", demo_runner.pending)))
    errors: list[str] = []
    model.failed.connect(errors.append)
    model.set_query(CaseQuery(text="王"))
    wait_idle()
    assert seen == [("rows", 1), ("count", 0)] and model.total == model.rowCount() > 0
    model.set_query(CaseQuery(text="王" * 201))      # too long: the page and the count both refuse it
    wait_idle()
    assert errors == ["搜索内容过长（不超过 200 个字）"] and model.rowCount() == 0
