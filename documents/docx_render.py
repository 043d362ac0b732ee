"""Render a letter template (DOCX with Jinja placeholders) and read a rendered letter back.

``render_docx`` fills a template with ``documents.context.letter_context`` output through docxtpl,
with every placeholder required (``StrictUndefined``): a template an office broke while editing it
(a misspelt placeholder, a ``{% if %}`` without a condition, an unknown filter) is refused with a
Chinese message naming the file and the placeholder. It then puts the page in order whatever the
template says: A4, the GB/T 9704 margins, a 22 × 28 document grid, odd/even page numbers
``— 1 —``, the font families of each role on the styles, the 署名 and 成文日期 placed by the rule
for sealed or unsealed letters, a long 发文机关标志 narrowed to fit, the 版记 at the foot of
the last page, and for a letter in 信函格式 (``to_letter_format``) the 标志, 发文字号 and red double
rules in a first-page header, without a page number on page 1.

``read_model`` reads a rendered DOCX back into ``documents.model.Document`` (each paragraph's style
names its role), so the PDF renderer lays out exactly the words of the DOCX: tables with their merged
cells and the writing room of rows with a minimum height, the page footer's lines in the style
``PAGE_FOOTER_STYLE`` as ``Document.page_footer``, and the layout: a letter whose 标志 is in the
first-page header is in 信函格式 (``to_letter_format``), the PDF then too.
"""
from __future__ import annotations

import copy
import io
import math
import re
import unicodedata
import weakref
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docxtpl import DocxTemplate
from lxml import etree

from core.errors import UserError
from documents import layout
from documents.kinds import KINDS
from documents.model import ROLE_STYLES, STYLE_ROLES, Cell, Document, Paragraph, Table

DEFAULT_FAMILIES: dict[str, str] = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading1": "黑体",
                                    "heading2": "楷体_GB2312", "page_number": "宋体"}
# Signed by the people who wrote it, not sealed by the office: 署名 and 成文日期 without a seal.
UNSEALED_KINDS = frozenset({"investigation-report"})
FORM_FORMAT = "form"
FILE_FORMAT = "file"                 # 文件格式
LETTER_FORMAT = "letter"             # 信函格式 (GB/T 9704 §10.1)
LETTER_FORMATS = (FILE_FORMAT, LETTER_FORMAT)
FILE_SUFFIX = "文件"                  # ends the 文件格式 标志 (“中共贺兰县纪委 贺兰县监委文件”); 信函格式 drops it
# A paragraph in this style in the page footer is printed at the foot of every page (``Document.page_footer``,
# e.g. the 笔录's 被调查人签名 line); the renderer keeps it above the page number.
PAGE_FOOTER_STYLE = "表格-页脚"

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_TAG_FLAVOUR = re.compile(r"^(\{[{%])-?\s*(?:p|tr|tc|r)\s")    # docxtpl's {%p … %}, {%tr … %}, {{r … }}
_BLOCK_TAGS = {"for": "endfor", "if": "endif", "with": "endwith", "macro": "endmacro", "call": "endcall",
               "filter": "endfilter", "raw": "endraw", "block": "endblock", "autoescape": "endautoescape"}
_INNER_TAGS = {"else", "elif", "break", "continue"}


# --- rendering ------------------------------------------------------------------------------------

class _CompiledPartsEnvironment(jinja2.Environment):
    """docxtpl compiles every XML part of the template from a string on each render, which costs a
    third of a letter's rendering time; a part's source does not change between renders, so the
    compiled template is kept by its source text (a few parts per template, bounded)."""

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            if len(self._compiled) >= 256:
                self._compiled.clear()
            self._compiled[source] = template
        return template


_ENVIRONMENT = _CompiledPartsEnvironment()

def render_docx(template: Path, context: dict[str, Any], families: dict[str, str] | None = None, *,
                sealed: bool | None = None, letter_format: str | None = None) -> bytes:
    """The letter as DOCX bytes (see ``build_docx``)."""
    return docx_bytes(build_docx(template, context, families, sealed=sealed, letter_format=letter_format))


def default_format(kind: str) -> str:
    """The layout a kind's letter gets unless the office chose another: ``file`` or ``letter``
    (``documents.kinds.Kind.format``; forms and unknown templates: ``file``, which leaves the page as
    the template has it)."""
    known = KINDS.get(kind)
    return known.format if known is not None and known.format in LETTER_FORMATS else FILE_FORMAT


