"""A case's archive volume (案卷) as one printable A4 PDF, laid out after GB/T 9705-2008 practice.

In order: the cover (案卷封面), the table of contents (卷内文件目录), every item (件) in binding
order — the program's own documents, then each attached PDF page by page and each attached image on
a page of its own — and the end note (卷内备考表). The caller (``core.services.archive_volume``)
decides what the items are and their order; this module lays the volume out from plain data.

* 卷内文件页号: the bound pages are numbered 1, 2, … in the upper right corner (``layout.ARCHIVE_PAGE_*``);
  the cover, the 目录 and the 备考表 are not numbered, as archivists number a volume. The PDF's page
  labels say the same (封面, 目录, 1, 2, …, 备考表), so a viewer's page box shows the 页号.
* The 目录's 页号 column gives the first page of each item and, for the last bound item, its first
  and last page. Items with nothing to bind (a text file, paper evidence without a scan) are listed
  with a 备注 and explained in the 备考表.
* Fonts are embedded once for the whole volume: the cover, the 目录, every document, the image pages
  and the page-number stamps are drawn into one reportlab document (``pdf_render.render_pdf_parts``);
  each attached PDF page is then laid under a placeholder page of that document with pypdf (shrunk
  onto A4 when larger, turned upright when rotated or landscape), keeping its own fonts. The outline
  (one bookmark per bound item) and the page labels are added with pypdf at the end.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from documents import layout as L
from documents.fonts import FontSet
from documents.model import Cell, Document, Paragraph, Table
from documents.pdf_render import (
    LaidOutDocument,
    PageCanvas,
    PagePainter,
    layout_pdf,
    render_pdf_parts,
)

MM = L.MM
PAGE_W = L.PAGE_WIDTH_MM * MM
PAGE_H = L.PAGE_HEIGHT_MM * MM
ZWSP = "\u200b"

CONTENTS_TITLE = "卷内文件目录"
REMARKS_TITLE = "卷内备考表"
COVER_LABEL = "案卷封面"
CONTENTS_HEADER = ("序号", "文号", "责任者", "题名", "日期", "页号", "备注")
NOT_BOUND = "电子文件，未装订"

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class AttachedFile:
    """An evidence file to bind: its original name and the stored copy (None when it is missing)."""

    name: str
    path: Path | None


@dataclass
class VolumeEntry:
    """One item (件) of the volume: a row of the 目录, and what is bound for it."""

    title: str                                  # 题名
    author: str = ""                            # 责任者
    doc_number: str = ""                        # 文号
    on: date | None = None                      # 日期
    documents: list[Document] = field(default_factory=list)
    files: list[AttachedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)           # 备注, as the caller gives it
    remarks: list[str] = field(default_factory=list)         # lines for the 备考表


@dataclass
class VolumeCover:
    """What the cover and the 备考表 say about the volume as a whole."""

    title: str                      # 案卷题名
    unit: str                       # 立卷单位
    volume_number: str              # 案卷号 (档号)
    case_number: str
    retention: str                  # 保管期限
    classification: str             # 密级
    compiled_on: date               # 立卷日期
    generated_on: date              # the day the file was made
    remarks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BoundItem:
    """An item as bound: its 页号 (None when nothing of it is bound) and its 备注."""

    title: str
    first_page: int | None
    last_page: int | None
    note: str


@dataclass
class BuiltVolume:
    data: bytes
    pages: int                      # pages in the file
    bound_pages: int                # pages numbered 1 … bound_pages (本卷页数)
    page_offset: int                # file page = page_offset + 页号
    items: list[BoundItem]


# ---------------------------------------------------------------------------------------------
# What each item binds.

@dataclass
class _PdfPages:
    reader: Any                     # pypdf.PdfReader
    count: int


@dataclass
class _Prepared:
    entry: VolumeEntry
    parts: list[LaidOutDocument | PagePainter | _PdfPages] = field(default_factory=list)
    outline: list[tuple[str, int]] = field(default_factory=list)     # (file name, offset in the item)
    pages: int = 0
    notes: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)


def sniff(path: Path) -> str:
    """``pdf``, ``png``, ``jpeg`` or ``other``, from the first bytes (stored copies have no suffix)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if PDF_MAGIC in head:
        return "pdf"
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    return "other"


