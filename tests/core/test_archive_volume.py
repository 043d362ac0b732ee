"""The archive volume of a case: one PDF, read back with pypdf, pypdfium2 and pdfplumber."""
from __future__ import annotations

import io
import itertools
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from core.errors import NotFound, UserError
from core.services.actions import perform_action
from core.services.archive_volume import VolumeInfo, build_volume, default_volume_number
from core.services.demo import DEMO_NAMESPACE, load_demo
from core.services.letters import render_letter
from core.services.office import set_determination_letters
from core.services.workspace import Workspace
from documents import layout as L
from models.audit import AuditRecord
from models.case import Case
from models.documents import IssuedNumber

TODAY = date(2026, 11, 27)
A4_W, A4_H = L.PAGE_WIDTH_MM * L.MM, L.PAGE_HEIGHT_MM * L.MM
STAMP_BOX = (A4_W - 30 * L.MM, 0.0, A4_W, 25 * L.MM)      # where the 卷内文件页号 is, upper right


def demo_number(key: str) -> str:
    return str(Case.get(Case.uuid == str(uuid.uuid5(DEMO_NAMESPACE, key))).number)


def a_pdf(path: Path, pages: int, *, with_landscape: bool = False, lines: int = 3) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for i in range(pages):
        c.setFont("Helvetica", 12)
        for k in range(lines):
            c.drawString(72, 760 - 16 * k, f"Attached page {i + 1}, line {k + 1}: lorem ipsum dolor sit amet")
        c.showPage()
    if with_landscape:
        c.setPageSize(landscape(A4))
        c.drawString(72, 500, "A landscape page")
        c.showPage()
    c.save()
    return path


def a_png(path: Path) -> Path:
    image = Image.new("RGB", (1200, 800), "white")
    ImageDraw.Draw(image).rectangle((0, 0, 1199, 799), outline="red", width=12)
    image.save(path)
    return path