def docx_bytes(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def build_docx(template: Path, context: dict[str, Any], families: dict[str, str] | None = None, *,
               sealed: bool | None = None, letter_format: str | None = None) -> DocxDocument:
    """The letter: ``template`` filled with ``context``, its page put in order (see the module doc).

    ``families`` names the font family of each font role (``title``, ``body``, ``heading1``,
    ``heading2``, ``page_number``); ``sealed`` says whether the seal is stamped over the date (by
    default: unless the template is one of ``UNSEALED_KINDS``); ``letter_format`` is ``file``
    (文件格式: the 标志 and 发文字号 stay in the body as the template has them) or ``letter``
    (信函格式, see ``to_letter_format``), by default the kind's (``default_format``, the template's
    file name being the kind). A broken template raises ``UserError`` naming it.
    """
    fmt = letter_format or default_format(template.stem)
    if fmt not in LETTER_FORMATS:
        raise ValueError(f"letter_format must be one of {LETTER_FORMATS}, not {fmt!r}")
    name = template.name
    tpl = DocxTemplate(str(template))
    try:
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise UserError(f"模板“{name}”不是有效的 Word 文档（.docx），请用 Word 或 WPS 另存为 .docx 后再试") from None
    except OSError as exc:
        raise UserError(f"模板“{name}”无法读取：{exc.strerror or exc}") from None
    env = _ENVIRONMENT
    try:
        tpl.render(context, env, autoescape=True)
    except jinja2.TemplateSyntaxError as exc:
        unclosed = _unclosed(_template_texts(tpl))
        if unclosed:
            closer = "}}" if unclosed.startswith("{{") else "%}"
            raise UserError(f"模板“{name}”中的占位符“{unclosed}”缺少结尾的 {closer}，请修改后再试") from None
        raise UserError(_syntax_message(name, _template_tags(tpl), env, exc)) from None
    except jinja2.UndefinedError as exc:
        raise UserError(_undefined_message(name, _template_tags(tpl), exc)) from None
    except etree.XMLSyntaxError:
        raise UserError(f"模板“{name}”填入内容后文档结构有误：{{%p … %}} 这类段落语句应单独占一个段落，请检查后再试") from None
    except Exception as exc:  # a filter or test used on the wrong kind of value: still the template's fault
        raise UserError(f"模板“{name}”中的占位符使用有误，无法生成文书（{type(exc).__name__}：{exc}）") from None
    # docxtpl swaps in new header and footer parts behind python-docx's back: reopen the result.
    rendered = io.BytesIO()
    tpl.save(rendered)
    doc = open_docx(io.BytesIO(rendered.getvalue()))
    drop_unneeded_parts(doc)
    apply_layout(doc, families)
    place_signature(doc, template.stem not in UNSEALED_KINDS if sealed is None else sealed)
    break_title(doc)
    letter = fmt == LETTER_FORMAT
    if letter:
        _drop_file_suffix(doc)
    fit_letterhead(doc)
    anchor_colophon(doc, letter=letter)
    if letter:
        to_letter_format(doc)
    return doc


# Parts python-docx's default document brings that no letter needs: Word 2010's stylesWithEffects
# (438 KB of XML, compressed again at every save: half of each letter's file size) and a thumbnail
# of an empty page, which some file managers show as the letter's preview.
# Word, WPS and LibreOffice open a document without them.
UNNEEDED_RELATIONSHIPS = ("/stylesWithEffects", "/metadata/thumbnail")


def drop_unneeded_parts(doc: DocxDocument) -> None:
    """Leave out the parts ``UNNEEDED_RELATIONSHIPS`` names when ``doc`` is saved (a part no
    relationship reaches is not written)."""
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith(UNNEEDED_RELATIONSHIPS)]:
            del rels[rid]


def apply_layout(doc: DocxDocument, families: dict[str, str] | None = None) -> None:
    """Page, grid, page numbers and role fonts per GB/T 9704 (also used to build the default templates)."""
    fams = DEFAULT_FAMILIES | (families or {})
    keep = {s.style_id for s in doc.styles if s.name == PAGE_FOOTER_STYLE}
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(layout.PAGE_WIDTH_MM)
        section.page_height = Mm(layout.PAGE_HEIGHT_MM)
        section.top_margin = Mm(layout.TOP_MARGIN_MM)
        section.bottom_margin = Mm(layout.BOTTOM_MARGIN_MM)
        section.left_margin = Mm(layout.LEFT_MARGIN_MM)
        section.right_margin = Mm(layout.RIGHT_MARGIN_MM)
        section.gutter = Mm(0)
        section.footer_distance = Mm(layout.BOTTOM_MARGIN_MM - layout.PAGE_NUMBER_BELOW_TEXT_MM
                                     - layout.PAGE_NUMBER_LINE_PT / layout.MM)
        section.different_first_page_header_footer = False
        _set_grid(section._sectPr)
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        odd_lines = _page_number(section.footer._element, fams["page_number"], odd=True, keep=keep)
        even_lines = _page_number(section.even_page_footer._element, fams["page_number"], odd=False, keep=keep)
        if odd_lines and not even_lines:         # the same line on even pages
            anchor = section.even_page_footer._element[0]
            for p in odd_lines:
                anchor.addprevious(copy.deepcopy(p))
    doc.settings.odd_and_even_pages_header_footer = True
    _set_fonts(doc, fams)


def _set_grid(sectPr: Any) -> None:
    grid = sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        after = [sectPr.find(qn(t)) for t in ("w:printerSettings", "w:sectPrChange")]
        anchor = next((a for a in after if a is not None), None)
        if anchor is not None:
            anchor.addprevious(grid)
        else:
            sectPr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")          # 28 characters come from tracking (layout.BODY_TRACKING_TWIPS)
    grid.set(qn("w:linePitch"), str(layout.LINE_PITCH_TWIPS))