def _prepare(entry: VolumeEntry, fonts: FontSet) -> _Prepared:
    prep = _Prepared(entry, notes=list(entry.notes), remarks=list(entry.remarks))
    for doc in entry.documents:
        laid = layout_pdf(doc, fonts)
        prep.parts.append(laid)
        prep.pages += laid.page_count
    reasons: list[str] = []
    for attached in entry.files:
        reason = _bind_file(prep, attached)
        if reason:
            reasons.append(reason)
            prep.remarks.append(f"“{_plain(entry.title)}”的附件“{attached.name}”：{reason}。")
    if reasons and not prep.pages and len(set(reasons)) == 1:
        prep.notes.append(reasons[0])
    elif reasons and not prep.pages:
        prep.notes.append(f"{len(reasons)}个文件未装订（见备考表）")
    elif reasons:
        prep.notes.append(f"另有{len(reasons)}个文件未装订")
    return prep


def _bind_file(prep: _Prepared, attached: AttachedFile) -> str | None:
    """Add the file's pages to the item; or say why it is not bound."""
    path = attached.path
    if path is None or not path.is_file():
        return "附件文件缺失，未装订"
    try:
        kind = sniff(path)
    except OSError:
        return "文件无法读取，未装订"
    if kind == "pdf":
        pages = _open_pdf(path)
        if isinstance(pages, str):
            return pages
        prep.outline.append((attached.name, prep.pages))
        prep.parts.append(pages)
        prep.pages += pages.count
        return None
    if kind in ("png", "jpeg"):
        if not _image_readable(path):
            return "图片已损坏，未装订"
        prep.outline.append((attached.name, prep.pages))
        prep.parts.append(_image_painter(path))
        prep.pages += 1
        return None
    return NOT_BOUND


def _open_pdf(path: Path) -> _PdfPages | str:
    """The file's pages, each tried on a scratch page the way it will be bound (pypdf reads a page's
    content only then), so that a damaged file is listed as such rather than failing the volume."""
    from pypdf import PageObject, PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            return "PDF 文件已加密，未装订"
        count = len(reader.pages)
        for page in reader.pages:
            PageObject.create_blank_page(width=PAGE_W, height=PAGE_H).merge_transformed_page(page, _fit_to_a4(page))
    except Exception:   # a damaged or unusual file from outside: listed, not bound, never a crash
        return "PDF 文件已损坏，未装订"
    if count == 0:
        return "PDF 文件没有页面，未装订"
    return _PdfPages(reader, count)


def _image_readable(path: Path) -> bool:
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
    except Exception:   # a damaged image: listed, not bound
        return False
    return True


