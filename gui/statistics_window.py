"""Statistics for a period, as figures and charts, with the printable report (PDF) and the ledger
(XLSX) one click away. The numbers come from ``core.services.statistics``; this window only draws."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from gui import desktop, prompts
from gui.charts import BarChart
from gui.qt import (
    QDate,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from gui.tasks import TaskRunner

FIGURES = [("received", "收到申请"), ("accepted", "受理"), ("rejected", "不予受理"), ("withdrawn", "撤回"),
           ("reports", "出具调查报告"), ("determinations", "作出认定"), ("tolerant", "予以容错"),
           ("reports_late", "报告超期"), ("letters_late", "认定书超期"), ("overdue_now_report", "目前报告逾期"),
           ("overdue_now_letter", "目前认定书逾期")]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    return date.fromisoformat(edit.date().toString("yyyy-MM-dd"))


class StatisticsWindow(QMainWindow):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.stats: Any = None
        self.setWindowTitle("统计与台账")
        self.resize(1180, 760)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(self._period_bar())
        self.summary = QLabel()
        self.summary.setProperty("role", "hint")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.figures: dict[str, QLabel] = {}
        layout.addWidget(self._figures_frame())
        self.charts = {"by_month": BarChart("按月份：收到申请", vertical=True), "by_outcome": BarChart("认定结果"),
                       "by_situation": BarChart("申请适用的容错情形"), "by_unit": BarChart("按单位：收到申请"),
                       "by_organ_type": BarChart("按单位类型：收到申请")}
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        for i, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, i // 2, i % 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)
        self.setCentralWidget(central)
        runner.run(lambda ws: ws.today(), self._start, parent=self)

    def _start(self, today: date) -> None:
        """This year so far, by the workspace's own today."""
        self.date_from.setDate(_qdate(today.replace(month=1, day=1)))
        self.date_to.setDate(_qdate(today))
        self.refresh()

    def _period_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        show = QPushButton("统计")
        show.clicked.connect(self.refresh)
        report = QPushButton("统计报表（PDF）…")
        report.clicked.connect(self.save_report)
        ledger = QPushButton("导出台账（Excel）…")
        ledger.clicked.connect(self.save_ledger)
        for widget in (QLabel("统计期间："), self.date_from, QLabel("至"), self.date_to, show):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(report)
        bar.addWidget(ledger)
        return bar

    def _figures_frame(self) -> QFrame:
        frame = QFrame()
        frame.setProperty("role", "card")
        grid = QGridLayout(frame)
        for i, (key, label) in enumerate(FIGURES):
            caption = QLabel(label)
            caption.setProperty("role", "hint")
            value = QLabel("–")
            value.setProperty("role", "figure")
            self.figures[key] = value
            grid.addWidget(caption, (i // 6) * 2, i % 6)
            grid.addWidget(value, (i // 6) * 2 + 1, i % 6)
        return frame

    def refresh(self) -> None:
        from core.services.statistics import statistics

        first, last = _day(self.date_from), _day(self.date_to)
        self.runner.run(lambda ws: statistics(ws, first, last), self.show_statistics, parent=self,
                        label="正在统计…")

    def show_statistics(self, stats: Any) -> None:
        self.stats = stats
        for key, label in self.figures.items():
            label.setText(str(getattr(stats, key)))
        average = [f"受理至报告平均 {stats.avg_workdays_to_report:.1f} 个工作日"] if stats.avg_workdays_to_report is not None else []
        if stats.avg_workdays_to_determination is not None:
            average.append(f"报告至认定平均 {stats.avg_workdays_to_determination:.1f} 个工作日")
        if stats.estimated_years:
            average.append(f"{'、'.join(str(y) for y in stats.estimated_years)}年的工作日按估算的节假日计算")
        self.summary.setText(f"{stats.organ_name}　{stats.date_from} 至 {stats.date_to}　" + "；".join(average))
        self.charts["by_month"].set_data([(m.label.removeprefix(f"{m.month[:4]}年"), m.received) for m in stats.by_month])
        self.charts["by_outcome"].set_data([(o.label, o.count) for o in stats.by_outcome])
        self.charts["by_situation"].set_data([(s.label, s.applied) for s in stats.by_situation])
        self.charts["by_unit"].set_data([(u.label, u.received) for u in stats.by_unit])
        self.charts["by_organ_type"].set_data([(o.label, o.received) for o in stats.by_organ_type])

    def save_report(self) -> None:
        from core.services.statistics import write_statistics_pdf

        first, last = _day(self.date_from), _day(self.date_to)
        target = prompts.save_file(self, "保存统计报表", f"容错免责工作统计-{first}至{last}.pdf", "PDF 文件 (*.pdf)")
        if target is None:
            return
        self.runner.run(lambda ws: write_statistics_pdf(ws, first, last, _with_suffix(target, ".pdf")),
                        self._saved, parent=self, label="正在生成统计报表…")

    def save_ledger(self) -> None:
        from core.services.ledger import write_ledger

        target = prompts.save_file(self, "保存台账", f"容错免责案件台账-{_day(self.date_to)}.xlsx", "Excel 文件 (*.xlsx)")
        if target is None:
            return
        self.runner.run(lambda ws: write_ledger(ws, _with_suffix(target, ".xlsx")).path, self._saved, parent=self,
                        label="正在导出台账…")

    def _saved(self, path: Path) -> None:
        if prompts.confirm(self, f"已保存：{path}\n\n现在打开吗？"):
            desktop.open_path(path)


def _with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)
