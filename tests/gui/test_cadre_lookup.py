"""Looking a cadre up and printing the 容错免责情况说明 about them."""
from __future__ import annotations

from typing import Any

import pytest

from gui import pdf_view
from gui.cadre_lookup import CadreLookupDialog
from gui.qt import QPrinter, Qt
from tests.gui.conftest import pdf_page_count

WANG_XIULAN = "640122198305121022"     # demo cadre with three cases, two determined


@pytest.fixture
def dialog(qtbot: Any, demo_runner: Any, wait_idle: Any) -> CadreLookupDialog:
    found = CadreLookupDialog(demo_runner)
    qtbot.addWidget(found)
    wait_idle()
    return found


def _search(dialog: CadreLookupDialog, text: str, wait_idle: Any) -> None:
    dialog.query.setText(text)
    dialog.search_button.click()
    wait_idle()


def test_a_search_by_name_lists_the_cadres_and_shows_the_first(dialog, wait_idle, qtmodeltester) -> None:
    _search(dialog, "李", wait_idle)
    qtmodeltester.check(dialog.results)
    names = [dialog.results.data(dialog.results.index(r, 0)) for r in range(dialog.results.rowCount())]
    assert names and all("李" in name for name in names)
    assert dialog.record is not None and dialog.record["name"] == names[0]
    assert dialog.name_label.text() == names[0]


def test_an_id_number_shows_every_determination_about_the_cadre(dialog, wait_idle, qtmodeltester) -> None:
    _search(dialog, WANG_XIULAN, wait_idle)
    assert dialog.results.rowCount() == 1
    qtmodeltester.check(dialog.cases)
    cases = dialog.cases
    rows = [[cases.data(cases.index(r, c)) for c in range(cases.columnCount())] for r in range(cases.rowCount())]
    assert len(rows) == 3
    header = [cases.headerData(c, Qt.Orientation.Horizontal) for c in range(cases.columnCount())]
    outcome, when = header.index("认定结果"), header.index("认定日期")
    decided = [row for row in rows if row[when]]
    assert len(decided) == 2 and {row[outcome] for row in decided} <= {"免责", "减轻", "从轻", "不予免责"}
    assert "尚未认定" in [row[outcome] for row in rows]
    assert "贺兰县行政审批服务局 科长" in rows[0]
    assert "容错免责申请 3 件，已认定 2 件" in dialog.facts_label.text()
    assert dialog.statement_button.isEnabled()


def test_the_officer_is_told_when_nothing_is_found(dialog, wait_idle, prompter) -> None:
    _search(dialog, "欧阳", wait_idle)
    assert dialog.results.rowCount() == 0 and dialog.record is None
    assert "没有找到" in dialog.message.text()
    assert not dialog.statement_button.isEnabled()
    _search(dialog, "  ", wait_idle)
    assert "查询内容" in dialog.message.text()
    assert prompter.messages == []       # said in the dialog, no message box


def test_the_statement_is_issued_previewed_and_printed(dialog, wait_idle, data_dir, monkeypatch, tmp_path) -> None:
    printed = tmp_path / "printed.pdf"

    def choose(parent: Any) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(100)
        return printer

    monkeypatch.setattr(pdf_view, "choose_printer", choose)
    _search(dialog, WANG_XIULAN, wait_idle)
    dialog.statement_button.click()
    wait_idle()
    issued = dialog.issued
    assert issued is not None and issued.number.startswith("贺纪容说〔2026〕")
    assert issued.path == data_dir / "documents" / "干部" / WANG_XIULAN / f"容错免责情况说明-{issued.number}.pdf"
    pages = pdf_page_count(issued.path)
    assert dialog.preview.isVisibleTo(dialog) and dialog.preview.view.page_count == pages
    dialog.preview.print_button.click()
    wait_idle()
    assert pdf_page_count(printed) == pages