def _page_number(footer: Any, family: str, *, odd: bool, keep: set[str] | frozenset[str] = frozenset()) -> list[Any]:
    """``— N —`` in 四号 宋体: odd pages one character in from the right, even from the left.

    The footer's paragraphs in a style of ``keep`` (style ids: ``PAGE_FOOTER_STYLE``) stay above the
    number; they are returned."""
    kept = [child for child in footer if child.tag == qn("w:p") and _style_id(child) in keep]
    for child in list(footer):
        if child not in kept:
            footer.remove(child)
    p = OxmlElement("w:p")
    footer.append(p)
    pPr = p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    pPr.append(snap)
    spacing = OxmlElement("w:spacing")
    for key, value in (("w:before", "0"), ("w:after", "0"), ("w:line", "240"), ("w:lineRule", "auto")):
        spacing.set(qn(key), value)
    pPr.append(spacing)
    ind = OxmlElement("w:ind")
    side = "w:right" if odd else "w:left"
    ind.set(qn(side), str(layout.CHAR_PITCH_TWIPS * layout.PAGE_NUMBER_SIDE_INDENT_CHARS))
    pPr.append(ind)
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "right" if odd else "left")
    pPr.append(jc)
    dash = layout.PAGE_NUMBER_DASH
    pieces: list[tuple[str, str]] = [("text", f"{dash} "), ("fld", "begin"), ("instr", " PAGE "),
                                     ("fld", "separate"), ("text", "1"), ("fld", "end"), ("text", f" {dash}")]
    for what, value in pieces:
        r = OxmlElement("w:r")
        rPr = r.get_or_add_rPr()
        _fonts_on(rPr, family)
        rPr.sz_val = Pt(layout.PAGE_NUMBER_PT)
        if what == "fld":
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), value)
        else:
            el = OxmlElement("w:instrText" if what == "instr" else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = value
        r.append(el)
        p.append(r)
    return kept


def _style_id(p: Any) -> str:
    pPr = p.find(qn("w:pPr"))
    style = pPr.find(qn("w:pStyle")) if pPr is not None else None
    return str(style.get(qn("w:val"))) if style is not None else ""


def _fonts_on(rPr: Any, family: str) -> None:
    fonts = rPr.get_or_add_rFonts()
    for key in list(fonts.attrib):
        if key.lower().endswith("theme"):
            del fonts.attrib[key]
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), family)


def _set_fonts(doc: DocxDocument, fams: dict[str, str]) -> None:
    """Each role's style names its family (ascii, hAnsi, eastAsia); the defaults name the body's."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rPr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
        if rPr is not None:
            _fonts_on(rPr, fams["body"])
    names = {s.name: s for s in doc.styles}
    if "Normal" in names:
        _fonts_on(names["Normal"].element.get_or_add_rPr(), fams["body"])
    for role, style_name in ROLE_STYLES.items():
        style = names.get(style_name)
        if style is not None:
            _fonts_on(style.element.get_or_add_rPr(), fams[layout.ROLE_FONT.get(role, "body")])


# --- placing the signature, the letterhead and the colophon -----------------------------------------

def text_width(text: str) -> float:
    """Width in characters of the body size: CJK and full-width characters 1, the rest (digits) ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text if ch not in "\t\n")


# python-docx finds a paragraph's style by scanning every style on each access (a fifth of a
# letter's rendering time); map style ids to roles once per document part instead.
_roles_by_part: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _role(paragraph: DocxParagraph) -> str | None:
    part = paragraph.part
    roles = _roles_by_part.get(part)
    if roles is None:
        styles = getattr(part, "styles", None)
        if styles is None:           # a header or footer part: look the style up the slow way
            try:
                return STYLE_ROLES.get(paragraph.style.name if paragraph.style is not None else "")
            except (KeyError, ValueError):
                return None
        roles = {style.style_id: STYLE_ROLES[style.name] for style in styles
                 if style.type == WD_STYLE_TYPE.PARAGRAPH and style.name in STYLE_ROLES}
        _roles_by_part[part] = roles
    style_id = paragraph._p.style
    if style_id is None:
        return STYLE_ROLES.get(_default_paragraph_style(part) or "")
    return roles.get(style_id)


def _default_paragraph_style(part: Any) -> str | None:
    default = part.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return default.name if default is not None else None


def _set_side_indent(paragraph: DocxParagraph, side: str, chars: float) -> None:
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn(f"w:{side}Chars"), str(round(chars * 100)))
    ind.set(qn(f"w:{side}"), str(round(chars * layout.CHAR_PITCH_TWIPS)))


def place_signature(doc: DocxDocument, sealed: bool) -> None:
    """署名 and 成文日期 (GB/T 9704 7.3.5): with a seal the date 4 characters in from the right and the
    署名 centred over it; without, the 署名 2 characters in and the date starting 2 characters right
    of the 署名's start (or, if longer, 2 characters in with the 署名 centred over it). Several 署名
    lines (an investigation team) start at the same place."""
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    dates = [i for i, p in enumerate(paragraphs) if _role(p) == "date"]
    if not dates:
        return
    date_p = paragraphs[dates[-1]]
    signatures: list[DocxParagraph] = []
    for p in reversed(paragraphs[:dates[-1]]):
        if _role(p) != "signature":
            break
        signatures.insert(0, p)
    wd = text_width(date_p.text.strip())
    ws = max((text_width(p.text.lstrip()) for p in signatures), default=0.0)
    if sealed:
        date_right = float(layout.SEALED_DATE_RIGHT_INDENT_CHARS)
        sig_right = max(0.0, date_right + (wd - ws) / 2)
    elif ws - wd >= layout.DATE_SHIFT_FROM_SIGNATURE_CHARS:
        sig_right = float(layout.SIGNATURE_RIGHT_INDENT_CHARS)
        date_right = sig_right + ws - layout.DATE_SHIFT_FROM_SIGNATURE_CHARS - wd
    else:
        date_right = float(layout.SIGNATURE_RIGHT_INDENT_CHARS)
        sig_right = max(0.0, date_right + (wd - ws) / 2)
    _set_side_indent(date_p, "right", date_right)
    for p in signatures:
        room = text_width(p.text) - text_width(p.text.rstrip())
        _strip_trailing_spaces(p)
        _set_side_indent(p, "right", sig_right + ws - text_width(p.text.strip()) + room)


