"""Lay out a ``Document`` as a GB/T 9704-2012 PDF with reportlab's low-level canvas.

Every line is placed by hand on the 22 × 28 grid of the 版心 (``layout``): row ``i`` of a page is
the slot ``LINE_PITCH_PT`` high whose top is ``i`` pitches below the top of the 版心, and the em box
of the text in it is centred in the slot. Every 汉字 advances exactly one cell (``CHAR_PITCH_PT`` at
三号, scaled by ``GRID_SCALE`` at other sizes) so 28 characters fill the 156 mm line; Latin letters
and digits keep their own advance. Every character is drawn in the face ``FontSet.face_for(role,
ch)`` picks, so a rare character in a name gets a real glyph from a fallback face; reportlab embeds
a subset of each face used.

Where things go (GB/T 9704 and ``layout``):

* 文件格式: 发文机关标志 (red 小标宋) with its top 35 mm below the 版心 top; the 发文字号 two blank lines
  under it, centred; a red rule 4 mm under the number; the title two blank lines under the rule.
* 信函格式: the 标志 30 mm from the page top, a red thick-over-thin double rule 4 mm under it and a
  thin-over-thick one 20 mm above the page bottom (170 mm, page 1 only); the 发文字号 flush right
  7/8 of a character under the first double rule (§10.1; ``layout.letter_format_header``); no page
  number on page 1; the 版记 is the 抄送 alone, without rules.
* Without a 标志 the title starts on the first line (after the 发文字号, flush right, if any).
* Title 二号, centred, broken into a trapezoid or diamond (``line_breaking.break_title``; a
  U+200B ZERO WIDTH SPACE in the title marks the only places it may break). One blank line, then
  主送机关 flush left; 正文 and headings with a 2-character first-line indent; 附件说明 one blank line
  down, 2 characters in, wrapped names aligned with the first character of the name.
* 署名 and 成文日期: without seal (``Document.sealed`` false) one blank line down, the 署名 2
  characters in from the right, the date on the next line starting 2 characters right of the
  署名's start (a date longer than the 署名 sits 2 characters in and the 署名 centres over it); with
  seal the date 4 characters in from the right, the 署名 centred over it, and
  ``BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL`` blank lines above for the stamp. The block never starts
  a page on its own: the last line before it moves with it. 附注 on the next line, 2 characters in.
* 版记 (cc, printer) at the foot of the last page, its last rule on the bottom edge of the 版心,
  or on a page of its own (without page number) when it does not fit.
* Page numbers ``— N —`` 四号, the dashes 7 mm under the 版心, odd pages 1 character in from the
  right, even pages 1 character in from the left.
* Forms (``format == "form"``): form_title centred 二号, tables across the 版心 (colspan, rowspan,
  ``min_row_lines`` of writing room), split across pages between rows (a single row taller than a
  page is split between its lines), ``page_footer`` on the last line of every page; page numbers
  only when the form runs to more than one page.

Several documents go into one PDF with ``render_pdf_parts`` (the archive volume): each starts on a
new page and keeps its own layout and page numbers, pages of other kinds are drawn by ``PagePainter``s
on a ``PageCanvas`` (the same faces and grid), and each face is embedded once for the whole file.

Paragraph text may hold ``\\n``: each line is laid out as a paragraph of the same role. A printer
paragraph is split into the 印发机关 (left) and the 印发日期 (right) at a tab, or else before a
trailing ``…年…月…日印发``.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from documents import layout as L
from documents.fonts import FontSet
from documents.kinds import KINDS
from documents.line_breaking import Line, Token, break_paragraph, break_title, is_wide, place
from documents.model import Cell, Document, Paragraph, Table

# Compressed streams stay binary: ASCII85 only serves 7-bit channels and costs time and size.
rl_config.useA85 = 0

RGB = tuple[float, float, float]
BLACK: RGB = (0.0, 0.0, 0.0)
RED: RGB = L.RED_RGB
CREATOR = "容错免责案件办理系统"
ZWSP = "\u200b"

PAGE_W = L.PAGE_WIDTH_MM * L.MM
PAGE_H = L.PAGE_HEIGHT_MM * L.MM
LEFT = L.LEFT_MARGIN_MM * L.MM                  # 版心 left edge
TOP = L.TOP_MARGIN_MM * L.MM                    # 版心 top edge (from the page top)
WIDTH = L.TEXT_WIDTH_MM * L.MM
HEIGHT = L.TEXT_HEIGHT_MM * L.MM
BOTTOM = TOP + HEIGHT                           # 版心 bottom edge (from the page top)
PITCH = L.LINE_PITCH_PT
EPS = 0.01

HEADER_ROLES = ("letterhead", "doc_number")
COLOPHON_ROLES = ("cc", "printer")


class MissingGlyphError(ValueError):
    """Some characters have no glyph in any available font; printing would show blank boxes."""

    def __init__(self, chars: Sequence[str]) -> None:
        self.chars = list(chars)
        listing = "、".join(f"“{c}”(U+{ord(c):04X})" for c in self.chars)
        super().__init__(f"以下字符在可用字体中都没有字形，无法打印：{listing}。请安装含有这些字符的字体。")


def render_pdf(doc: Document, fonts: FontSet, *, page_numbers: bool = True) -> bytes:
    """The document as PDF bytes (A4, GB/T 9704 layout; see the module docstring).

    Raises ``MissingGlyphError`` when a character has no glyph in any face of ``fonts``."""
    laid = layout_pdf(doc, fonts, page_numbers=page_numbers)
    buf = io.BytesIO()
    kind = KINDS.get(doc.kind)
    c = _new_canvas(buf, laid.title, kind.label if kind else doc.kind)
    laid.draw(c)
    c.save()
    return buf.getvalue()


def layout_pdf(doc: Document, fonts: FontSet, *, page_numbers: bool = True) -> LaidOutDocument:
    """The document laid out on pages but not drawn yet: its ``page_count`` is known, and
    ``render_pdf_parts`` draws it into a PDF with other documents.

    Raises ``MissingGlyphError`` when a character has no glyph in any face of ``fonts``."""
    fonts.register_reportlab()   # first: coverage checks then reuse reportlab's character maps
    missing = fonts.missing("".join(_all_text(doc)).replace(ZWSP, ""))
    if missing:
        raise MissingGlyphError(missing)
    return _Renderer(doc, fonts).layout(page_numbers)


def cell_width(size: float) -> float:
    """One grid cell (a 汉字's advance) at type size ``size`` points."""
    return size * L.GRID_SCALE


def role_size(role: str) -> float:
    return L.ROLE_SIZE_PT.get(role, L.BODY_PT)


def _all_text(doc: Document) -> Iterator[str]:
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from (cell.text for row in block.rows for cell in row)
    yield doc.page_footer
    yield "— 0123456789"


# ---------------------------------------------------------------------------------------------
# What a page is made of.

@dataclass
class _Run:
    """Glyphs drawn with one face at one size, ``char_space`` added after each glyph."""

    x: float
    baseline: float          # from the top of the row (or of the page, for absolute items)
    text: str
    font: str
    size: float
    char_space: float = 0.0
    colour: RGB = BLACK
    hscale: float = 100.0


@dataclass
class _Seg:
    """A straight line: (x0, y0) → (x1, y1), y from the top of the row (or page)."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    colour: RGB = BLACK


@dataclass
class _Row:
    height: float
    runs: list[_Run] = field(default_factory=list)
    segs: list[_Seg] = field(default_factory=list)
    blank: bool = False
    keep_with_next: bool = False
    split: Callable[[float], tuple[_Row, _Row] | None] | None = None   # cut to fit a height


@dataclass
class _Page:
    items: list[tuple[float, _Row]] = field(default_factory=list)    # (top y, row)
    absolute: _Row = field(default_factory=lambda: _Row(0.0))        # header items, page coordinates
    colophon_only: bool = False


@dataclass
class LaidOutDocument:
    """A document laid out on pages, not drawn yet (``layout_pdf``)."""

    renderer: _Renderer
    pages: list[_Page]
    footer_rows: list[_Row]
    numbered: bool
    title: str

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def draw(self, c: rl_canvas.Canvas, on_page: Callable[[rl_canvas.Canvas], None] | None = None) -> None:
        """Every page onto ``c``, each ended with ``showPage``; ``on_page`` draws on each page first."""
        for n, page in enumerate(self.pages, start=1):
            self.renderer.draw_page(c, page, n, self.footer_rows, self.numbered)
            if on_page is not None:
                on_page(c)
            c.showPage()


class PageCanvas:
    """What a ``PagePainter`` (a page that is not a ``Document``, such as an archive volume's cover or
    a scanned image) and ``render_pdf_parts``'s ``on_page`` hook draw with. Coordinates are points
    from the page's top-left corner; text is set in the ``FontSet``'s faces by font role
    (``layout.FONT_ROLES``), with per-character fallback, 汉字 on the grid's advance, as in letters."""

    width = PAGE_W
    height = PAGE_H

    def __init__(self, renderer: _Renderer, canvas: rl_canvas.Canvas) -> None:
        self._r = renderer
        self.canvas = canvas

    def _check(self, text: str) -> None:
        missing = self._r.fonts.missing(text)
        if missing:
            raise MissingGlyphError(missing)

    def text_width(self, text: str, font_role: str = "body", size: float = L.BODY_PT) -> float:
        return self._r.text_width(text, font_role, size)

    def wrap(self, text: str, width: float, font_role: str = "body", size: float = L.BODY_PT, *,
             balanced: bool = False) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (避头尾); ``balanced``: lines of similar
        length, for centred text."""
        lines = (self._r.balanced_lines(text, font_role, size, width) if balanced
                 else self._r.lines(text, font_role, size, width))
        return ["".join(tok.text for tok in line.tokens) for line in lines]

    def text(self, text: str, x: float, top: float, *, font_role: str = "body", size: float = L.BODY_PT,
             align: str = "left", colour: RGB = BLACK) -> float:
        """One line of text whose em box has its top at ``top``: starting at ``x`` (``align`` left),
        centred on it (center) or ending at it (right). Returns its width."""
        self._check(text)
        w = self.text_width(text, font_role, size)
        x0 = x - w / 2 if align == "center" else x - w if align == "right" else x
        row = self._r.text_row(text, font_role, size, x0, height=size, colour=colour)
        _draw_runs(self.canvas, _shift(row.runs, 0.0, top))
        return w

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float = L.FORM_RULE_PT) -> None:
        _draw_segs(self.canvas, [_Seg(x0, y0, x1, y1, width)])

    def image(self, image: Any, x: float, top: float, width: float, height: float) -> None:
        """An image (a reportlab ``ImageReader``, a file name or a PIL image) stretched to the box;
        transparent parts stay white."""
        self.canvas.drawImage(image, x, PAGE_H - top - height, width, height, mask="auto")


PagePainter = Callable[[PageCanvas], None]
"""Draws one page of its own (``render_pdf_parts``)."""


def render_pdf_parts(parts: Sequence[Document | LaidOutDocument | PagePainter], fonts: FontSet, *,
                     title: str = "", subject: str = "",
                     on_page: Callable[[PageCanvas, int], None] | None = None) -> tuple[bytes, list[tuple[int, int]]]:
    """Several documents, and pages drawn by painters, in one PDF: each part starts on a new page,
    each document laid out as ``render_pdf`` lays it out alone (its own page numbers ``— 1 —`` …),
    a painter drawing exactly one page. Each face is embedded once for the whole file, not once per
    document. ``on_page(canvas, n)`` draws on every page, ``n`` counting the file's pages from 1.

    Returns the bytes and each part's (first, last) page, 1-based. Raises ``MissingGlyphError``
    when a character has no glyph in any face of ``fonts``."""
    laid = [layout_pdf(p, fonts) if isinstance(p, Document) else p for p in parts]
    fonts.register_reportlab()
    buf = io.BytesIO()
    c = _new_canvas(buf, title, subject)
    own = _Renderer(Document("", "form", []), fonts)
    page = 0
    ranges: list[tuple[int, int]] = []

    def hook(canvas: rl_canvas.Canvas) -> None:
        nonlocal page
        page += 1
        if on_page is not None:
            on_page(PageCanvas(own, canvas), page)

    for part in laid:
        first = page + 1
        if isinstance(part, LaidOutDocument):
            part.draw(c, hook)
        else:
            part(PageCanvas(own, c))
            hook(c)
            c.showPage()
        ranges.append((first, page))
    c.save()
    return buf.getvalue(), ranges


def _new_canvas(buf: io.BytesIO, title: str, subject: str) -> rl_canvas.Canvas:
    c = rl_canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    c.setTitle(title)
    c.setCreator(CREATOR)
    c.setAuthor(CREATOR)
    c.setSubject(subject)
    return c


# ---------------------------------------------------------------------------------------------


class _Renderer:
    def __init__(self, doc: Document, fonts: FontSet) -> None:
        self.doc = doc
        self.fonts = fonts
        self._face: dict[tuple[str, str], str] = {}
        self._adv: dict[tuple[str, str], float] = {}

    # -- fonts and measuring ------------------------------------------------------------------

    def face(self, font_role: str, ch: str) -> str:
        key = (font_role, ch)
        name = self._face.get(key)
        if name is None:
            name = self._face[key] = self.fonts.face_for(font_role, ch).name
        return name

    def advance(self, font: str, ch: str) -> float:
        """Advance of ``ch`` in ``font`` at 1 pt."""
        key = (font, ch)
        adv = self._adv.get(key)
        if adv is None:
            adv = self._adv[key] = pdfmetrics.stringWidth(ch, font, 1.0)
        return adv

    def measure(self, font_role: str, size: float) -> Callable[[str], float]:
        def width(text: str) -> float:
            return sum(self.advance(self.face(font_role, ch), ch) for ch in text) * size
        return width

    def text_width(self, text: str, font_role: str, size: float) -> float:
        cell = cell_width(size)
        return sum(cell if is_wide(ch) else self.advance(self.face(font_role, ch), ch) * size for ch in text)

    # -- glyph runs ---------------------------------------------------------------------------

    def runs(self, placed: Sequence[tuple[float, Token]], font_role: str, size: float, x0: float,
             baseline: float, colour: RGB = BLACK) -> list[_Run]:
        """Runs for tokens at x offsets ``placed`` (from ``x0``): each wide character centred in
        its cell, half-width words at their own advance; glyphs that follow each other at an even
        step in one face become one run (a ``char_space`` makes up the step)."""
        cell = cell_width(size)
        glyphs: list[tuple[float, str, str, float]] = []      # x, ch, font, advance (pt)
        for x, tok in placed:
            if tok.kind == "space":
                continue
            if tok.kind == "wide":
                ch = tok.text
                font = self.face(font_role, ch)
                adv = self.advance(font, ch) * size
                glyphs.append((x0 + x + (cell - adv) / 2, ch, font, adv))
            else:
                cx = x0 + x
                for ch in tok.text:
                    font = self.face(font_role, ch)
                    adv = self.advance(font, ch) * size
                    glyphs.append((cx, ch, font, adv))
                    cx += adv
        out: list[_Run] = []
        i = 0
        while i < len(glyphs):
            x, ch, font, adv = glyphs[i]
            chars = [ch]
            space: float | None = None
            j = i + 1
            while j < len(glyphs):
                nx, nch, nfont, _ = glyphs[j]
                if nfont != font:
                    break
                gap = nx - (glyphs[j - 1][0] + glyphs[j - 1][3])
                if space is None:
                    space = gap
                elif abs(gap - space) > 0.001:
                    break
                chars.append(nch)
                j += 1
            out.append(_Run(x, baseline, "".join(chars), font, size, space or 0.0, colour))
            i = j
        return out

    def line_row(self, line: Line, font_role: str, size: float, *, height: float = PITCH, x0: float = 0.0,
                 width: float = WIDTH, justify: bool = True, colour: RGB = BLACK) -> _Row:
        baseline = (height - size) / 2 + L.EM_ASCENT * size
        placed = place(line, width, justify=justify)
        return _Row(height, self.runs(placed, font_role, size, x0, baseline, colour))

    def text_row(self, text: str, font_role: str, size: float, x: float, *, height: float = PITCH,
                 colour: RGB = BLACK) -> _Row:
        """One line of text starting at ``x`` (no breaking)."""
        lines = self.lines(text, font_role, size, 10 * PAGE_W)
        line = lines[0] if lines else Line([], 0.0, True)
        return self.line_row(line, font_role, size, height=height, x0=x, justify=False, colour=colour)

    def lines(self, text: str, font_role: str, size: float, width: float, first_indent: float = 0.0,
              rest_indent: float = 0.0) -> list[Line]:
        return break_paragraph(text, width, cell=cell_width(size), measure=self.measure(font_role, size),
                               first_indent=first_indent, rest_indent=rest_indent)

    def balanced_lines(self, text: str, font_role: str, size: float, width: float) -> list[Line]:
        """Lines of similar length (the title breaker's shapes), for centred text."""
        cell = cell_width(size)
        measure = self.measure(font_role, size)
        out: list[Line] = []
        for part in break_title(text, width, cell=cell, measure=measure):
            out.extend(break_paragraph(part, width, cell=cell, measure=measure))
        for line in out:
            line.last = True
        return out

    # -- blocks -------------------------------------------------------------------------------

    def paragraph_rows(self, text: str, role: str, *, first_indent_chars: float = 0, rest_indent_chars: float = 0,
                       height: float = PITCH, width: float = WIDTH, x0: float = 0.0) -> list[_Row]:
        font_role = L.ROLE_FONT.get(role, "body")
        size = role_size(role)
        cell = cell_width(size)
        rows: list[_Row] = []
        for part in text.split("\n"):
            for line in self.lines(part, font_role, size, width, first_indent_chars * cell, rest_indent_chars * cell):
                rows.append(self.line_row(line, font_role, size, height=height, x0=x0, width=width))
            if not part.strip():
                rows.append(_Row(height, blank=True))
        return rows

    def title_rows(self, text: str, role: str = "title") -> list[_Row]:
        size = role_size(role)
        cell = cell_width(size)
        font_role = L.ROLE_FONT[role]
        rows: list[_Row] = []
        for part in text.split("\n"):
            breaks: list[int] | None = None
            if ZWSP in part:
                breaks, clean = [], ""
                for ch in part:
                    if ch == ZWSP:
                        breaks.append(len(clean))
                    else:
                        clean += ch
                part = clean
            for title_line in break_title(part, WIDTH, cell=cell, measure=self.measure(font_role, size), breaks=breaks):
                w = self.text_width(title_line, font_role, size)
                row = self.text_row(title_line, font_role, size, (WIDTH - w) / 2)
                row.keep_with_next = True
                rows.append(row)
        return rows

    def attachment_rows(self, text: str, first: bool) -> list[_Row]:
        """附件说明: ``附件：1.名称`` 2 characters in; a wrapped name aligns with its first character,
        a following ``2.名称`` with the ``1.``."""
        size = L.BODY_PT
        cell = cell_width(size)
        base = L.ATTACHMENT_NOTE_INDENT_CHARS * cell
        label_w = self.text_width("附件：", "body", size)
        rows: list[_Row] = []
        for k, part in enumerate(text.split("\n")):
            part = part.strip()
            if not part:
                continue
            indent = base if (first and k == 0) or part.startswith("附件") else base + label_w
            body = part
            if part.startswith("附件"):
                m = re.match(r"附件[：:]", part)
                body = part[m.end():] if m else part
                label = part[:m.end()] if m else ""
                item_start = base + self.text_width(label, "body", size)
            else:
                item_start = indent
            num = re.match(r"\s*\d+[.．、]", body)
            hang = item_start + (self.text_width(num.group(0), "body", size) if num else 0.0)
            for line in self.lines(part, "body", size, WIDTH, indent, hang):
                rows.append(self.line_row(line, "body", size))
        return rows

    def signature_rows(self, signature: str | None, date: str | None) -> list[_Row]:
        """署名 and 成文日期 placed per GB/T 9704 §7.3.5 (see the module docstring)."""
        size = L.BODY_PT
        cell = cell_width(size)
        sig_lines = [s.strip() for s in (signature or "").split("\n") if s.strip()]
        date = (date or "").strip()
        sig_w = max((self.text_width(s, "body", size) for s in sig_lines), default=0.0)
        date_w = self.text_width(date, "body", size) if date else 0.0
        if self.doc.sealed:
            date_x = WIDTH - L.SEALED_DATE_RIGHT_INDENT_CHARS * cell - date_w
            if not date:
                date_x, date_w = WIDTH - L.SEALED_DATE_RIGHT_INDENT_CHARS * cell - sig_w, sig_w
            centre = date_x + date_w / 2
            sig_xs = [centre - self.text_width(s, "body", size) / 2 for s in sig_lines]
        else:
            sig_x = WIDTH - L.SIGNATURE_RIGHT_INDENT_CHARS * cell - sig_w
            date_x = sig_x + L.DATE_SHIFT_FROM_SIGNATURE_CHARS * cell
            if not sig_lines:
                date_x = WIDTH - L.SIGNATURE_RIGHT_INDENT_CHARS * cell - date_w
            elif date_w > sig_w:
                date_x = WIDTH - L.SIGNATURE_RIGHT_INDENT_CHARS * cell - date_w
                sig_x = date_x + (date_w - sig_w) / 2
            sig_xs = [sig_x + (sig_w - self.text_width(s, "body", size)) / 2 for s in sig_lines] if len(sig_lines) > 1 \
                else [sig_x] * len(sig_lines)
        rows = [self.text_row(s, "body", size, max(0.0, min(x, WIDTH - self.text_width(s, "body", size))))
                for s, x in zip(sig_lines, sig_xs, strict=True)]
        if date:
            rows.append(self.text_row(date, "body", size, max(0.0, date_x)))
        for row in rows[:-1]:
            row.keep_with_next = True
        return rows

    def table_rows(self, table: Table) -> list[_Row]:
        return _TableLayout(self, table).rows()

    def body_rows(self, blocks: Sequence[Paragraph | Table]) -> list[_Row]:
        rows: list[_Row] = []
        doc = self.doc

        def blanks(n: int) -> None:
            rows.extend(_Row(PITCH, blank=True) for _ in range(n))

        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            prev = blocks[i - 1] if i > 0 else None
            if isinstance(block, Table):
                rows.extend(self.table_rows(block))
                i += 1
                continue
            role, text = block.role, block.text.replace("\r", "")
            if role in ("title", "form_title"):
                if rows and not rows[-1].blank and role == "title":
                    blanks(L.BLANK_LINES_ABOVE_TITLE)
                rows.extend(self.title_rows(text, role))
                if nxt is not None:
                    if role == "title":
                        blanks(L.BLANK_LINES_ABOVE_ADDRESSEE)
                        rows[-1].keep_with_next = True      # the title stays with what follows
                    else:
                        rows.extend(_Row(L.FORM_LINE_PITCH_PT, blank=True) for _ in range(L.FORM_TITLE_GAP_LINES))
            elif role == "addressee":
                new = self.paragraph_rows(text, role)
                for r in new:
                    r.keep_with_next = True
                rows.extend(new)
            elif role in ("heading1", "heading2", "heading3"):
                new = self.paragraph_rows(text, role, first_indent_chars=L.HEADING_INDENT_CHARS)
                for r in new:
                    r.keep_with_next = True
                rows.extend(new)
            elif role == "attachment_note":
                first = not (isinstance(prev, Paragraph) and prev.role == "attachment_note")
                if first:
                    blanks(L.BLANK_LINES_ABOVE_BLOCK)
                rows.extend(self.attachment_rows(text, first))
            elif role in ("signature", "date"):
                signature = text if role == "signature" else None
                date = None
                if role == "date":
                    date = text
                elif isinstance(nxt, Paragraph) and nxt.role == "date":
                    date = nxt.text
                    i += 1
                new = self.signature_rows(signature, date)
                gap = L.BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL if doc.sealed else L.BLANK_LINES_ABOVE_BLOCK
                for r in reversed(rows):        # the last line before the block goes with it
                    r.keep_with_next = True
                    if not r.blank:
                        break
                gap_rows = [_Row(PITCH, blank=True, keep_with_next=True) for _ in range(gap)] if rows else []
                rows.extend(gap_rows)
                rows.extend(new)
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                if isinstance(following, Paragraph) and following.role == "note" and new:
                    new[-1].keep_with_next = True
            elif role == "note":
                rows.extend(self.paragraph_rows(text, role, first_indent_chars=L.NOTE_INDENT_CHARS))
            elif role == "form_text":
                rows.extend(self.paragraph_rows(text, role, height=L.FORM_LINE_PITCH_PT))
            elif role == "plain":
                rows.extend(self.paragraph_rows(text, role))
            else:   # body and anything unknown
                rows.extend(self.paragraph_rows(text, role, first_indent_chars=L.FIRST_LINE_INDENT_CHARS))
            i += 1
        return rows

    # -- header (page 1) ----------------------------------------------------------------------

    def letterhead_runs(self, text: str, em_top: float) -> tuple[list[_Run], float]:
        """The 标志 lines, centred on the page, red; returns the runs (page coordinates) and the
        y of the bottom of the last line's em box. Too wide a line is narrowed (down to
        ``LETTERHEAD_MIN_SCALE`` per cent), then set smaller."""
        runs: list[_Run] = []
        y = em_top
        size = size_k = L.LETTERHEAD_PT
        parts = [p.strip() for p in text.split("\n") if p.strip()]
        for k, part in enumerate(parts):
            if k:
                y += size * L.LETTERHEAD_LINE_SPACING
            size_k = size
            w = self.text_width(part, "title", size_k)
            scale = 100.0
            if w > WIDTH:
                scale = max(L.LETTERHEAD_MIN_SCALE, 100.0 * WIDTH / w)
                if w * scale / 100.0 > WIDTH:
                    size_k = size * WIDTH / (w * scale / 100.0)
                    w = self.text_width(part, "title", size_k)
            shown = w * scale / 100.0
            line = break_paragraph(part, 10 * PAGE_W, cell=cell_width(size_k),
                                   measure=self.measure("title", size_k))[0]
            baseline = y + L.EM_ASCENT * size_k
            for run in self.runs(place(line, w, justify=False), "title", size_k, 0.0, baseline, RED):
                run.x = LEFT + (WIDTH - shown) / 2 + run.x * scale / 100.0
                run.hscale = scale
                runs.append(run)
        return runs, y + size_k

    def header(self, header: dict[str, str], page: _Page) -> float:
        """Draw the 标志, 发文字号 and rules on page 1; return the y (from the page top) where the
        first row of the body goes (a grid line)."""
        letterhead = header.get("letterhead", "").strip()
        number = header.get("doc_number", "").strip()
        size = L.BODY_PT
        absolute = page.absolute
        em_drop = (PITCH - size) / 2            # slot top → em top, for a 三号 line
        if not letterhead:
            if not number:
                return TOP
            row = self.text_row(number, "body", size, WIDTH - self.text_width(number, "body", size))
            absolute.runs.extend(_shift(row.runs, LEFT, TOP))
            return TOP + (1 + L.BLANK_LINES_ABOVE_TITLE) * PITCH
        if self.doc.format == "letter":
            runs, bottom = self.letterhead_runs(letterhead, L.LETTER_FORMAT_LETTERHEAD_TOP_MM * L.MM)
            absolute.runs.extend(runs)
            rule_top, _rule_bottom, number_slot, first_row = L.letter_format_header(bottom, bool(number))
            self.double_rule(absolute, rule_top, thick_first=True)
            self.double_rule(absolute, L.letter_format_bottom_rule_top(), thick_first=False)
            if number:
                row = self.text_row(number, "body", size, WIDTH - self.text_width(number, "body", size))
                absolute.runs.extend(_shift(row.runs, LEFT, number_slot))
            return first_row
        runs, bottom = self.letterhead_runs(letterhead, TOP + L.LETTERHEAD_TOP_FROM_TEXT_TOP_MM * L.MM)
        absolute.runs.extend(runs)
        slot_top = bottom + L.BLANK_LINES_ABOVE_DOC_NUMBER * PITCH
        if number:
            w = self.text_width(number, "body", size)
            row = self.text_row(number, "body", size, (WIDTH - w) / 2)
            absolute.runs.extend(_shift(row.runs, LEFT, slot_top))
        rule_y = slot_top + em_drop + size + L.SEPARATOR_BELOW_NUMBER_MM * L.MM
        absolute.segs.append(_Seg(LEFT, rule_y, LEFT + WIDTH, rule_y, L.SEPARATOR_RULE_MM * L.MM, RED))
        return _snap(rule_y + L.BLANK_LINES_ABOVE_TITLE * PITCH)

    def double_rule(self, row: _Row, top: float, *, thick_first: bool) -> float:
        """A red double rule 170 mm long centred on the page, its top at ``top``; returns its bottom."""
        x0 = (PAGE_W - L.LETTER_FORMAT_RULE_WIDTH_MM * L.MM) / 2
        x1 = PAGE_W - x0
        widths = [L.LETTER_FORMAT_THICK_RULE_MM * L.MM, L.LETTER_FORMAT_THIN_RULE_MM * L.MM]
        if not thick_first:
            widths.reverse()
        y = top
        for k, w in enumerate(widths):
            row.segs.append(_Seg(x0, y + w / 2, x1, y + w / 2, w, RED))
            y += w + (L.LETTER_FORMAT_RULE_GAP_MM * L.MM if k == 0 else 0.0)
        return y

    # -- 版记 ----------------------------------------------------------------------------------

    def colophon_rows(self, blocks: Sequence[Paragraph]) -> list[_Row]:
        """抄送 and 印发 rows with their rules: rules at the top (0.35 mm), between sections
        (0.25 mm) and at the bottom (0.35 mm) of the rows, full 版心 width. 信函格式: the 抄送 only,
        without rules (GB/T 9704 §10.1: no 印发机关, 印发日期 or rules in the 版记)."""
        letter = self.doc.format == "letter"
        if letter:
            blocks = [b for b in blocks if b.role != "printer"]
        size = L.COLOPHON_PT
        cell = cell_width(size)
        side = L.COLOPHON_SIDE_INDENT_CHARS * cell
        sections: list[list[_Row]] = []
        for block in blocks:
            text = block.text.strip()
            if block.role == "cc":
                label = re.match(r"^[^：:]{1,6}[：:]", text)
                hang = side + (self.text_width(label.group(0), "body", size) if label else 0.0)
                section: list[_Row] = []
                for part in text.split("\n"):
                    for line in self.lines(part, "body", size, WIDTH - side, side, hang):
                        section.append(self.line_row(line, "body", size, width=WIDTH - side))
                sections.append(section)
            else:
                left, right = _split_printer(text)
                row = self.text_row(left, "body", size, side)
                if right:
                    w = self.text_width(right, "body", size)
                    row.runs.extend(self.text_row(right, "body", size, WIDTH - side - w).runs)
                sections.append([row])
        rows = [r for s in sections for r in s]
        if not rows:
            return []
        for r in rows[:-1]:
            r.keep_with_next = True
        if letter:
            return rows
        outer = L.COLOPHON_OUTER_RULE_MM * L.MM
        inner = L.COLOPHON_INNER_RULE_MM * L.MM
        rows[0].segs.append(_Seg(0.0, 0.0, WIDTH, 0.0, outer))
        for s in sections[1:]:
            if s:
                s[0].segs.append(_Seg(0.0, 0.0, WIDTH, 0.0, inner))
        last = rows[-1]
        last.segs.append(_Seg(0.0, last.height, WIDTH, last.height, outer))
        return rows

    # -- the whole document -------------------------------------------------------------------

    def layout(self, page_numbers: bool) -> LaidOutDocument:
        doc = self.doc
        header: dict[str, str] = {}
        colophon: list[Paragraph] = []
        body: list[Paragraph | Table] = []
        for block in doc.blocks:
            if isinstance(block, Paragraph) and block.role in HEADER_ROLES and block.role not in header:
                header[block.role] = block.text.replace(ZWSP, "")
            elif isinstance(block, Paragraph) and block.role in COLOPHON_ROLES:
                colophon.append(block)
            elif isinstance(block, Paragraph):
                body.append(Paragraph(block.role, block.text if block.role in ("title", "form_title")
                                      else block.text.replace(ZWSP, "")))
            else:
                body.append(block)

        footer_rows: list[_Row] = []
        if doc.page_footer.strip():
            text = doc.page_footer.strip()
            w = self.text_width(text, "body", L.PAGE_FOOTER_PT)
            footer_rows = [self.text_row(text, "body", L.PAGE_FOOTER_PT, max(0.0, WIDTH - w),
                                         height=L.FORM_LINE_PITCH_PT)]
        limit = BOTTOM - sum(r.height for r in footer_rows)

        first = _Page()
        start = self.header(header, first)
        pages = _paginate(self.body_rows(body), first, start, limit)

        crows = self.colophon_rows(colophon)
        if crows:
            height = sum(r.height for r in crows)
            last = pages[-1]
            used = max((y + r.height for y, r in last.items), default=TOP if len(pages) > 1 else start)
            if used + height > limit + EPS:
                last = _Page(colophon_only=True)
                pages.append(last)
            y = limit - height
            for r in crows:
                last.items.append((y, r))
                y += r.height

        numbered = page_numbers and not (doc.format == "form" and len(pages) == 1)
        title = next((b.text for b in body if isinstance(b, Paragraph) and b.role in ("title", "form_title")), "")
        return LaidOutDocument(self, pages, footer_rows, numbered, title.replace(ZWSP, "").replace("\n", ""))

    def draw_page(self, c: rl_canvas.Canvas, page: _Page, n: int, footer_rows: Sequence[_Row], numbered: bool) -> None:
        """Page ``n`` (of this document) onto the canvas's current page, without ending it."""
        runs: list[_Run] = list(page.absolute.runs)
        segs: list[_Seg] = list(page.absolute.segs)
        items = list(page.items)
        if footer_rows:
            y = BOTTOM - sum(r.height for r in footer_rows)
            for r in footer_rows:
                items.append((y, r))
                y += r.height
        for y, row in items:
            runs.extend(_shift(row.runs, LEFT, y))
            segs.extend(_Seg(LEFT + s.x0, y + s.y0, LEFT + s.x1, y + s.y1, s.width, s.colour) for s in row.segs)
        show_number = numbered and not page.colophon_only and not (self.doc.format == "letter" and n == 1)
        if show_number:
            runs.extend(self.page_number_runs(n))
        _draw_segs(c, segs)
        _draw_runs(c, runs)

    def page_number_runs(self, n: int) -> list[_Run]:
        size = L.PAGE_NUMBER_PT
        dash = L.PAGE_NUMBER_DASH
        text = f"{dash} {n} {dash}"
        glyphs: list[tuple[str, str, float]] = []
        for ch in text:
            font = self.face("page_number", ch)
            glyphs.append((ch, font, self.advance(font, ch) * size))
        total = sum(g[2] for g in glyphs)
        side = L.PAGE_NUMBER_SIDE_INDENT_CHARS * cell_width(size)
        x = LEFT + WIDTH - side - total if n % 2 else LEFT + side
        baseline = BOTTOM + L.PAGE_NUMBER_BELOW_TEXT_MM * L.MM + L.PAGE_NUMBER_DASH_RISE_EM * size
        out: list[_Run] = []
        for ch, font, adv in glyphs:
            if out and out[-1].font == font:
                out[-1].text += ch
            else:
                out.append(_Run(x, baseline, ch, font, size))
            x += adv
        return out


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class _PlacedCell:
    cell: Cell
    row: int
    col: int
    lines: list[Line]
    font_role: str


class _TableLayout:
    def __init__(self, renderer: _Renderer, table: Table) -> None:
        self.r = renderer
        self.table = table
        total = sum(table.widths) or 1.0
        xs = [0.0]
        for w in table.widths:
            xs.append(xs[-1] + WIDTH * w / total)
        xs[-1] = WIDTH
        self.xs = xs
        self.size = table.size_pt or L.FORM_PT
        self.pad_x = L.FORM_CELL_PAD_X_MM * L.MM
        self.pad_y = L.FORM_CELL_PAD_Y_MM * L.MM
        self.lp = L.FORM_LINE_PITCH_PT * self.size / L.FORM_PT

    def place_cells(self) -> tuple[list[_PlacedCell], int]:
        ncols = len(self.xs) - 1
        taken: set[tuple[int, int]] = set()
        placed: list[_PlacedCell] = []
        nrows = len(self.table.rows)
        for r, row in enumerate(self.table.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                if c >= ncols:
                    break
                cs = max(1, min(cell.colspan, ncols - c))
                rs = max(1, cell.rowspan)
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                nrows = max(nrows, r + rs)
                cell = Cell(cell.text, cs, rs, cell.bold, cell.align)
                font_role = "heading1" if cell.bold else "body"
                inner = self.xs[c + cs] - self.xs[c] - 2 * self.pad_x
                lines: list[Line] = []
                for part in cell.text.replace("\r", "").split("\n"):
                    if cell.align == "center":
                        got = self.r.balanced_lines(part, font_role, self.size, inner)
                    else:
                        got = self.r.lines(part, font_role, self.size, inner)
                    lines.extend(got or [Line([], 0.0, True)])
                if not cell.text:
                    lines = []
                placed.append(_PlacedCell(cell, r, c, lines, font_role))
                c += cs
        return placed, nrows

    def rows(self) -> list[_Row]:
        table = self.table
        placed, nrows = self.place_cells()
        min_lines = list(table.min_row_lines) + [0] * (nrows - len(table.min_row_lines))
        # writing room never makes a row taller than a page (less a footer line or two)
        room = HEIGHT - 3 * self.lp
        heights = [min(room, max(1, min_lines[r]) * self.lp + 2 * self.pad_y) for r in range(nrows)]
        for pc in placed:
            if pc.cell.rowspan == 1:
                heights[pc.row] = max(heights[pc.row], len(pc.lines) * self.lp + 2 * self.pad_y)
        for pc in placed:
            if pc.cell.rowspan > 1:
                end = min(nrows, pc.row + pc.cell.rowspan)
                need = len(pc.lines) * self.lp + 2 * self.pad_y
                have = sum(heights[pc.row:end])
                if need > have:
                    heights[end - 1] += need - have
        # groups of rows tied together by row spans
        reach = list(range(nrows))
        for pc in placed:
            end = min(nrows, pc.row + pc.cell.rowspan) - 1
            for r in range(pc.row, end + 1):
                reach[r] = max(reach[r], end)
        out: list[_Row] = []
        r = 0
        while r < nrows:
            end = reach[r]
            k = r
            while k <= end:
                end = max(end, reach[k])
                k += 1
            group = [pc for pc in placed if r <= pc.row <= end]
            tops = [sum(heights[r:i]) for i in range(r, end + 2)]
            writing = any(min_lines[i] > 1 for i in range(r, end + 1))
            out.append(self.group_row(group, r, heights[r:end + 1], tops, writing))
            r = end + 1
        return out

    def group_row(self, cells: list[_PlacedCell], first_row: int, heights: list[float], tops: list[float],
                  writing: bool, skip: dict[int, int] | None = None, limit: dict[int, int] | None = None) -> _Row:
        """One unsplittable band of the table: rows ``first_row``… with their cells and borders.
        ``skip``/``limit`` (by cell index) show only some of each cell's lines (a split row)."""
        row = _Row(tops[-1])
        w = L.FORM_RULE_PT
        for idx, pc in enumerate(cells):
            top = tops[pc.row - first_row]
            bottom = tops[min(len(tops) - 1, pc.row - first_row + pc.cell.rowspan)]
            x0, x1 = self.xs[pc.col], self.xs[pc.col + pc.cell.colspan]
            row.segs += [_Seg(x0, top, x1, top, w), _Seg(x0, bottom, x1, bottom, w),
                         _Seg(x0, top, x0, bottom, w), _Seg(x1, top, x1, bottom, w)]
            start = skip.get(idx, 0) if skip else 0
            stop = limit.get(idx, len(pc.lines)) if limit else len(pc.lines)
            lines = pc.lines[start:stop]
            content = len(lines) * self.lp
            top_align = skip is not None or (writing and pc.cell.align != "center" and len(pc.lines) > 0)
            y = top + self.pad_y if top_align else top + (bottom - top - content) / 2
            inner = x1 - x0 - 2 * self.pad_x
            for line in lines:
                x = x0 + self.pad_x
                justify = pc.cell.align != "center"
                if pc.cell.align == "center":
                    x += (inner - line.indent - line.width) / 2
                lrow = self.r.line_row(line, pc.font_role, self.size, height=self.lp, x0=x, width=inner,
                                       justify=justify)
                row.runs.extend(_shift(lrow.runs, 0.0, y))
                y += self.lp
        if skip is None and len(heights) == 1 and all(pc.cell.rowspan == 1 for pc in cells):
            row.split = lambda avail: self.split(cells, first_row, heights[0], avail, writing)
        return row

    def split(self, cells: list[_PlacedCell], first_row: int, height: float, avail: float,
              writing: bool, done: dict[int, int] | None = None) -> tuple[_Row, _Row] | None:
        """Cut a one-row band so its first part is at most ``avail`` high: each cell shows the
        lines that fit, the rest continue in the second part."""
        done = done or {}
        fit = int((avail - 2 * self.pad_y + EPS) // self.lp)
        remaining = {i: len(pc.lines) - done.get(i, 0) for i, pc in enumerate(cells)}
        if fit < 1 or max(remaining.values(), default=0) <= fit:
            return None
        head_lim = {i: done.get(i, 0) + min(fit, remaining[i]) for i in remaining}
        head = self.group_row(cells, first_row, [avail], [0.0, fit * self.lp + 2 * self.pad_y], writing,
                              skip={i: done.get(i, 0) for i in remaining}, limit=head_lim)
        rest_lines = max(remaining[i] - min(fit, remaining[i]) for i in remaining)
        tail_h = max(rest_lines * self.lp + 2 * self.pad_y, height - head.height)
        tail = self.group_row(cells, first_row, [tail_h], [0.0, tail_h], writing, skip=head_lim, limit=None)
        tail.split = lambda a: self.split(cells, first_row, tail_h, a, writing, head_lim)
        return head, tail


# ---------------------------------------------------------------------------------------------
# Helpers


_snap = L.snap_to_row


def _shift(runs: Sequence[_Run], dx: float, dy: float) -> list[_Run]:
    return [_Run(r.x + dx, r.baseline + dy, r.text, r.font, r.size, r.char_space, r.colour, r.hscale) for r in runs]


_PRINT_DATE = re.compile(r"^(.*?)[\s\u3000]*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发)$")


def _split_printer(text: str) -> tuple[str, str]:
    if "\t" in text:
        left, right = text.split("\t", 1)
        return left.strip(), right.strip()
    m = _PRINT_DATE.match(text)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return text, ""


def _paginate(rows: list[_Row], first: _Page, start: float, limit: float) -> list[_Page]:
    """Fill pages from ``start`` on page 1 (and the 版心 top after), up to ``limit``: blank rows
    do not start a page; a row that does not fit takes the rows chained to it by
    ``keep_with_next`` along (unless the chain fills the page); a row taller than a page is split."""
    pages = [first]
    page = first
    y = start
    placed: list[int] = []        # queue index of each item on this page
    queue = list(rows)
    i = 0
    while i < len(queue):
        row = queue[i]
        if row.blank and not page.items:
            i += 1
            continue
        if y + row.height <= limit + EPS:
            page.items.append((y, row))
            placed.append(i)
            y += row.height
            i += 1
            continue
        if row.split is not None and row.height > limit - TOP + EPS:
            parts = row.split(limit - y)
            if parts is not None:
                queue[i:i + 1] = list(parts)
                continue
        if not page.items and y <= TOP + EPS:
            # taller than an empty page and cannot be split: placed anyway, cut off at the bottom
            page.items.append((y, row))
            placed.append(i)
            y += row.height
            i += 1
            continue
        j = i
        while j > 0 and queue[j - 1].keep_with_next:
            j -= 1
        if j < i and placed and placed[0] < j:      # the chain moves; something stays behind
            cut = next(k for k, idx in enumerate(placed) if idx >= j)
            del page.items[cut:]
            del placed[cut:]
            i = j
        page = _Page()
        pages.append(page)
        y = TOP
        placed = []
    return pages


def _draw_segs(c: rl_canvas.Canvas, segs: Sequence[_Seg]) -> None:
    colour: RGB | None = None
    width: float | None = None
    for s in segs:
        if s.colour != colour:
            c.setStrokeColorRGB(*s.colour)
            colour = s.colour
        if s.width != width:
            c.setLineWidth(s.width)
            width = s.width
        c.line(s.x0, PAGE_H - s.y0, s.x1, PAGE_H - s.y1)


def _draw_runs(c: rl_canvas.Canvas, runs: Sequence[_Run]) -> None:
    if not runs:
        return
    t = c.beginText()
    font: tuple[str, float] | None = None
    space = 0.0
    colour: RGB = BLACK
    hscale = 100.0
    for r in runs:
        if r.colour != colour:
            t.setFillColorRGB(*r.colour)
            colour = r.colour
        if r.hscale != hscale:
            t.setHorizScale(r.hscale)
            hscale = r.hscale
        if (r.font, r.size) != font:
            t.setFont(r.font, r.size)
            font = (r.font, r.size)
        if abs(r.char_space - space) > 1e-4:
            t.setCharSpace(r.char_space)
            space = r.char_space
        y = PAGE_H - r.baseline
        for x, piece in _subset_pieces(c, r):
            t.setTextOrigin(x, y)
            t.textOut(piece)
    c.drawText(t)


def _subset_pieces(c: rl_canvas.Canvas, run: _Run) -> list[tuple[float, str]]:
    """The run cut where reportlab switches to another 256-glyph subset of the font, each piece
    with its own origin. reportlab would emit one Tj per subset anyway; positioning each
    explicitly keeps readers that drop the character spacing after a Tj (pdfminer) in step."""
    if len(run.text) < 2:
        return [(run.x, run.text)]
    font = pdfmetrics.getFont(run.font)
    if not getattr(font, "_dynamicFont", False):
        return [(run.x, run.text)]
    chunks = font.splitString(run.text, c._doc)
    if len(chunks) == 1:
        return [(run.x, run.text)]
    out: list[tuple[float, str]] = []
    x, pos = run.x, 0
    for _subset, chunk in chunks:
        piece = run.text[pos:pos + len(chunk)]
        out.append((x, piece))
        x += (pdfmetrics.stringWidth(piece, run.font, run.size) + run.char_space * len(piece)) * run.hscale / 100.0
        pos += len(chunk)
    return out