def _image_painter(path: Path) -> PagePainter:
    """The image upright (its EXIF orientation applied) and fitted into the page less
    ``IMAGE_MARGINS_MM``, centred across, at the top; never larger than at ``IMAGE_MIN_DPI``, and
    resampled down to ``IMAGE_MAX_DPI`` at the printed size. A JPEG that needs neither is embedded
    as it is; the image is read only when its page is drawn."""
    top, right, bottom, left = (m * MM for m in L.IMAGE_MARGINS_MM)

    def paint(pc: PageCanvas) -> None:
        from PIL import Image, ImageOps
        from reportlab.lib.utils import ImageReader

        with Image.open(path) as original:
            jpeg = original.format == "JPEG"
            picture = ImageOps.exif_transpose(original) or original
            changed = picture is not original
            box_w, box_h = PAGE_W - left - right, PAGE_H - top - bottom
            px_w, px_h = picture.size
            scale = min(box_w / px_w, box_h / px_h, 72.0 / L.IMAGE_MIN_DPI)
            w, h = px_w * scale, px_h * scale
            most = (max(1, round(w / 72 * L.IMAGE_MAX_DPI)), max(1, round(h / 72 * L.IMAGE_MAX_DPI)))
            if px_w > most[0] and px_h > most[1]:
                picture, changed = picture.resize(most, Image.Resampling.LANCZOS), True
            if jpeg and not changed:
                source = ImageReader(str(path))
            else:
                if picture.mode not in ("RGB", "RGBA", "L", "CMYK"):
                    alpha = "A" in picture.getbands() or "transparency" in picture.info
                    picture = picture.convert("RGBA" if alpha else "RGB")
                buf = io.BytesIO()
                if jpeg and picture.mode in ("RGB", "L", "CMYK"):
                    picture.save(buf, "JPEG", quality=90)
                else:
                    picture.save(buf, "PNG")
                buf.seek(0)
                source = ImageReader(buf)
            pc.image(source, left + (box_w - w) / 2, top, w, h)

    return paint


def _placeholder(pc: PageCanvas) -> None:
    """A page an attached PDF page is laid under later (it carries only the page-number stamp)."""


# ---------------------------------------------------------------------------------------------
# The volume


def build_volume_pdf(cover: VolumeCover, entries: Sequence[VolumeEntry], fonts: FontSet) -> BuiltVolume:
    """The whole volume as PDF bytes (see the module docstring). Raises
    ``pdf_render.MissingGlyphError`` when a character has no glyph in any face of ``fonts``."""
    with _quiet_pypdf():
        return _build(cover, entries, fonts)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs in a damaged file as warnings on stderr: the volume's 备注 and
    备考表 already say what could not be bound, and a command's stderr is for its one error line."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _build(cover: VolumeCover, entries: Sequence[VolumeEntry], fonts: FontSet) -> BuiltVolume:
    prepared = [_prepare(entry, fonts) for entry in entries]
    items: list[BoundItem] = []
    page = 0
    for prep in prepared:
        if prep.pages:
            items.append(BoundItem(prep.entry.title, page + 1, page + prep.pages, "；".join(prep.notes)))
            page += prep.pages
        else:
            items.append(BoundItem(prep.entry.title, None, None, "；".join(prep.notes)))
    bound_pages = page

    contents = _contents_pages(cover, prepared, items, fonts)
    remarks = layout_pdf(_remarks_document(cover, prepared, items, bound_pages), fonts)
    page_offset = 1 + len(contents)

    span = date_span([prep.entry.on for prep in prepared if prep.entry.on])
    parts: list[Document | LaidOutDocument | PagePainter] = [_cover_painter(cover, len(items), bound_pages, span)]
    parts.extend(contents)
    pdf_slots: list[tuple[int, _PdfPages]] = []          # (index of the first placeholder part, source)
    for prep in prepared:
        for part in prep.parts:
            if isinstance(part, _PdfPages):
                pdf_slots.append((len(parts), part))
                parts.extend([_placeholder] * part.count)
            else:
                parts.append(part)
    parts.append(remarks)

    def stamp(pc: PageCanvas, n: int) -> None:
        number = n - page_offset
        if 1 <= number <= bound_pages:
            pc.text(str(number), PAGE_W - L.ARCHIVE_PAGE_NUMBER_RIGHT_MM * MM, L.ARCHIVE_PAGE_NUMBER_TOP_MM * MM,
                    font_role="page_number", size=L.ARCHIVE_PAGE_NUMBER_PT, align="right")

    data, ranges = render_pdf_parts(parts, fonts, title=cover.title, subject="容错免责案件卷宗", on_page=stamp)
    total = ranges[-1][1]
    data = _finish(data, pdf_slots, ranges, prepared, items, cover, page_offset, len(contents), bound_pages, total)
    return BuiltVolume(data, total, bound_pages, page_offset, items)


