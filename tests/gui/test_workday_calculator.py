"""The working-day calculator answers as the CLI's ``workdays add`` / ``workdays count`` do."""
from __future__ import annotations

from typing import Any

import pytest

from gui.qt import QDate
from gui.workday_calculator import COUNT_TAB, WorkdayCalculatorDialog


@pytest.fixture
def calculator(qtbot: Any, runner: Any, wait_idle: Any) -> WorkdayCalculatorDialog:
    dialog = WorkdayCalculatorDialog(runner)
    qtbot.addWidget(dialog)
    wait_idle()
    return dialog


def test_it_starts_from_the_workspace_today(calculator) -> None:
    assert calculator.add_start.date() == QDate(2026, 11, 27)
    assert calculator.count_end.date() == QDate(2026, 11, 27)
    assert calculator.answer.text() == "2026-11-30（星期一）"      # Friday + 1 working day


def test_the_national_day_holiday_is_skipped(calculator, wait_idle) -> None:
    # As ./run.sh workdays add 2026-09-30 1 answers: 1–7 October are off, the 8th is a working day.
    calculator.add_start.setDate(QDate(2026, 9, 30))
    calculator.add_days.setValue(1)
    wait_idle()
    assert calculator.answer.text() == "2026-10-08（星期四）"
    assert "2026-09-30（星期三）之后第 1 个工作日" in calculator.explanation.text()
    assert not calculator.estimate.isVisibleTo(calculator)


def test_an_answer_in_an_unpublished_year_is_marked_as_estimated(calculator, wait_idle) -> None:
    calculator.add_start.setDate(QDate(2026, 12, 20))
    calculator.add_days.setValue(30)
    wait_idle()
    assert calculator.answer.text() == "2027-02-01（星期一）"
    assert calculator.estimate.isVisibleTo(calculator)
    assert "2027年尚无国务院公布的节假日安排" in calculator.estimate.text()
    assert "估算" in calculator.estimate.text()


def test_working_days_between_two_dates(calculator, wait_idle) -> None:
    calculator.tabs.setCurrentIndex(COUNT_TAB)
    calculator.count_start.setDate(QDate(2026, 9, 30))
    calculator.count_end.setDate(QDate(2026, 10, 9))
    wait_idle()
    assert calculator.answer.text() == "2 个工作日"            # 8 and 9 October
    assert "2026-09-30（不含）至 2026-10-09（含）" in calculator.explanation.text()
    calculator.count_start.setDate(QDate(2026, 10, 9))
    calculator.count_end.setDate(QDate(2026, 9, 30))
    wait_idle()
    assert calculator.answer.text() == "-2 个工作日"
    assert "截止日期早于起始日期" in calculator.explanation.text()


def test_a_count_reaching_into_an_unpublished_year_is_marked(calculator, wait_idle) -> None:
    calculator.tabs.setCurrentIndex(COUNT_TAB)
    calculator.count_start.setDate(QDate(2026, 12, 1))
    calculator.count_end.setDate(QDate(2027, 1, 15))
    wait_idle()
    assert calculator.estimate.isVisibleTo(calculator) and "2027年" in calculator.estimate.text()
    calculator.count_end.setDate(QDate(2026, 12, 31))
    wait_idle()
    assert not calculator.estimate.isVisibleTo(calculator)
