"""The statistics window shows the service's numbers and charts, and saves the report and ledger."""
from __future__ import annotations

from datetime import date

from core.services.statistics import statistics
from gui.statistics_window import StatisticsWindow
from tests.conftest import TODAY
from tests.gui.conftest import pdf_page_count


def test_figures_and_charts_show_this_years_statistics(qtbot, demo_runner, wait_idle) -> None:
    window = StatisticsWindow(demo_runner)
    qtbot.addWidget(window)
    wait_idle()
    wait_idle()
    expected = demo_runner.call(lambda ws: statistics(ws, date(TODAY.year, 1, 1), TODAY))
    assert window.stats == expected
    assert window.figures["received"].text() == str(expected.received) and expected.received > 0
    assert window.figures["determinations"].text() == str(expected.determinations)
    outcome_chart = dict(window.charts["by_outcome"].items)
    assert sum(outcome_chart.values()) == expected.determinations
    assert len(window.charts["by_month"].items) == TODAY.month


def test_the_report_and_the_ledger_are_saved_where_the_officer_says(qtbot, demo_runner, wait_idle, prompter,
                                                                  tmp_path) -> None:
    from openpyxl import load_workbook

    window = StatisticsWindow(demo_runner)
    qtbot.addWidget(window)
    wait_idle()
    wait_idle()
    prompter.answers += [tmp_path / "统计", False, tmp_path / "台账.xlsx", False]
    window.save_report()
    wait_idle()
    window.save_ledger()
    wait_idle()
    assert pdf_page_count(tmp_path / "统计.pdf") >= 1
    sheet = load_workbook(tmp_path / "台账.xlsx", read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) > 20
