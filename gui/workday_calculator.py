"""Working-day arithmetic for an officer checking a deadline by hand, on the same calendar the
deadlines use (official holidays and 调休, imported years, estimates for unpublished years).

The semantics are the CLI's ``workdays add`` and ``workdays count``: the start day never counts.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from gui.qt import (
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from gui.tasks import TaskRunner

MAX_WORKDAYS = 3650            # as the CLI: ten years of working days is surely a typing slip beyond
FIRST_DATE = QDate(2000, 1, 1)
LAST_DATE = QDate(2099, 12, 31)
WEEKDAYS = "一二三四五六日"
ADD_TAB, COUNT_TAB = 0, 1
ESTIMATE_STYLE = ("background: #fff4dc; color: #6b4100; border: 1px solid #f0c36d; border-radius: 4px; "
                  "padding: 6px;")


def day_text(day: date) -> str:
    return f"{day.isoformat()}（星期{WEEKDAYS[day.weekday()]}）"


def estimate_warning(years: list[int]) -> str:
    """Said plainly whenever an answer rests on a year without an official schedule."""
    if not years:
        return ""
    listed = "、".join(f"{y}年" for y in years)
    return (f"注意：{listed}尚无国务院公布的节假日安排，以上结果按法定节假日规则估算（未计调休），仅供参考。"
            "国务院公布当年安排后，请导入节假日安排，再以程序计算的结果为准。")


def count_explanation(first: date, last: date) -> str:
    if last < first:
        return (f"截止日期早于起始日期，结果取负数：即 {last.isoformat()}（不含）至 {first.isoformat()}（含）"
                "之间的工作日数的相反数")
    return f"{first.isoformat()}（不含）至 {last.isoformat()}（含）之间的工作日数"


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class WorkdayCalculatorDialog(QDialog):
    """Two questions: the Nth working day after a date, and the working days between two dates."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._generation = 0           # answers to a question since changed are dropped
        self.setWindowTitle("工作日计算器")
        self.setMinimumWidth(560)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_add(), "某日之后第 N 个工作日")
        self.tabs.addTab(self._build_count(), "两个日期之间的工作日数")
        self.tabs.currentChanged.connect(lambda _: self.calculate())
        # The form keeps its height when the estimate warning appears: the dialog grows instead.
        self.tabs.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.answer = QLabel()
        self.answer.setProperty("role", "figure")
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.estimate.setStyleSheet(ESTIMATE_STYLE)
        self.estimate.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.answer)
        layout.addWidget(self.explanation)
        layout.addWidget(self.estimate)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._runner.run(lambda ws: ws.today(), self._start_today, parent=self)

    # --- building ----------------------------------------------------------------------------------

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDateRange(FIRST_DATE, LAST_DATE)
        edit.setDate(QDate.currentDate())
        edit.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        edit.dateChanged.connect(lambda _: self.calculate())
        return edit

    @staticmethod
    def _hint(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "hint")
        label.setWordWrap(True)
        return label

    def _build_add(self) -> QWidget:
        page = QWidget()
        self.add_start = self._date_edit()
        self.add_days = QSpinBox()
        self.add_days.setRange(0, MAX_WORKDAYS)
        self.add_days.setValue(1)
        self.add_days.setSuffix(" 个工作日")
        self.add_days.valueChanged.connect(lambda _: self.calculate())
        form = QFormLayout(page)
        form.addRow("起算日期：", self.add_start)
        form.addRow("之后第：", self.add_days)
        form.addRow(self._hint("起算日期当天不计，从次日起数；节假日和周末不计，调休上班日计入。"))
        return page

    def _build_count(self) -> QWidget:
        page = QWidget()
        self.count_start = self._date_edit()
        self.count_end = self._date_edit()
        form = QFormLayout(page)
        form.addRow("起始日期：", self.count_start)
        form.addRow("截止日期：", self.count_end)
        form.addRow(self._hint("不含起始日期当天，含截止日期当天；节假日和周末不计，调休上班日计入。"))
        return page

    def _start_today(self, today: date) -> None:
        for edit in (self.add_start, self.count_start, self.count_end):
            edit.setDate(QDate(today.year, today.month, today.day))
        self.calculate()

    # --- calculating -------------------------------------------------------------------------------

    def calculate(self) -> None:
        self._generation += 1
        generation = self._generation
        if self.tabs.currentIndex() == ADD_TAB:
            start, n = _to_date(self.add_start.date()), self.add_days.value()

            def add(ws: Any) -> tuple[str, str, list[int]]:
                result = ws.calendar.add_workdays(start, n)
                return (day_text(result), f"{day_text(start)}之后第 {n} 个工作日",
                        ws.calendar.estimated_years(start, result))

            work = add
        else:
            first, last = _to_date(self.count_start.date()), _to_date(self.count_end.date())

            def count(ws: Any) -> tuple[str, str, list[int]]:
                days = ws.calendar.count_workdays(first, last)
                return f"{days} 个工作日", count_explanation(first, last), ws.calendar.estimated_years(first, last)

            work = count
        self._runner.run(work, lambda result: self._show(generation, *result), parent=self)

    def _show(self, generation: int, answer: str, explanation: str, estimated: list[int]) -> None:
        if generation != self._generation:
            return
        self.answer.setText(answer)
        self.explanation.setText(explanation)
        self.estimate.setText(estimate_warning(estimated))
        self.estimate.setVisible(bool(estimated))
        self._fit_height()

    def _fit_height(self) -> None:
        # Qt's minimum size ignores wrapped text's height at the dialog's width: grow by hand so the
        # warning never squeezes the form.
        layout = self._layout
        layout.activate()
        needed = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)