def _finish(data: bytes, pdf_slots: list[tuple[int, _PdfPages]], ranges: list[tuple[int, int]],
            prepared: list[_Prepared], items: list[BoundItem], cover: VolumeCover, page_offset: int,
            contents_pages: int, bound_pages: int, total: int) -> bytes:
    """Lay the attached PDF pages under their placeholders; add the outline, page labels and metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for first_part, source in pdf_slots:
        first_page = ranges[first_part][0] - 1
        for k in range(source.count):
            src = source.reader.pages[k]
            writer.pages[first_page + k].merge_transformed_page(src, _fit_to_a4(src), over=False)

    writer.add_outline_item(title=COVER_LABEL, page_number=0)
    writer.add_outline_item(title=CONTENTS_TITLE, page_number=1)
    for n, (prep, item) in enumerate(zip(prepared, items, strict=True), start=1):
        if item.first_page is None:
            continue
        parent = writer.add_outline_item(title=f"{n}　{_plain(item.title)}（第{_page_range(item)}页）",
                                         page_number=page_offset + item.first_page - 1)
        if len(prep.outline) > 1 or (prep.outline and prep.entry.documents):
            for name, offset in prep.outline:
                writer.add_outline_item(title=name, page_number=page_offset + item.first_page - 1 + offset,
                                        parent=parent)
    writer.add_outline_item(title=REMARKS_TITLE, page_number=total - 1)
    writer.page_mode = "/UseOutlines"

    writer.set_page_label(0, 0, prefix="封面")
    if contents_pages > 1:
        writer.set_page_label(1, contents_pages, style=PageLabelStyle.DECIMAL, prefix="目录", start=1)
    else:
        writer.set_page_label(1, 1, prefix="目录")
    if bound_pages:
        writer.set_page_label(page_offset, page_offset + bound_pages - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.set_page_label(total - 1, total - 1, prefix="备考表")
    writer.add_metadata({"/Title": cover.title, "/Subject": "容错免责案件卷宗", "/Creator": "容错免责案件办理系统",
                         "/Author": cover.unit, "/Keywords": f"{cover.case_number} {cover.volume_number}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fit_to_a4(page: Any) -> Any:
    """The transformation that shows ``page`` upright on an A4 portrait page: its /Rotate applied, a
    landscape page turned with its top to the left (binding) edge, shrunk to fit when larger than A4,
    centred."""
    from pypdf import Transformation

    box = page.cropbox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    t = Transformation().translate(-x0, -y0)
    rotation = (page.rotation or 0) % 360
    if rotation == 90:
        t, w, h = t.rotate(-90).translate(0, w), h, w
    elif rotation == 180:
        t = t.rotate(180).translate(w, h)
    elif rotation == 270:
        t, w, h = t.rotate(90).translate(h, 0), h, w
    if w > h + L.PAGE_FIT_TOLERANCE_PT:
        t, w, h = t.rotate(90).translate(h, 0), h, w
    scale = 1.0
    if w > PAGE_W + L.PAGE_FIT_TOLERANCE_PT or h > PAGE_H + L.PAGE_FIT_TOLERANCE_PT:
        scale = min(PAGE_W / w, PAGE_H / h)
        t = t.scale(scale, scale)
    return t.translate((PAGE_W - w * scale) / 2, (PAGE_H - h * scale) / 2)


# ---------------------------------------------------------------------------------------------
# The forms: cover, 目录, 备考表


def _plain(text: str) -> str:
    return text.replace(ZWSP, "").replace("\n", "")


def _page_range(item: BoundItem) -> str:
    if item.first_page is None or item.last_page is None:
        return ""
    return str(item.first_page) if item.first_page == item.last_page else f"{item.first_page}-{item.last_page}"


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def date_span(dates: Sequence[date]) -> str:
    """起止日期: ``2026年2月13日至2026年3月20日`` (one date alone when they are equal)."""
    if not dates:
        return ""
    first, last = min(dates), max(dates)
    return chinese_date(first) if first == last else f"{chinese_date(first)}至{chinese_date(last)}"


def _cover_painter(cover: VolumeCover, count: int, pages: int, span: str) -> PagePainter:
    def paint(pc: PageCanvas) -> None:
        # the 全宗号 / 目录号 / 案卷号 box, upper right
        widths = [w * MM for w in L.COVER_BOX_WIDTHS_MM]
        row = L.COVER_BOX_ROW_MM * MM
        size = L.COVER_BOX_PT
        right = PAGE_W - L.COVER_BOX_RIGHT_MM * MM
        left = right - sum(widths)
        top = L.COVER_BOX_TOP_MM * MM
        xs = [left]
        for w in widths:
            xs.append(xs[-1] + w)
        for y in (top, top + row, top + 2 * row):
            pc.rule(left, y, right, y)
        for x in xs:
            pc.rule(x, top, x, top + 2 * row)
        for k, (label, value) in enumerate((("全宗号", ""), ("目录号", ""), ("案卷号", cover.volume_number))):
            centre = (xs[k] + xs[k + 1]) / 2
            pc.text(label, centre, top + (row - size) / 2, size=size, align="center")
            if value:
                fit = min(size, size * (widths[k] - 2 * L.FORM_CELL_PAD_X_MM * MM) / pc.text_width(value, "body", size))
                pc.text(value, centre, top + row + (row - fit) / 2, size=fit, align="center")

        # 案卷题名
        title_size = L.COVER_TITLE_PT
        y = L.COVER_TITLE_TOP_MM * MM
        for line in pc.wrap(cover.title, L.COVER_TITLE_WIDTH_MM * MM, "title", title_size, balanced=True):
            pc.text(line, PAGE_W / 2, y, font_role="title", size=title_size, align="center")
            y += title_size * L.COVER_TITLE_LINE_SPACING

        # the fields, each value on a rule
        fsize = L.COVER_FIELD_PT
        label_x = L.COVER_FIELDS_LEFT_MM * MM
        value_x = label_x + L.COVER_FIELD_LABEL_CHARS * pc.text_width("一", "body", fsize)
        rule_end = L.COVER_FIELDS_RIGHT_MM * MM
        pitch = L.COVER_FIELD_PITCH_MM * MM
        y = L.COVER_FIELDS_TOP_MM * MM
        fields = (("立卷单位", cover.unit), ("案件编号", cover.case_number), ("起止日期", span),
                  ("保管期限", cover.retention), ("密\u3000\u3000级", cover.classification),
                  ("件\u3000\u3000数", f"{count}件"), ("页\u3000\u3000数", f"{pages}页"))
        for label, value in fields:
            pc.text(f"{label}：", label_x, y, font_role="heading1", size=fsize)
            lines = _wrap_at_spaces(pc, value, rule_end - value_x - fsize, fsize) or [""]
            for line in lines:
                pc.text(line, value_x + fsize / 2, y, size=fsize)
                rule_y = y + fsize + (pitch - fsize) / 4
                pc.rule(value_x, rule_y, rule_end, rule_y, L.COVER_RULE_PT)
                y += pitch

    return paint


def _wrap_at_spaces(pc: PageCanvas, text: str, width: float, size: float) -> list[str]:
    """Lines of ``text``, broken at its spaces when it does not fit (two organs' names: one a line)."""
    if pc.text_width(text, "body", size) <= width or " " not in text.strip():
        return pc.wrap(text, width, "body", size)
    lines: list[str] = []
    for word in text.split():
        if lines and pc.text_width(f"{lines[-1]} {word}", "body", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.extend(pc.wrap(word, width, "body", size))
    return lines


def _contents_rows(prepared: list[_Prepared], items: list[BoundItem]) -> list[list[Cell]]:
    last_bound = max((k for k, item in enumerate(items) if item.first_page is not None), default=-1)
    rows = []
    for k, (prep, item) in enumerate(zip(prepared, items, strict=True)):
        entry = prep.entry
        pages = "" if item.first_page is None else _page_range(item) if k == last_bound else str(item.first_page)
        rows.append([Cell(str(k + 1), align="center"), Cell(entry.doc_number.replace("〔", "\n〔", 1), align="center"), Cell("\n".join(entry.author.split())),
                     Cell(_plain(entry.title)), Cell(entry.on.strftime("%Y%m%d") if entry.on else "", align="center"),
                     Cell(pages, align="center"), Cell(item.note, align="center")])
    return rows


def _contents_document(cover: VolumeCover, rows: list[list[Cell]]) -> Document:
    header = [Cell(text, bold=True, align="center") for text in CONTENTS_HEADER]
    total = sum(L.CONTENTS_COLUMNS_MM)
    widths = [w / total for w in L.CONTENTS_COLUMNS_MM]
    return Document("archive-contents", "form", [
        Paragraph("form_title", CONTENTS_TITLE),
        Paragraph("form_text", f"案件编号：{cover.case_number}\u3000\u3000案卷号：{cover.volume_number}"),
        Table([header, *rows], widths, size_pt=L.CONTENTS_PT),
    ], sealed=False)


def _contents_pages(cover: VolumeCover, prepared: list[_Prepared], items: list[BoundItem],
                    fonts: FontSet) -> list[LaidOutDocument]:
    """The 目录 on as many pages as it needs, the header row and title on each."""
    rows = _contents_rows(prepared, items)
    pages: list[LaidOutDocument] = []
    start = 0
    while True:
        laid = layout_pdf(_contents_document(cover, rows[start:start + 1]), fonts)
        end = start + 1
        while end < len(rows):
            trial = layout_pdf(_contents_document(cover, rows[start:end + 1]), fonts)
            if trial.page_count > 1:
                break
            laid, end = trial, end + 1
        pages.append(laid)
        start = end
        if start >= len(rows):
            return pages


def _remarks_document(cover: VolumeCover, prepared: list[_Prepared], items: list[BoundItem],
                      bound_pages: int) -> Document:
    unbound = [item for item in items if item.first_page is None]
    lines = [f"本卷共{len(items)}件，{bound_pages}页。"
             + (f"其中{len(unbound)}件没有可装订的页面，列入目录，不计页数。" if unbound else "")]
    lines.append("卷内文件页号编在每页正面右上角；案卷封面、卷内文件目录和卷内备考表不编页号。")
    for prep in prepared:
        lines.extend(prep.remarks)
    lines.extend(cover.remarks)
    lines.append(f"本卷由容错免责案件办理系统于{chinese_date(cover.generated_on)}生成。")
    numbered = [f"{k}. {line}" for k, line in enumerate(lines, start=1)]
    return Document("archive-remarks", "form", [
        Paragraph("form_title", REMARKS_TITLE),
        Paragraph("form_text", f"案件编号：{cover.case_number}\u3000\u3000案卷号：{cover.volume_number}"),
        Table([
            [Cell("本卷情况说明", bold=True, colspan=4)],
            [Cell("\n".join(numbered), colspan=4)],
            [Cell("立卷人", bold=True, align="center"), Cell(""), Cell("检查人", bold=True, align="center"), Cell("")],
            [Cell("立卷日期", bold=True, align="center"), Cell(chinese_date(cover.compiled_on), align="center"),
             Cell("检查日期", bold=True, align="center"), Cell("")],
        ], [0.18, 0.32, 0.18, 0.32], min_row_lines=[1, L.REMARKS_MIN_LINES, 2, 1]),
    ], sealed=False)
