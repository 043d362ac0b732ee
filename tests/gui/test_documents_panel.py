"""The case's documents panel: what can be issued and why not, issuing, previewing, printing."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.services.actions import perform_action
from core.services.case_view import list_cases
from core.services.office import update_office
from documents.kinds import KINDS
from gui import desktop, pdf_view
from gui.documents_panel import DocumentsPanel
from gui.qt import QPrinter, Qt
from tests.conftest import TODAY
from tests.gui.conftest import pdf_page_count


def _first_case(runner: Any, status: str) -> str:
    return str(runner.call(lambda ws: sorted(row["number"] for row in list_cases(ws, status))[0]))


@pytest.fixture
def open_panel(qtbot: Any, demo_runner: Any, wait_idle: Any) -> Any:
    def open_(status: str) -> DocumentsPanel:
        panel = DocumentsPanel(demo_runner, _first_case(demo_runner, status))
        qtbot.addWidget(panel)
        panel.resize(1000, 700)
        wait_idle()
        return panel
    return open_


@pytest.fixture
def printer_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The print dialog answered with a PDF printer writing to a file."""
    out = tmp_path / "printed.pdf"

    def choose(parent: Any) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(100)       # small pages: the test checks pages, not ink
        return printer

    monkeypatch.setattr(pdf_view, "choose_printer", choose)
    return out


def test_every_document_of_a_registered_case_is_listed_and_the_unready_say_why(open_panel, qtmodeltester) -> None:
    panel = open_panel("registered")
    qtmodeltester.check(panel.kinds)
    model = panel.kinds
    labels = [model.data(model.index(row)) for row in range(model.rowCount())]
    assert labels == [k.label for k in KINDS.values() if not k.per_cadre]
    row = model.row_of("determination-letter")
    assert not model.flags(model.index(row)) & Qt.ItemFlag.ItemIsEnabled
    assert model.data(model.index(row), Qt.ItemDataRole.ToolTipRole) == "案件尚未作出认定，不能出具认定书"
    assert model.flags(model.index(model.row_of("application-form"))) & Qt.ItemFlag.ItemIsEnabled
    assert not panel.select_kind("determination-letter")
    assert not panel.generate_button.isEnabled()
    assert panel.no_numbers.isVisibleTo(panel) and not panel.numbers_view.isVisibleTo(panel)


def test_a_determination_letter_is_issued_as_pdf_and_its_pages_are_previewed(open_panel, wait_idle, data_dir,
                                                                             qtmodeltester) -> None:
    panel = open_panel("determined")
    assert panel.select_kind("determination-letter")
    assert not panel.recipient.isVisibleTo(panel)      # one letter: 主送 the organ, 抄送 the applicant
    panel.generate_button.click()
    wait_idle()
    issued = panel.issued
    assert issued is not None and issued.number.startswith("贺纪容认〔2026〕")
    assert issued.path == data_dir / "documents" / panel.case_number / f"容错免责认定书-{issued.number}.pdf"
    pages = pdf_page_count(issued.path)
    assert pages >= 1
    assert panel.output.currentWidget() is panel.preview
    labels = panel.preview.view.page_labels()
    assert len(labels) == pages and all(not label.pixmap().isNull() for label in labels)
    assert issued.number in panel.status.text()
    qtmodeltester.check(panel.numbers)
    assert [panel.numbers.data(panel.numbers.index(0, c)) for c in (0, 1, 3)] == [issued.number, "容错免责认定书", "有效"]
    assert panel.numbers_view.isVisibleTo(panel)


def test_the_previewed_pdf_prints_every_page(open_panel, wait_idle, printer_to) -> None:
    panel = open_panel("archived")
    panel.select_kind("investigation-report")
    panel.generate()
    wait_idle()
    panel.preview.print_button.click()
    wait_idle()
    assert pdf_page_count(printer_to) == pdf_page_count(panel.issued.path) == panel.preview.view.page_count
    assert "已送打印" in panel.preview.title.text()


