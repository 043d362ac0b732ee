"""The settings dialog: each tab loads when first shown, saves through the services, and a refused
input is explained in Chinese and changes nothing."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from core.numbering import issue_number, list_numbers
from core.services.actions import perform_action
from core.services.holidays import DAY_HOLIDAY, DAY_MAKEUP, DAY_WEEKEND, calendar_years
from core.services.office import letter_settings, office_profile
from core.services.registration import register_case
from core.services.templates_admin import list_templates
from core.services.users import first_start, officers, sign_in
from documents.layout import FONT_ROLES
from gui.qt import QBrush, QComboBox, Qt
from gui.settings_dialog import DAY_COLORS, IssuedNumbersModel, SettingsDialog

OFFICE = {"organ_name": "中共贺兰县纪律检查委员会 贺兰县监察委员会", "letterhead": "中共贺兰县纪委 贺兰县监委",
          "code_prefix": "贺纪"}
ADMIN = "王宏"


@pytest.fixture
def open_dialog(qtbot: Any, runner: Any, wait_idle: Any) -> Any:
    def make(officer: str = ADMIN, is_admin: bool = True) -> SettingsDialog:
        dialog = SettingsDialog(runner, officer, is_admin)
        qtbot.addWidget(dialog)
        dialog.show()
        wait_idle()
        return dialog
    return make


def show_tab(dialog: SettingsDialog, page: Any, wait_idle: Any) -> None:
    dialog.tabs.setCurrentWidget(page)
    wait_idle()


def choose(box: QComboBox, data: Any) -> None:
    box.setCurrentIndex(box.findData(data))


def issue(ws: Any, kind_code: str, on: str) -> str:
    return issue_number(ws, kind="acceptance-notice", kind_code=kind_code, issued_on=on).number


# --- the dialog -------------------------------------------------------------------------------------

def test_each_tab_loads_its_data_when_first_shown(demo_runner, open_dialog, wait_idle) -> None:
    dialog = open_dialog()
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == \
        ["机关信息", "文号", "公文格式", "字体", "节假日", "模板", "用户"]
    pages = [dialog.tabs.widget(i) for i in range(dialog.tabs.count())]
    assert [page.loaded for page in pages] == [True] + [False] * 6
    assert dialog.office_page.editors["code_prefix"].text() == "贺纪"
    assert not dialog.format_page.save_button.isEnabled()      # nothing to compare a change with yet
    show_tab(dialog, dialog.holidays_page, wait_idle)
    assert [page.loaded for page in pages] == [True, False, False, False, True, False, False]


# --- 机关信息 -----------------------------------------------------------------------------------------

def test_office_changes_are_saved_and_announced(demo_runner, open_dialog, wait_idle, prompter) -> None:
    dialog = open_dialog()
    announced: list[dict[str, Any]] = []
    dialog.office_changed.connect(announced.append)
    page = dialog.office_page
    page.editors["code_prefix"].setText(" 贺纪委 ")
    page.kind_box.setCurrentText("组织部门")
    page.save_button.click()
    wait_idle()
    saved = demo_runner.call(office_profile)
    assert (saved["code_prefix"], saved["organ_kind"]) == ("贺纪委", "组织部门")
    assert page.editors["code_prefix"].text() == "贺纪委"          # shown as stored, spaces trimmed
    assert page.status.text() == "已保存。"
    assert [a["code_prefix"] for a in announced] == ["贺纪委"]
    assert prompter.messages == []


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("code_prefix", "贺〔纪〕", "机关代字不能含括号或空格"),
    ("organ_name", "   ", "请填写机关名称"),
])
def test_a_refused_office_field_is_explained_beside_it_and_nothing_is_saved(
        demo_runner, open_dialog, wait_idle, prompter, field, typed, message) -> None:
    before = demo_runner.call(office_profile)
    dialog = open_dialog()
    page = dialog.office_page
    page.editors["letterhead"].setText("另一个标志")        # a valid change in the same save is not kept either
    page.editors[field].setText(typed)
    page.save_button.click()
    wait_idle()
    error = page.errors.labels[field]
    assert error.isVisible() and message in error.text() and error.property("role") == "error"
    assert demo_runner.call(office_profile) == before
    assert prompter.of_kind("error") == []
    page.editors[field].setText(before[field])
    page.save_button.click()
    wait_idle()
    assert not error.isVisible()
    assert demo_runner.call(office_profile)["letterhead"] == "另一个标志"


def test_saving_without_changes_writes_nothing(demo_runner, open_dialog, wait_idle) -> None:
    dialog = open_dialog()
    dialog.office_page.save_button.click()
    assert demo_runner.pending == 0
    assert dialog.office_page.status.text() == "没有需要保存的修改。"


# --- 文号 ---------------------------------------------------------------------------------------------

@pytest.fixture
def numbered(demo_runner: Any) -> Any:
    def issue_some(ws: Any) -> None:
        for code, on in (("容受", "2025-12-30"), ("容受", "2026-03-10"), ("容受", "2026-04-01"), ("容认", "2026-05-06")):
            issue(ws, code, on)
    demo_runner.call(issue_some)
    return demo_runner


def test_the_register_model_passes_the_model_tester(qtmodeltester, numbered) -> None:
    model = IssuedNumbersModel()
    qtmodeltester.check(model)
    model.set_rows(numbered.call(list_numbers))
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    assert model.index(0, 0).data() == "贺纪容受〔2025〕1号"
    assert model.index(0, 2).data() == "受理通知书"
    assert model.index(0, 7).data() == "有效"


def test_the_register_filters_by_year(numbered, open_dialog, wait_idle) -> None:
    dialog = open_dialog()
    page = dialog.numbers_page
    show_tab(dialog, page, wait_idle)
    assert page.model.rowCount() == 4
    assert [page.year_box.itemText(i) for i in range(page.year_box.count())] == ["全部年份", "2026年", "2025年"]
    choose(page.year_box, 2025)
    wait_idle()
    assert [page.model.row_at(i)["number"] for i in range(page.model.rowCount())] == ["贺纪容受〔2025〕1号"]
    choose(page.year_box, None)
    wait_idle()
    assert page.model.rowCount() == 4


def test_voiding_a_number_asks_for_the_reason_and_keeps_it_in_the_register(
        numbered, open_dialog, wait_idle, prompter) -> None:
    dialog = open_dialog()
    page = dialog.numbers_page
    show_tab(dialog, page, wait_idle)
    page.table.selectRow(1)
    assert page.void_button.isEnabled()
    prompter.answers.append("打印错误，重新出具")
    page.void_button.click()
    wait_idle()
    [asked] = prompter.of_kind("ask_text")
    assert "贺纪容受〔2026〕1号" in asked
    voided = {row["number"]: row for row in numbered.call(list_numbers)}["贺纪容受〔2026〕1号"]
    assert voided["voided"] and voided["void_reason"] == "打印错误，重新出具"
    assert page.model.rowCount() == 4
    assert page.model.index(1, 7).data() == "已作废：打印错误，重新出具"
    assert page.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None   # greyed
    page.table.selectRow(1)
    assert not page.void_button.isEnabled()


def test_voiding_can_be_cancelled_and_needs_a_reason(numbered, open_dialog, wait_idle, prompter) -> None:
    dialog = open_dialog()
    page = dialog.numbers_page
    show_tab(dialog, page, wait_idle)
    page.table.selectRow(0)
    prompter.answers.extend([None, "  "])
    page.void_button.click()                  # cancelled
    page.void_button.click()                  # an empty reason
    wait_idle()
    assert prompter.of_kind("error") == ["请填写作废理由"]
    assert not any(row["voided"] for row in numbered.call(list_numbers))


# --- 公文格式 -----------------------------------------------------------------------------------------

def test_letter_formats_and_the_number_of_determination_letters_are_saved(demo_runner, open_dialog, wait_idle) -> None:
    dialog = open_dialog()
    page = dialog.format_page
    show_tab(dialog, page, wait_idle)
    assert page.format_boxes["determination-letter"].currentData() == "file"
    assert page.format_boxes["acceptance-notice"].currentText() == "信函格式（默认）"
    assert page.count_buttons.checkedId() == 1
    choose(page.format_boxes["determination-letter"], "letter")
    page.count_buttons.button(2).setChecked(True)
    page.save_button.click()
    wait_idle()
    settings = demo_runner.call(letter_settings)
    assert settings["formats"]["determination-letter"] == "letter"
    assert settings["formats"]["acceptance-notice"] == "letter"
    assert settings["determination_letters"] == 2
    assert "已保存" in page.status.text()


# --- 字体 ---------------------------------------------------------------------------------------------

def test_fonts_are_listed_per_role(runner, open_dialog, wait_idle, prompter) -> None:
    dialog = open_dialog()
    page = dialog.fonts_page
    show_tab(dialog, page, wait_idle)
    assert page.table.rowCount() == len(FONT_ROLES)
    labels = [page.table.item(row, 0).text() for row in range(page.table.rowCount())]
    assert labels[0].startswith("标题") and all(page.table.item(r, 1).text() for r in range(len(labels)))
    assert prompter.messages == []


# --- 节假日 -------------------------------------------------------------------------------------------

SCHEDULE_2027 = {"year": 2027, "source": "测试用 2027 年节假日安排",
                 "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"], "workdays": ["2027-01-09"]}


def cell_kind(page: Any, day: date) -> str:
    return page.months[day.month - 1].days[day].data(Qt.ItemDataRole.UserRole)  # type: ignore[no-any-return]


def test_the_year_is_drawn_with_holidays_makeup_days_and_weekends_marked(runner, open_dialog, wait_idle) -> None:
    dialog = open_dialog()
    page = dialog.holidays_page
    show_tab(dialog, page, wait_idle)
    assert page.chosen_year() == 2026
    assert cell_kind(page, date(2026, 1, 1)) == DAY_HOLIDAY
    assert cell_kind(page, date(2026, 1, 4)) == DAY_MAKEUP
    assert cell_kind(page, date(2026, 1, 10)) == DAY_WEEKEND
    assert cell_kind(page, date(2026, 1, 5)) == "workday"
    holiday = page.months[0].days[date(2026, 1, 1)]
    assert holiday.background() == QBrush(DAY_COLORS[DAY_HOLIDAY][0])
    assert sum(len(month.days) for month in page.months) == 365
    assert "内置官方数据" in page.source.text()
    choose(page.year_box, 2027)
    wait_idle()
    assert "估算" in page.source.text() and page.source.property("role") == "error"
    assert date(2027, 1, 1) in page.months[0].days


def test_importing_a_schedule_reports_the_cases_whose_deadlines_moved(
        runner, open_dialog, wait_idle, prompter, application, tmp_path) -> None:
    application["accountability"]["started_on"] = "2026-11-16"
    application["received_on"] = "2026-11-18"

    def case_into_2027(ws: Any) -> str:
        number = register_case(ws, application).number
        perform_action(ws, number, "accept", "2026-11-20", {})
        return number

    number = runner.call(case_into_2027)
    schedule = tmp_path / "2027.json"
    schedule.write_text(json.dumps(SCHEDULE_2027, ensure_ascii=False), encoding="utf-8")
    dialog = open_dialog()
    page = dialog.holidays_page
    show_tab(dialog, page, wait_idle)
    prompter.answers.append(schedule)
    page.import_button.click()
    wait_idle()
    [told] = prompter.of_kind("info")
    assert "已导入 2027 年节假日安排" in told and "1 件" in told and number in told
    assert {y["year"]: y["source"] for y in runner.call(calendar_years)}[2027] == "imported"
    assert page.chosen_year() == 2027 and "导入的官方安排" in page.source.text()
    assert cell_kind(page, date(2027, 1, 4)) == DAY_HOLIDAY


def test_a_broken_schedule_file_is_refused_and_nothing_is_imported(
        runner, open_dialog, wait_idle, prompter, tmp_path) -> None:
    broken = tmp_path / "2027.json"
    broken.write_text('{"year": 2027, "holidays": ["2027-13-01"]', encoding="utf-8")
    dialog = open_dialog()
    page = dialog.holidays_page
    show_tab(dialog, page, wait_idle)
    prompter.answers.extend([broken, None])
    page.import_button.click()
    wait_idle()
    page.import_button.click()               # the officer closes the file dialog: nothing happens
    wait_idle()
    [error] = prompter.of_kind("error")
    assert "不是有效的 JSON" in error
    assert {y["year"]: y["source"] for y in runner.call(calendar_years)}[2027] == "estimated"


# --- 模板 ---------------------------------------------------------------------------------------------

def select_template(page: Any, kind: str) -> None:
    page.table.selectRow([t.kind for t in page.templates].index(kind))


def state_of(runner: Any, kind: str) -> bool:
    return next(t.customised for t in runner.call(list_templates) if t.kind == kind)


def test_a_template_is_exported_imported_and_reset(runner, open_dialog, wait_idle, prompter, tmp_path) -> None:
    dialog = open_dialog()
    page = dialog.templates_page
    show_tab(dialog, page, wait_idle)
    select_template(page, "acceptance-notice")
    assert not page.reset_button.isEnabled()
    prompter.answers.append(tmp_path / "受理通知书")                 # the suffix is added
    page.export_button.click()
    wait_idle()
    exported = tmp_path / "受理通知书.docx"
    assert exported.is_file() and "已导出" in page.status.text()
    prompter.answers.append(exported)
    page.import_button.click()
    wait_idle()
    assert state_of(runner, "acceptance-notice")
    assert page.reset_button.isEnabled()                              # the selection survived the reload
    prompter.answers.extend([False, True])
    page.reset_button.click()                                          # "no": nothing changes
    wait_idle()
    assert state_of(runner, "acceptance-notice")
    page.reset_button.click()
    wait_idle()
    assert not state_of(runner, "acceptance-notice")
    assert page.table.item(page.templates.index(next(t for t in page.templates if t.kind == "acceptance-notice")),
                           1).text() == "默认模板"
    assert prompter.of_kind("error") == []


def test_a_file_that_is_not_a_template_is_refused(runner, open_dialog, wait_idle, prompter, tmp_path) -> None:
    not_docx = tmp_path / "笔记.docx"
    not_docx.write_text("这不是 Word 文档", encoding="utf-8")
    dialog = open_dialog()
    page = dialog.templates_page
    show_tab(dialog, page, wait_idle)
    select_template(page, "determination-letter")
    prompter.answers.append(not_docx)
    page.import_button.click()
    wait_idle()
    assert len(prompter.of_kind("error")) == 1
    assert not state_of(runner, "determination-letter")


# --- 用户 ---------------------------------------------------------------------------------------------

@pytest.fixture
def admin_runner(runner: Any) -> Any:
    runner.call(lambda ws: first_start(ws, OFFICE, ADMIN, "password1"))
    return runner


def fill(fields: dict[str, Any], **values: str) -> None:
    for name, value in values.items():
        fields[name].setText(value)


def test_an_administrator_adds_an_officer_with_the_password_typed_twice(
        admin_runner, open_dialog, wait_idle, prompter) -> None:
    dialog = open_dialog()
    page = dialog.users_page
    show_tab(dialog, page, wait_idle)
    assert page.table.rowCount() == 1
    assert all(field.echoMode() == field.EchoMode.Password for field in (*page.own.values(),
                                                                          page.new["password"]))
    fill(page.new, name="李娜", password="password2", password_repeated="password3")
    page.add()
    wait_idle()
    assert page.new_errors.labels["password_repeated"].text() == "两次输入的密码不一致"
    assert [o.name for o in admin_runner.call(officers)] == [ADMIN]
    fill(page.new, password_repeated="password2")
    page.add()
    wait_idle()
    assert [o.name for o in admin_runner.call(officers)] == [ADMIN, "李娜"]
    assert page.table.rowCount() == 2 and page.new["name"].text() == ""
    assert not page.new_errors.labels["password_repeated"].isVisible()
    assert prompter.of_kind("error") == []


def test_an_administrator_disables_and_resets_an_officer(admin_runner, open_dialog, wait_idle, prompter) -> None:
    from core.services.users import add_officer

    admin_runner.call(lambda ws: add_officer(ws, "李娜", "password2"))
    dialog = open_dialog()
    page = dialog.users_page
    show_tab(dialog, page, wait_idle)
    page.table.selectRow(1)
    prompter.answers.extend(["password7", "password7", True])
    page.reset_button.click()
    wait_idle()
    page.active_button.click()
    wait_idle()
    assert [o.active for o in admin_runner.call(officers)] == [True, False]
    page.table.selectRow(1)
    assert page.active_button.text() == "启用"
    page.active_button.click()                 # enabling asks nothing
    wait_idle()
    assert [o.active for o in admin_runner.call(officers)] == [True, True]
    assert admin_runner.call(lambda ws: sign_in(ws, "李娜", "password7")).name == "李娜"
    assert prompter.of_kind("error") == []


def test_an_officer_sees_only_their_own_password_and_must_give_the_current_one(
        admin_runner, open_dialog, wait_idle, prompter) -> None:
    from core.services.users import add_officer

    admin_runner.call(lambda ws: add_officer(ws, "李娜", "password2"))
    admin_runner.call(lambda ws: sign_in(ws, "李娜", "password2"))
    dialog = open_dialog("李娜", is_admin=False)
    page = dialog.users_page
    show_tab(dialog, page, wait_idle)
    assert all(group.isHidden() for group in page.admin_groups)
    fill(page.own, current_password="wrong-one", password="password8", password_repeated="password8")
    page.change_own_password()
    wait_idle()
    assert page.own_errors.labels["current_password"].text() == "当前密码不正确"
    fill(page.own, current_password="password2")
    page.change_own_password()
    wait_idle()
    assert page.own["password"].text() == "" and "密码已修改" in page.status.text()
    assert admin_runner.call(lambda ws: sign_in(ws, "李娜", "password8")).name == "李娜"
    assert prompter.of_kind("error") == []


def test_an_officer_who_is_not_an_administrator_cannot_change_the_office_settings(
        admin_runner, open_dialog, wait_idle) -> None:
    from core.services.users import add_officer

    admin_runner.call(lambda ws: add_officer(ws, "李娜", "password2"))
    admin_runner.call(lambda ws: sign_in(ws, "李娜", "password2"))
    dialog = open_dialog("李娜", is_admin=False)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles == ["文号", "字体", "节假日", "用户"]
    assert dialog.numbers_page.void_button.isHidden() and dialog.holidays_page.import_button.isHidden()
    admin = open_dialog("周文静", is_admin=True)
    assert admin.tabs.count() == 7 and not admin.numbers_page.void_button.isHidden()