def _strip_trailing_spaces(p: DocxParagraph) -> None:
    """Trailing spaces (room left for a handwritten name) become indent: Word counts them in a
    right-aligned line and LibreOffice does not."""
    for run in reversed(p.runs):
        text = run.text
        if text.rstrip() != text:
            run.text = text.rstrip()
        if run.text:
            return


TITLE_BREAKS = ("关于对", "关于", "同志", "的", "、", "和", "及")   # a title line may end after these


def break_title(doc: DocxDocument) -> None:
    """A title too long for one line is broken in two at a word boundary, the upper line the longer
    (a trapezoid, GB/T 9704 7.3.1); the break is a line break (read back as ``\n``)."""
    available = layout.TEXT_WIDTH_MM * layout.MM
    for p in doc.paragraphs:
        text = p.text
        if _role(p) != "title" or "\n" in text or not text.strip() or not p.runs:
            continue
        size = p.style.font.size.pt if p.style is not None and p.style.font.size else layout.TITLE_PT
        capacity = available / size                     # characters of the title size on one line
        if text_width(text) <= capacity:
            continue
        best: tuple[float, int] | None = None
        for word in TITLE_BREAKS:
            for match in re.finditer(re.escape(word), text):
                cut = match.end()
                upper, lower = text_width(text[:cut]), text_width(text[cut:])
                if lower > 0 and upper <= capacity and lower <= capacity:
                    score = (upper - lower) if upper >= lower else capacity + (lower - upper)
                    if best is None or score < best[0]:
                        best = (score, cut)
        if best is None:
            continue
        first = p.runs[0]
        for run in p.runs[1:]:
            run._r.getparent().remove(run._r)
        first.text = text[:best[1]] + "\n" + text[best[1]:]


def fit_letterhead(doc: DocxDocument) -> None:
    """A 发文机关标志 wider than the 版心 is narrowed (w:w), then made smaller, until it fits one line."""
    available = layout.TEXT_WIDTH_MM * layout.MM
    for p in doc.paragraphs:
        if _role(p) != "letterhead" or not p.text.strip():
            continue
        size = p.style.font.size.pt if p.style is not None and p.style.font.size else layout.LETTERHEAD_PT
        needed = text_width(p.text.strip()) * size
        if needed <= available:
            continue
        scale = max(layout.LETTERHEAD_MIN_SCALE, int(100 * available / needed))
        smaller = min(size, available / (text_width(p.text.strip()) * scale / 100))
        for run in p.runs:
            rPr = run._r.get_or_add_rPr()
            w = rPr.find(qn("w:w"))
            if w is None:
                w = OxmlElement("w:w")
                rPr.append(w)
            w.set(qn("w:val"), str(scale))
            if smaller < size:
                run.font.size = Pt(int(smaller * 2) / 2)
        _sort_rpr(p)


def _sort_rpr(p: DocxParagraph) -> None:
    """Keep run properties in schema order after appending (w:w must precede w:sz and come after w:color …)."""
    order = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
             "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
             "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]
    rank = {qn(f"w:{t}"): i for i, t in enumerate(order)}
    for run in p.runs:
        rPr = run._r.rPr
        if rPr is None:
            continue
        children = sorted(rPr, key=lambda el: rank.get(el.tag, len(order)))
        for child in children:
            rPr.append(child)


def _rule(mm: float) -> str:
    """A rule's thickness as a border's w:sz (eighths of a point)."""
    return str(max(2, round(mm * layout.MM * 8)))