def test_a_docx_opens_in_word_or_wps(open_panel, wait_idle, monkeypatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(desktop, "open_path", lambda path: opened.append(path) or True)
    panel = open_panel("investigating")
    panel.select_kind("acceptance-notice")
    panel.docx_choice.setChecked(True)
    panel.generate()
    wait_idle()
    assert panel.issued.path.suffix == ".docx" and panel.issued.path.stat().st_size > 0
    assert panel.issued.path.name.startswith("受理通知书-贺纪容受〔2026〕")
    assert "受理通知书" in panel.docx_label.text()
    panel.open_button.click()
    panel.docx_folder_button.click()
    assert opened == [panel.issued.path, panel.issued.path.parent]


def test_two_determination_letters_let_the_officer_choose_the_recipient(demo_runner, open_panel, wait_idle) -> None:
    demo_runner.call(lambda ws: update_office(ws, {"determination_letters": "2"}))
    panel = open_panel("determined")
    panel.select_kind("determination-letter")
    assert panel.recipient.isVisibleTo(panel) and panel.recipient_caption.text() == "主送："
    panel.recipient.setCurrentIndex(panel.recipient.findData("applicant"))
    panel.generate()
    wait_idle()
    assert panel.issued.path.exists()
    texts = [panel.numbers.data(panel.numbers.index(row, 1)) for row in range(panel.numbers.rowCount())]
    assert "容错免责认定书（主送申请单位或个人）" in texts


def test_the_delivery_receipt_names_whom_it_is_for(open_panel, wait_idle) -> None:
    panel = open_panel("determined")
    panel.select_kind("delivery-receipt")
    assert panel.recipient_caption.text() == "受送达人："
    panel.recipient.setCurrentIndex(panel.recipient.findData("applicant"))
    panel.generate()
    wait_idle()
    assert panel.issued.path.name.startswith("送达回证（申请单位或个人）-")


def test_a_refusal_is_shown_and_the_panel_stays_usable(demo_runner, open_panel, wait_idle, prompter) -> None:
    demo_runner.call(lambda ws: update_office(ws, {"determination_letters": "2"}))
    panel = open_panel("determined")
    panel.select_kind("determination-letter")
    panel.recipient.setCurrentIndex(panel.recipient.findData("applicant"))
    # Meanwhile, in the settings window, the office goes back to one letter.
    demo_runner.call(lambda ws: update_office(ws, {"determination_letters": "1"}))
    panel.generate()
    wait_idle()
    [message] = prompter.of_kind("error")
    assert "只出具一份认定书" in message
    assert panel.issued is None and panel.generate_button.isEnabled()


def test_refresh_follows_the_case_after_an_action(demo_runner, open_panel, wait_idle) -> None:
    panel = open_panel("registered")
    assert not panel.select_kind("acceptance-notice")
    demo_runner.call(lambda ws: perform_action(ws, panel.case_number, "accept", TODAY, {}))
    panel.refresh()
    wait_idle()
    assert panel.select_kind("acceptance-notice")
    assert panel.generate_button.isEnabled()


def test_the_preview_zooms_to_the_width_of_the_view(open_panel, wait_idle, qtbot) -> None:
    panel = open_panel("determined")
    panel.show()
    panel.select_kind("determination-letter")
    panel.generate()
    wait_idle()
    view = panel.preview.view
    first = view.page_labels()[0]
    before = view.fit_width_px
    assert first.pixmap().width() == before
    with qtbot.waitSignal(view.rendered, timeout=10000):     # sharper pages once the resizing stops
        panel.resize(1600, 900)
    wait_idle()
    assert view.fit_width_px > before and first.pixmap().width() == view.fit_width_px
    assert view.rendered_width_px == view.fit_width_px


def test_the_archive_volume_is_bound_and_previewed(open_panel, wait_idle) -> None:
    panel = open_panel("archived")
    panel.bind_volume()
    wait_idle()
    wait_idle()
    assert panel.volume.path.is_file() and panel.volume.path.parent.name == panel.case_number
    assert pdf_page_count(panel.volume.path) == panel.volume.pages == panel.preview.view.page_count
