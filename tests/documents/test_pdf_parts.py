"""Several documents and painted pages in one PDF (``render_pdf_parts``), as the archive volume uses it."""
from __future__ import annotations

import io

import pdfplumber
import pytest
from pypdf import PdfReader

from documents import layout as L
from documents.fonts import FontSet, load_fonts
from documents.model import Cell, Document, Paragraph, Table
from documents.pdf_render import PageCanvas, layout_pdf, render_pdf, render_pdf_parts

LONG = "经调查核实，李卫东同志在老旧小区改造项目审批中实行容缺受理，其后因施工单位变更导致补正材料延迟提交。" * 30


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return load_fonts(search_dirs=[], include_system=False)


def letter(title: str) -> Document:
    return Document("determination-letter", "file", [Paragraph("title", title), Paragraph("addressee", "贺兰县纪委监委："),
                                                      Paragraph("body", LONG)])


def form() -> Document:
    return Document("delivery-receipt", "form", [Paragraph("form_title", "送达回证"),
                                                 Table([[Cell("受送达人"), Cell("贺兰县纪委监委")]], [0.3, 0.7],
                                                       size_pt=L.SIZE_PT["五号"])])


def embedded(data: bytes) -> dict[str, set[int]]:
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            if font.get("/DescendantFonts") or font.get("/FontDescriptor"):
                found.setdefault(str(font["/BaseFont"]), set()).add(ref.idnum)
    return found


def test_parts_start_on_new_pages_and_report_their_ranges(fonts: FontSet) -> None:
    first, second = letter("关于甲的认定书"), letter("关于乙的认定书")
    counts = [layout_pdf(d, fonts).page_count for d in (first, second)]
    drawn: list[int] = []

    def cover(pc: PageCanvas) -> None:
        pc.text("案卷封面", pc.width / 2, 100.0, font_role="title", size=L.TITLE_PT, align="center")

    def on_page(pc: PageCanvas, n: int) -> None:
        drawn.append(n)
        pc.text(str(n), pc.width - 40.0, 20.0, font_role="page_number", size=L.PAGE_NUMBER_PT, align="right")

    data, ranges = render_pdf_parts([cover, first, form(), second], fonts, title="卷", on_page=on_page)
    assert ranges == [(1, 1), (2, 1 + counts[0]), (2 + counts[0], 2 + counts[0]),
                      (3 + counts[0], 2 + counts[0] + counts[1])]
    total = ranges[-1][1]
    assert drawn == list(range(1, total + 1))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == total
        assert "案卷封面" in (pdf.pages[0].extract_text() or "")
        assert "关于乙的认定书" in (pdf.pages[ranges[3][0] - 1].extract_text() or "")
        corner = [(p.crop((p.width - 80, 0, p.width, 40)).extract_text() or "").strip() for p in pdf.pages]
        assert corner == [str(n) for n in range(1, total + 1)]
        sizes = {round(c["size"], 1) for c in pdf.pages[ranges[2][0] - 1].chars if c["text"] == "受"}
        assert sizes == {10.5}                                  # the table's own type size


def test_fonts_are_embedded_once_not_once_per_document(fonts: FontSet) -> None:
    docs = [letter(f"关于第{n}件的认定书") for n in range(1, 6)]
    joined, _ = render_pdf_parts(docs, fonts)
    separate = sum(len(render_pdf(d, fonts)) for d in docs)
    assert all(len(ids) == 1 for ids in embedded(joined).values())
    assert joined.count(b"/FontFile2") == len(embedded(joined))
    assert len(joined) < separate / 2