@dataclass
class Built:
    ws: Workspace
    number: str
    path: Path
    info: VolumeInfo
    audit_before: int
    audit_after: int
    numbers_before: int
    numbers_after: int


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """A demo case taken to the archive with an attached PDF (3 A4 pages and a landscape one), a PNG
    and a text file as evidence; its determination letter issued (numbered), its acceptance notice not."""
    root = tmp_path_factory.mktemp("volume")
    ws = Workspace(root / "data", actor="测试员", today=lambda: TODAY)
    load_demo(ws)
    number = demo_number("inv-soon")
    files = root / "files"
    files.mkdir()
    (files / "说明.txt").write_text("电子文本", encoding="utf-8")
    perform_action(ws, number, "evidence", "2026-11-20", {
        "title": "项目审批材料扫描件", "source": "县住建局",
        "files": [str(a_pdf(files / "扫描件.pdf", 3, with_landscape=True)), str(a_png(files / "现场.png"))]})
    perform_action(ws, number, "evidence", "2026-11-21", {"title": "情况说明电子文本", "source": "申请人提交",
                                                          "files": [str(files / "说明.txt")]})
    perform_action(ws, number, "report", "2026-11-23", {"findings": "查明的事实。", "proposal": "exempted"})
    perform_action(ws, number, "determine", "2026-11-24",
                   {"outcome": "exempted", "reasoning": "经集体研究作出认定。", "approver": "张明"})
    perform_action(ws, number, "deliver", "2026-11-25", {"to": "organ"})
    perform_action(ws, number, "deliver", "2026-11-25", {"to": "applicant"})
    perform_action(ws, number, "archive", "2026-11-26", {"retention_period": "30年", "classification": "内部"})
    render_letter(ws, number, "determination-letter", "pdf", root / "认定书.pdf")
    audit_before, numbers_before = AuditRecord.select().count(), IssuedNumber.select().count()
    path = root / "卷" / "案卷.pdf"
    info = build_volume(ws, number, path)
    yield Built(ws, number, path, info, audit_before, AuditRecord.select().count(), numbers_before,
                IssuedNumber.select().count())
    ws.close()


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 0-based page) of every bookmark, in order."""
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(item.title), reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return out


def stamp(page: Any) -> str:
    return (page.crop(STAMP_BOX).extract_text() or "").strip()


def contents_rows(pdf: Any, info: VolumeInfo) -> list[list[str]]:
    rows: list[list[str]] = []
    for page in pdf.pages[1:info.page_offset]:
        for table in page.extract_tables():
            rows.extend([cell or "" for cell in row] for row in table if row[0] != "序号")
    return rows


# --- the file -----------------------------------------------------------------------------------------

def test_one_a4_pdf_with_every_page(built: Built) -> None:
    info = built.info
    assert built.path.is_file() and not list(built.path.parent.glob(".*.tmp"))
    document = pypdfium2.PdfDocument(str(built.path))
    try:
        assert len(document) == info.pages
        sizes = {tuple(round(v) for v in document[i].get_size()) for i in range(len(document))}
    finally:
        document.close()
    assert sizes == {(round(A4_W), round(A4_H))}          # the landscape page was turned onto A4 portrait
    reader = PdfReader(str(built.path))
    assert len(reader.pages) == info.pages == info.page_offset + info.bound_pages + 1
    assert reader.metadata is not None and str(reader.metadata.title).endswith("容错免责申请办理材料")


def test_items_in_binding_order_with_their_pages(built: Built) -> None:
    titles = [item.title for item in built.info.items]
    assert titles[0].endswith("认定书") and titles[1].startswith("送达回证") and titles[2].startswith("送达回证")
    assert titles.index("项目审批材料扫描件") < titles.index("情况说明电子文本") < titles.index("容错免责申请受理通知书")
    assert titles[-1] == "容错免责申请表"
    by_title = {item.title: item for item in built.info.items}
    scan = by_title["项目审批材料扫描件"]
    assert scan.first_page is not None and scan.last_page == scan.first_page + 4     # 4 PDF pages + the PNG
    text = by_title["情况说明电子文本"]
    assert (text.first_page, text.last_page, text.note) == (None, None, "电子文件，未装订")
    assert by_title["容错免责申请受理通知书"].note == "未编发文字号"
    assert by_title["会议纪要复印件"].note == "纸质材料4页，未附电子文件"
    pages = [(i.first_page, i.last_page) for i in built.info.items if i.first_page is not None]
    assert pages[0][0] == 1 and pages[-1][1] == built.info.bound_pages
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(pages))


def test_contents_page_numbers_are_where_items_start(built: Built) -> None:
    info = built.info
    reader = PdfReader(str(built.path))
    marks = outline(reader)
    assert marks[0][1:] == ("案卷封面", 0) and marks[1][1:] == ("卷内文件目录", 1)
    assert marks[-1][1:] == ("卷内备考表", info.pages - 1)
    bound = [item for item in info.items if item.first_page is not None]
    top = [m for m in marks[2:-1] if m[0] == 0]
    assert len(top) == len(bound)                           # one bookmark per bound item
    with pdfplumber.open(str(built.path)) as pdf:
        rows = contents_rows(pdf, info)
        assert [r[0] for r in rows] == [str(k) for k in range(1, len(info.items) + 1)]
        for k, (row, item) in enumerate(zip(rows, info.items, strict=True)):
            title = re.sub(r"\s", "", row[3])
            assert title == item.title
            if item.first_page is None:
                assert row[5] == ""
                continue
            expected = f"{item.first_page}-{item.last_page}" if item is bound[-1] else str(item.first_page)
            assert row[5] == expected
            page = next(m[2] for m in top if m[1].startswith(f"{k + 1}　"))
            assert page == info.page_offset + item.first_page - 1
            assert stamp(pdf.pages[page]) == str(item.first_page)      # the page really carries that 页号
        number_row = next(r for r in rows if r[3].replace("\n", "").endswith("认定书"))
        live = IssuedNumber.get(IssuedNumber.kind == "determination-letter")
        assert number_row[1].replace("\n", "") == live.number


def test_every_bound_page_is_stamped_in_order(built: Built) -> None:
    info = built.info
    with pdfplumber.open(str(built.path)) as pdf:
        stamps = [stamp(page) for page in pdf.pages]
    assert stamps[info.page_offset:info.page_offset + info.bound_pages] == [
        str(n) for n in range(1, info.bound_pages + 1)]
    assert stamps[:info.page_offset] == [""] * info.page_offset           # cover and 目录: no 页号
    assert stamps[-1] == ""                                                 # 备考表: no 页号
    labels = PdfReader(str(built.path)).page_labels
    assert labels[0] == "封面" and labels[-1] == "备考表"
    assert labels[info.page_offset:info.page_offset + info.bound_pages] == stamps[
        info.page_offset:info.page_offset + info.bound_pages]


def test_cover_and_remarks_say_what_the_volume_holds(built: Built) -> None:
    info = built.info
    with pdfplumber.open(str(built.path)) as pdf:
        cover = re.sub(r"\s", "", pdf.pages[0].extract_text())
        remarks = re.sub(r"\s", "", pdf.pages[-1].extract_text())
    assert "容错免责申请办理材料" in cover
    assert "中共贺兰县纪律检查委员会贺兰县监察委员会" in cover
    assert "30年" in cover and "内部" in cover
    assert f"{len(info.items)}件" in cover and f"{info.bound_pages}页" in cover
    assert default_volume_number("贺纪", built.number) == info.volume_number == f"贺纪·容错·{built.number.replace('-', '·')}"
    assert info.volume_number in cover
    assert f"本卷共{len(info.items)}件，{info.bound_pages}页" in remarks
    assert "“说明.txt”：电子文件，未装订" in remarks
    assert "立卷人" in remarks and "检查人" in remarks and "2026年11月26日" in remarks


def test_fonts_are_embedded_once(built: Built) -> None:
    """Every embedded font program (each reportlab subset of each face) appears once, shared by all
    the pages that use it; the separate letters would each carry their own copies."""
    reader = PdfReader(str(built.path))
    objects: dict[str, set[int]] = {}
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is None:
                continue                                    # a standard font, not embedded
            objects.setdefault(str(font["/BaseFont"]), set()).add(ref.idnum)
    assert objects and all(len(ids) == 1 for ids in objects.values()), objects
    subsets = [name.split("+", 1)[-1] for name in objects]
    assert len(subsets) < 12                                # a few subsets of three Noto instances
    raw = built.path.read_bytes()
    assert raw.count(b"/FontFile2") == len(objects)


def test_building_changes_nothing(built: Built) -> None:
    assert built.audit_after == built.audit_before
    assert built.numbers_after == built.numbers_before
    assert built.ws.audit.verify().ok
    assert not IssuedNumber.select().where(IssuedNumber.kind == "acceptance-notice").exists()


def test_two_determination_letters_are_both_bound(built: Built, tmp_path: Path) -> None:
    set_determination_letters(built.ws, 2)
    try:
        info = build_volume(built.ws, built.number, tmp_path / "v.pdf")
    finally:
        set_determination_letters(built.ws, 1)
    letters = [i for i in info.items if i.title.startswith("关于") and "认定书" in i.title]
    assert len(letters) == 2
    assert letters[0].title.endswith("（主送问责实施机关）") and letters[1].title.endswith("（主送申请人）")
    assert letters[0].note == "" and letters[1].note == "未编发文字号"   # the organ's keeps the issued number


def test_damaged_and_missing_files_are_listed_not_bound(built: Built, tmp_path: Path) -> None:
    ws = built.ws
    number = demo_number("inv-ext")
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    gone = a_png(tmp_path / "gone.png")
    perform_action(ws, number, "evidence", "2026-11-20", {"title": "损坏的扫描件", "files": [str(broken)]})
    perform_action(ws, number, "evidence", "2026-11-20", {"title": "丢失的照片", "files": [str(gone)]})
    from core.services.actions import stored_file_path
    from models.procedure import EvidenceFile

    row = EvidenceFile.get(EvidenceFile.original_name == "gone.png")
    stored_file_path(ws.files_dir, row.sha256).unlink()
    info = build_volume(ws, number, tmp_path / "v.pdf")
    notes = {i.title: (i.first_page, i.note) for i in info.items}
    assert notes["损坏的扫描件"] == (None, "PDF 文件已损坏，未装订")
    assert notes["丢失的照片"] == (None, "附件文件缺失，未装订")
    with pdfplumber.open(str(tmp_path / "v.pdf")) as pdf:
        remarks = re.sub(r"\s", "", pdf.pages[-1].extract_text())
    assert "本案尚未归档（当前状态：核实中）" in remarks


def test_a_hundred_page_volume_stays_small(built: Built, tmp_path: Path) -> None:
    """60 attached pages and eight long 笔录: one font program per subset, so well under 2 MB."""
    ws = built.ws
    number = demo_number("inv-overdue")
    perform_action(ws, number, "evidence", "2026-11-20", {
        "title": "六十页扫描件", "files": [str(a_pdf(tmp_path / "60.pdf", 60, lines=40))]})
    text = "问：请说明事情经过。答：" + "为加快办理进度，经集体研究后先行受理，事后及时补正了材料，相关情况均有会议纪要可查。" * 40
    for k in range(8):
        perform_action(ws, number, "note", f"2026-11-{11 + k}", {"text": text, "interviewee": "马海燕"})
    started = time.perf_counter()
    info = build_volume(ws, number, tmp_path / "big.pdf")
    elapsed = time.perf_counter() - started
    size = (tmp_path / "big.pdf").stat().st_size
    assert info.pages >= 100
    assert size < 2 * 1024 * 1024, size
    assert elapsed < 30


def test_refusals(built: Built, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        build_volume(built.ws, "2099-0001", tmp_path / "x.pdf")
    with pytest.raises(UserError, match="文件夹"):
        build_volume(built.ws, built.number, tmp_path)
    assert not list(tmp_path.iterdir())


def test_an_existing_file_is_replaced_whole(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "v.pdf"
    out.write_bytes(b"old")
    build_volume(built.ws, demo_number("reg-1"), out)
    assert out.read_bytes().startswith(b"%PDF-") and [p.name for p in tmp_path.iterdir()] == ["v.pdf"]
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) >= 4       # cover, 目录, 申请表, 备考表