def anchor_colophon(doc: DocxDocument, *, letter: bool = False) -> None:
    """The 版记 (the 抄送 and 印发 paragraphs at the end) moved into a one-column table floating at the
    foot of the 版心: rules as wide as the 版心 (0.35 mm first and last, 0.25 mm between), text one
    character in from each side. In a ``letter`` (信函格式, GB/T 9704 §10.1) the 版记 has no 印发机关,
    印发日期 or rules: the 印发 paragraphs are dropped and the table has no borders."""
    rows: list[Any] = []
    for p in reversed(doc.paragraphs):
        role = _role(p)
        if role == "printer" and letter:
            p._p.getparent().remove(p._p)
        elif role in ("cc", "printer"):
            rows.insert(0, p._p)
        elif p.text.strip():
            break
    if not rows:
        return
    width = round(layout.TEXT_WIDTH_MM * layout.MM * layout.TWIPS_PER_PT)
    side = round(layout.COLOPHON_PT * layout.TWIPS_PER_PT * layout.COLOPHON_SIDE_INDENT_CHARS)
    outer, inner = _rule(layout.COLOPHON_OUTER_RULE_MM), _rule(layout.COLOPHON_INNER_RULE_MM)
    tbl = OxmlElement("w:tbl")
    tblPr = _sub(tbl, "w:tblPr", {})
    _sub(tblPr, "w:tblpPr", {"w:leftFromText": "0", "w:rightFromText": "0", "w:vertAnchor": "margin",
                             "w:horzAnchor": "margin", "w:tblpXSpec": "center", "w:tblpYSpec": "bottom"})
    _sub(tblPr, "w:tblOverlap", {"w:val": "never"})
    _sub(tblPr, "w:tblW", {"w:w": str(width), "w:type": "dxa"})
    _sub(tblPr, "w:jc", {"w:val": "center"})
    borders = _sub(tblPr, "w:tblBorders", {})
    if letter:
        outer = inner = "0"
    for name, size in (("top", outer), ("left", "0"), ("bottom", outer), ("right", "0"), ("insideH", inner),
                       ("insideV", "0")):
        _sub(borders, f"w:{name}", {"w:val": "single" if size != "0" else "nil", "w:sz": size, "w:space": "0",
                                    "w:color": "000000"})
    _sub(tblPr, "w:tblLayout", {"w:type": "fixed"})
    margins = _sub(tblPr, "w:tblCellMar", {})
    for name, value in (("top", "0"), ("left", str(side)), ("bottom", "0"), ("right", str(side))):
        _sub(margins, f"w:{name}", {"w:w": value, "w:type": "dxa"})
    _sub(tblPr, "w:tblLook", {"w:val": "0000"})
    _sub(_sub(tbl, "w:tblGrid", {}), "w:gridCol", {"w:w": str(width)})
    rows[0].addprevious(tbl)
    for p in rows:
        tc = _sub(_sub(tbl, "w:tr", {}), "w:tc", {})
        _sub(_sub(tc, "w:tcPr", {}), "w:tcW", {"w:w": str(width), "w:type": "dxa"})
        tc.append(p)            # moves the paragraph out of the body
    # The body must end with a paragraph: a hairline one, so it never pushes onto a page of its own.
    if tbl.getnext() is None or tbl.getnext().tag != qn("w:p"):
        end = OxmlElement("w:p")
        pPr = _sub(end, "w:pPr", {})
        _sub(pPr, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": "20", "w:lineRule": "exact"})
        _sub(_sub(pPr, "w:rPr", {}), "w:sz", {"w:val": "2"})
        tbl.addnext(end)


def _sub(parent: Any, tag: str, attrs: dict[str, str]) -> Any:
    el = etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


# --- 信函格式 ------------------------------------------------------------------------------------------

_WPS_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
_EMU_PER_PT = 12700
# w:pPr children in schema order (CT_PPrBase, then rPr …), to put direct formatting where Word expects it
_PPR_ORDER = [qn(f"w:{t}") for t in (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
    "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")]


def _put_ppr(p: Any, tag: str, attrs: dict[str, str]) -> Any:
    """Set one w:pPr child of paragraph element ``p`` (replacing any), in schema order."""
    pPr = p.get_or_add_pPr()
    name = qn(tag)
    for old in pPr.findall(name):
        pPr.remove(old)
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    rank = _PPR_ORDER.index(name)
    after = next((c for c in pPr if c.tag in _PPR_ORDER and _PPR_ORDER.index(c.tag) > rank), None)
    if after is not None:
        after.addprevious(el)
    else:
        pPr.append(el)
    return el


def _twips(points: float) -> str:
    return str(round(points * layout.TWIPS_PER_PT))


def _drop_file_suffix(doc: DocxDocument) -> None:
    """The 标志 of a letter in 信函格式 is the organ's name alone: a trailing “文件” (the 文件格式 标志
    the templates spell) is removed."""
    for p in doc.paragraphs:
        if _role(p) != "letterhead" or not p.text.strip():
            continue
        cut = len(FILE_SUFFIX) if p.text.rstrip().endswith(FILE_SUFFIX) else 0
        for run in reversed(p.runs):
            text = run.text.rstrip() if cut else run.text
            take = min(cut, len(text))
            if text != run.text or take:
                run.text = text[:len(text) - take]
            cut -= take
            if not cut:
                break
        return


def _letterhead_size(p: DocxParagraph) -> float:
    sizes = [run.font.size.pt for run in p.runs if run.text.strip() and run.font.size is not None]
    if sizes:
        return min(sizes)
    style = p.style
    return style.font.size.pt if style is not None and style.font.size else layout.LETTERHEAD_PT


def _rule_shape(top: float, height_mm: float, shape_id: int) -> Any:
    """A red bar (a filled rectangle: its edges, not a stroke's centre, are where the rule is) of the
    信函格式 double rules, ``top`` points from the page top, centred on the page, wrapping no text."""
    x = round((layout.PAGE_WIDTH_MM - layout.LETTER_FORMAT_RULE_WIDTH_MM) / 2 * layout.MM * _EMU_PER_PT)
    y = round(top * _EMU_PER_PT)
    cx = round(layout.LETTER_FORMAT_RULE_WIDTH_MM * layout.MM * _EMU_PER_PT)
    cy = round(height_mm * layout.MM * _EMU_PER_PT)
    red = "{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in layout.RED_RGB))
    xml = (f'<w:r {_WPS_NS}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
           f'relativeHeight="{shape_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
           '<wp:simplePos x="0" y="0"/>'
           f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
           f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
           f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
           f'<wp:docPr id="{shape_id}" name="信函格式红色双线{shape_id}"/><wp:cNvGraphicFramePr/>'
           '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
           f'<wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
           '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
           f'<a:solidFill><a:srgbClr val="{red}"/></a:solidFill><a:ln><a:noFill/></a:ln></wps:spPr>'
           '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    return etree.fromstring(xml)


LETTER_RULE_SHAPE_ID = 9701          # docPr ids of the four bars (unique in the document)


def _double_rule(top: float, *, thick_first: bool) -> list[Any]:
    heights = [layout.LETTER_FORMAT_THICK_RULE_MM, layout.LETTER_FORMAT_THIN_RULE_MM]
    if not thick_first:
        heights.reverse()
    second = top + (heights[0] + layout.LETTER_FORMAT_RULE_GAP_MM) * layout.MM
    first_id = LETTER_RULE_SHAPE_ID + (0 if thick_first else 2)
    return [_rule_shape(top, heights[0], first_id), _rule_shape(second, heights[1], first_id + 1)]


def _framed(p: Any, *, top: float, line: float, align: str) -> None:
    """Paragraph ``p`` as a frame across the 版心, its line ``line`` points high (exact) starting
    ``top`` points from the page top, out of the flow of the text."""
    _put_ppr(p, "w:framePr", {"w:w": _twips(layout.TEXT_WIDTH_MM * layout.MM), "w:hSpace": "0", "w:vSpace": "0",
                              "w:wrap": "notBeside", "w:vAnchor": "page", "w:hAnchor": "margin", "w:x": "0",
                              "w:y": _twips(top)})
    borders = _put_ppr(p, "w:pBdr", {})          # no border (the 文件格式 red rule under the 发文字号)
    for side in ("top", "left", "bottom", "right"):
        _sub(borders, f"w:{side}", {"w:val": "nil"})
    _put_ppr(p, "w:snapToGrid", {"w:val": "0"})
    _put_ppr(p, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": _twips(line), "w:lineRule": "exact"})
    _put_ppr(p, "w:ind", {"w:left": "0", "w:leftChars": "0", "w:right": "0", "w:rightChars": "0",
                          "w:firstLine": "0", "w:firstLineChars": "0"})
    _put_ppr(p, "w:jc", {"w:val": align})


def to_letter_format(doc: DocxDocument) -> None:
    """Page 1 in 信函格式 (GB/T 9704 §10.1), the positions from ``layout.letter_format_header``: the
    标志 and the 发文字号 that open the body move into a first-page header (``w:titlePg``) as frames
    anchored to the page, the 标志's top 30 mm from the page top, the 发文字号 flush right 7/8 of a
    character under the thick-over-thin red double rule that is 4 mm under the 标志; a thin-over-thick
    one 20 mm above the bottom edge; both 170 mm, centred on the page. The first-page footer is empty
    (no page number on page 1) and the title's space before puts it on the row the PDF puts it on.
    Without a 标志 only the page number of page 1 goes."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    for child in list(footer._element):
        footer._element.remove(child)
    footer._element.append(OxmlElement("w:p"))
    head: dict[str, DocxParagraph] = {}
    for p in doc.paragraphs:
        if not p.text.strip():
            continue
        role = _role(p)
        if role in ("letterhead", "doc_number") and role not in head:
            head[role] = p
            continue
        break
    header = section.first_page_header
    header.is_linked_to_previous = False
    hdr = header._element
    for child in list(hdr):
        hdr.remove(child)
    letterhead, number = head.get("letterhead"), head.get("doc_number")
    anchor = OxmlElement("w:p")                  # holds the rules; a hairline in the header's own flow
    _put_ppr(anchor, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": "20", "w:lineRule": "exact"})
    if letterhead is None:
        hdr.append(anchor)
        return
    size = _letterhead_size(letterhead)
    top = layout.LETTER_FORMAT_LETTERHEAD_TOP_MM * layout.MM
    lines = letterhead.text.count("\n") + 1
    rule_top, _bottom, number_slot, first_row = layout.letter_format_header(top + lines * size, number is not None)
    _framed(letterhead._p, top=top, line=size, align="center")
    hdr.append(letterhead._p)
    if number is not None:
        # a line as high as its type, like the 标志's: Word and LibreOffice then put the glyphs where
        # the PDF does, the em box centred in the row slot (a taller exact line they fill differently)
        em_top = number_slot + (layout.LINE_PITCH_PT - layout.BODY_PT) / 2
        _framed(number._p, top=em_top, line=layout.BODY_PT, align="right")
        hdr.append(number._p)
    for shape in (_double_rule(rule_top, thick_first=True)
                  + _double_rule(layout.letter_format_bottom_rule_top(), thick_first=False)):
        anchor.append(shape)
    hdr.append(anchor)
    first = next((p for p in doc.paragraphs if p.text.strip()), None)
    if first is not None:
        rows = round((first_row - layout.TOP_MARGIN_MM * layout.MM) / layout.LINE_PITCH_PT)
        spacing = first._p.get_or_add_pPr().find(qn("w:spacing"))
        if spacing is None:
            spacing = _put_ppr(first._p, "w:spacing", {})
        spacing.set(qn("w:before"), str(rows * layout.LINE_PITCH_TWIPS))
        spacing.attrib.pop(qn("w:beforeLines"), None)
        spacing.attrib.pop(qn("w:beforeAutospacing"), None)


# --- explaining a broken template -----------------------------------------------------------------

def _paragraph_texts(root: Any) -> Iterator[str]:
    for p in root.iter(qn("w:p")):
        yield "".join(t.text or "" for t in p.iter(qn("w:t")))


def _template_texts(tpl: DocxTemplate) -> list[str]:
    """The text of every paragraph of the template (body, tables, headers, footers)."""
    doc: DocxDocument = tpl.docx
    roots: list[Any] = [doc.element.body]
    for rel in doc.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external:
            roots.append(etree.fromstring(rel.target_part.blob))
    return [text for root in roots for text in _paragraph_texts(root)]


def _template_tags(tpl: DocxTemplate) -> list[str]:
    """Every ``{{ … }}`` and ``{% … %}`` of the template, in order, as the office typed them."""
    return [m.group(0) for text in _template_texts(tpl) for m in _TAG.finditer(text)]


def _unclosed(texts: list[str]) -> str | None:
    """A ``{{`` or ``{%`` that is not closed in its paragraph, with what follows it."""
    for text in texts:
        rest = _TAG.sub("", text)
        match = re.search(r"\{[{%].{0,20}", rest)
        if match:
            return match.group(0)
    return None


def _plain(tag: str) -> str:
    """docxtpl's ``{%p if x %}`` as plain Jinja ``{% if x %}``."""
    return _TAG_FLAVOUR.sub(lambda m: m.group(1) + " ", tag)


def _keyword(tag: str) -> str:
    inner = _plain(tag)[2:-2].strip("-+ \t\n")
    return inner.split()[0] if tag.startswith("{%") and inner.split() else ""


def _alone_error(tag: str, env: jinja2.Environment) -> jinja2.TemplateSyntaxError | None:
    keyword = _keyword(tag)
    if keyword.startswith("end") or keyword in _INNER_TAGS:
        return None
    source = _plain(tag)
    if keyword in _BLOCK_TAGS or (keyword == "set" and "=" not in tag):
        source += "{% " + _BLOCK_TAGS.get(keyword, "endset") + " %}"
    try:
        env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        return exc
    return None


def _reason(exc: jinja2.TemplateSyntaxError) -> str:
    message = exc.message or ""
    if m := re.search(r"No filter named '([^']+)'", message):
        return f"没有名为“{m.group(1)}”的过滤器"
    if m := re.search(r"No test named '([^']+)'", message):
        return f"没有名为“{m.group(1)}”的判断"
    if m := re.search(r"unknown tag '([^']+)'", message):
        return f"“{m.group(1)}”不是可用的语句"
    if "Expected an expression" in message:
        return "缺少条件或表达式"
    if "unexpected" in message.lower():
        return "有多余或不完整的符号"
    return "写法有误"


def _syntax_message(name: str, tags: list[str], env: jinja2.Environment, exc: jinja2.TemplateSyntaxError) -> str:
    for tag in tags:
        error = _alone_error(tag, env)
        if error is not None:
            return f"模板“{name}”中的占位符 {tag} 写法有误：{_reason(error)}，请修改后再试"
    stack: list[tuple[str, str]] = []
    for tag in tags:
        keyword = _keyword(tag)
        if keyword in _BLOCK_TAGS:
            stack.append((keyword, tag))
        elif keyword.startswith("end"):
            if not stack or _BLOCK_TAGS[stack[-1][0]] != keyword:
                return f"模板“{name}”中的 {tag} 没有对应的开始语句，请修改后再试"
            stack.pop()
    if stack:
        keyword, tag = stack[-1]
        return f"模板“{name}”中的 {tag} 缺少结束语句 {{% {_BLOCK_TAGS[keyword]} %}}，请修改后再试"
    return f"模板“{name}”中有占位符写法有误：{_reason(exc)}，请修改后再试"


def _undefined_message(name: str, tags: list[str], exc: jinja2.UndefinedError) -> str:
    message = exc.message or str(exc)
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'|has no element '?([^'\s]+)'?", message)
    key = next((g for g in match.groups() if g), "") if match else ""
    if key:
        word = re.compile(rf"(?<![\w]){re.escape(key)}(?![\w])")
        for tag in tags:
            if word.search(_plain(tag)[2:-2]):
                return f"模板“{name}”中的占位符 {tag} 无法识别：没有“{key}”这一项，请对照占位符说明修改"
        return f"模板“{name}”中的占位符“{key}”无法识别，请对照占位符说明修改"
    return f"模板“{name}”中有占位符无法识别，请对照占位符说明修改"


# --- reading a rendered letter back -----------------------------------------------------------------

def read_model(source: bytes | DocxDocument, kind: str) -> Document:
    """The letter's blocks in body order: each paragraph with the role its style names (an unknown
    style reads as ``body``, an empty paragraph is dropped), each table as a ``Table``. ``source``
    is a DOCX file's bytes, or the document ``build_docx`` made (no need to save and parse it again)."""
    if isinstance(source, bytes):
        try:
            doc = open_docx(io.BytesIO(source))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
            raise UserError("文书不是有效的 Word 文档（.docx），无法读取") from None
    else:
        doc = source
    head = _letter_head(doc)
    blocks: list[Paragraph | Table] = list(head)
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = DocxParagraph(child, doc._body)
            text = paragraph.text
            if text.strip():
                blocks.append(Paragraph(_role(paragraph) or "body", text))
        elif child.tag == qn("w:tbl"):
            inside = [DocxParagraph(p, doc._body) for p in child.iter(qn("w:p"))]
            inside = [p for p in inside if p.text.strip()]
            if inside and all(_role(p) in ("cc", "printer") for p in inside):    # the 版记
                blocks.extend(Paragraph(_role(p) or "body", p.text) for p in inside)
            else:
                blocks.append(_table(child, doc))
    known = KINDS.get(kind)
    footer_lines: list[str] = []
    if doc.sections and not doc.sections[0].footer.is_linked_to_previous:
        footer_lines = [p.text.strip() for p in doc.sections[0].footer.paragraphs
                        if _style_name(p) == PAGE_FOOTER_STYLE]
    form = known is not None and known.format == FORM_FORMAT
    fmt = FORM_FORMAT if form else LETTER_FORMAT if head else FILE_FORMAT
    return Document(kind=kind, format=fmt, blocks=blocks,
                    sealed=kind not in UNSEALED_KINDS, page_footer="\n".join(t for t in footer_lines if t))


def _letter_head(doc: DocxDocument) -> list[Paragraph]:
    """The 标志 and 发文字号 of a letter in 信函格式: in the first-page header (``to_letter_format``)."""
    if not doc.sections or not doc.sections[0].different_first_page_header_footer:
        return []
    header = doc.sections[0].first_page_header
    if header.is_linked_to_previous:
        return []
    found = [Paragraph(role, p.text) for p in header.paragraphs
             if (role := _role(p) or "") in ("letterhead", "doc_number") and p.text.strip()]
    return found if found and found[0].role == "letterhead" else []


def _style_name(paragraph: DocxParagraph) -> str:
    try:
        return (paragraph.style.name if paragraph.style is not None else "") or ""
    except (KeyError, ValueError):
        return ""


def _cell_text(tc: Any, doc: DocxDocument) -> tuple[str, bool, str]:
    paragraphs = [DocxParagraph(p, doc._body) for p in tc.iter(qn("w:p"))]
    text = "\n".join(p.text for p in paragraphs).strip("\n")
    runs = [r for p in paragraphs for r in p.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)
    first = paragraphs[0] if paragraphs else None
    align = "center" if first is not None and first.alignment is not None and int(first.alignment) == 1 else "left"
    return text, bold, align


def _table(tbl: Any, doc: DocxDocument) -> Table:
    grid = [int(col.get(qn("w:w")) or 0) for col in tbl.iter(qn("w:gridCol"))]
    total = sum(grid)
    widths = [w / total for w in grid] if total else [1 / max(1, len(grid))] * len(grid)
    rows: list[list[Cell]] = []
    min_lines: list[int] = []
    open_cells: dict[int, Cell] = {}        # grid column → the cell a vertical merge continues
    for tr in tbl.iterchildren(qn("w:tr")):
        min_lines.append(_row_lines(tr))
        row: list[Cell] = []
        column = 0
        for tc in tr.iterchildren(qn("w:tc")):
            tcPr = tc.find(qn("w:tcPr"))
            span_el = tcPr.find(qn("w:gridSpan")) if tcPr is not None else None
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            merge = tcPr.find(qn("w:vMerge")) if tcPr is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart" and column in open_cells:
                open_cells[column].rowspan += 1
            else:
                text, bold, align = _cell_text(tc, doc)
                cell = Cell(text=text, colspan=span, bold=bold, align=align)
                row.append(cell)
                if merge is not None:
                    open_cells[column] = cell
                else:
                    open_cells.pop(column, None)
            column += span
        rows.append(row)
    return Table(rows=rows, widths=widths, min_row_lines=min_lines if any(min_lines) else [])


def _row_lines(tr: Any) -> int:
    """A row's writing room in form lines: a minimum height (w:trHeight, “at least”) of
    ``n × FORM_LINE_PITCH_PT`` plus the cell padding above and below reads as ``n``; 0 without one."""
    trPr = tr.find(qn("w:trPr"))
    height = trPr.find(qn("w:trHeight")) if trPr is not None else None
    if height is None or height.get(qn("w:hRule")) not in (None, "atLeast"):
        return 0
    try:
        points = int(height.get(qn("w:val")) or 0) / layout.TWIPS_PER_PT
    except ValueError:
        return 0
    lines = (points - 2 * layout.FORM_CELL_PAD_Y_MM * layout.MM) / layout.FORM_LINE_PITCH_PT
    return max(0, math.floor(lines + 0.25))


def docx_text(docx_bytes: bytes) -> list[str]:
    """Every non-empty paragraph and cell text of a DOCX body, in order (for comparisons)."""
    return read_model(docx_bytes, "").text_lines()


def tags_in(paragraph_texts: Iterable[str]) -> list[str]:
    """The Jinja tags in some texts (to check a rendered letter has none left)."""
    return [m.group(0) for text in paragraph_texts for m in _TAG.finditer(text)]
