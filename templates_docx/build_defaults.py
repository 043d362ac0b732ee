"""Build the default letter templates in this folder (python-docx).

    .venv/bin/python templates_docx/build_defaults.py            # writes the .docx files here
    .venv/bin/python templates_docx/build_defaults.py --check    # exit 1 if a file differs

Each letter template is laid out as a 文件格式 letter (GB/T 9704-2012): the 标志 reads “…文件” and
opens the body; a letter the office prints in 信函格式 is rearranged when it is rendered
(``documents.docx_render.to_letter_format``), so one template serves both. Every paragraph carries one of the styles
named in ``documents.model.ROLE_STYLES``; the styles set the East Asian fonts, the sizes (二号,
三号, 四号), the 2-character first-line indent and the exact line spacing of the 22-line grid, so an
office restyles a letter in Word or WPS by editing a style. The wording, with its docxtpl/Jinja
placeholders (see ``docs/templates.md``), is written out below, one paragraph per line. The output
is byte-for-byte reproducible: fixed document properties and fixed dates inside the zip.
"""
from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:          # run as a script from anywhere
    sys.path.insert(0, str(HERE.parent))

from docx import Document as new_docx  # noqa: E402
from docx.document import Document as DocxDocument  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402

from documents import layout  # noqa: E402
from documents.docx_render import (  # noqa: E402
    DEFAULT_FAMILIES,
    PAGE_FOOTER_STYLE,
    UNSEALED_KINDS,
    apply_layout,
    drop_unneeded_parts,
    text_width,
)
from documents.model import ROLE_STYLES  # noqa: E402

FIXED_TIME = datetime(2026, 1, 1)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
LINE = layout.LINE_PITCH_TWIPS
FORM_LINE = round(layout.FORM_LINE_PITCH_PT * layout.TWIPS_PER_PT)
RED = "{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in layout.RED_RGB))


def _twips_mm(mm: float) -> int:
    return round(mm * layout.MM * layout.TWIPS_PER_PT)


def _eighths_mm(mm: float) -> int:
    """A rule's thickness in eighths of a point (w:sz of a border)."""
    return max(2, round(mm * layout.MM * 8))


@dataclass(frozen=True)
class StyleSpec:
    align: str = "both"                 # left | center | right | both (justified)
    first_line_chars: int = 0
    left_chars: int = 0
    right_chars: int = 0
    hanging_chars: int = 0
    before: int = 0                     # space above, in twips
    after: int = 0                      # space below, in twips
    line: int = LINE                    # exact line height, in twips
    snap: bool = True                   # snap to the document grid
    keep_next: bool = False
    contextual: bool = False            # no space above when the paragraph before has the same style
    color: str = ""
    borders: tuple[tuple[str, int, int, str], ...] = ()   # (side, w:sz, w:space pt, colour)
    tabs: tuple[tuple[str, int], ...] = ()                # (alignment, position twips)
    extra_rpr: str = ""


def _specs(*, letterhead: bool, sealed: bool) -> dict[str, StyleSpec]:
    body_indent = layout.FIRST_LINE_INDENT_CHARS
    colophon_side = layout.COLOPHON_SIDE_INDENT_CHARS
    text_width = _twips_mm(layout.TEXT_WIDTH_MM)
    colophon_char = round(layout.COLOPHON_PT * layout.TWIPS_PER_PT)
    rule = _eighths_mm(layout.SEPARATOR_RULE_MM)
    # w:space counts from the bottom of the number's line, which is about half the leading below its glyphs
    rule_space = max(0, round(layout.SEPARATOR_BELOW_NUMBER_MM * layout.MM - (layout.LINE_PITCH_PT - layout.BODY_PT) / 2))
    return {
        # the 标志's line is as high as its glyphs, so their top sits 35 mm below the top of the 版心
        "letterhead": StyleSpec(align="center", before=_twips_mm(layout.LETTERHEAD_TOP_FROM_TEXT_TOP_MM),
                                line=round(layout.LETTERHEAD_PT * layout.TWIPS_PER_PT), snap=False, color=RED),
        "doc_number": StyleSpec(align="center", before=LINE * layout.BLANK_LINES_ABOVE_DOC_NUMBER,
                                borders=(("bottom", rule, rule_space, RED),)),
        # two blank lines under the red rule, counted from the 发文字号's line: the rule's own room
        # (its distance below the text and its thickness) comes out of the first blank line
        "title": StyleSpec(align="center", snap=False, keep_next=True,
                           before=(LINE * layout.BLANK_LINES_ABOVE_TITLE
                                   - (rule_space * layout.TWIPS_PER_PT + rule * layout.TWIPS_PER_PT // 8))
                           if letterhead else 0),
        "addressee": StyleSpec(align="left", before=LINE * layout.BLANK_LINES_ABOVE_ADDRESSEE, keep_next=True),
        "body": StyleSpec(first_line_chars=body_indent),
        "heading1": StyleSpec(first_line_chars=body_indent, keep_next=True),
        "heading2": StyleSpec(first_line_chars=body_indent, keep_next=True),
        "heading3": StyleSpec(first_line_chars=body_indent, keep_next=True),
        "attachment_note": StyleSpec(first_line_chars=layout.ATTACHMENT_NOTE_INDENT_CHARS,
                                     before=LINE * layout.BLANK_LINES_ABOVE_BLOCK),
        "signature": StyleSpec(align="right",
                               right_chars=(layout.SEALED_DATE_RIGHT_INDENT_CHARS if sealed
                                            else layout.SIGNATURE_RIGHT_INDENT_CHARS),
                               before=LINE * (layout.BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL if sealed
                                              else layout.BLANK_LINES_ABOVE_BLOCK), keep_next=True,
                               contextual=True),
        "date": StyleSpec(align="right", right_chars=(layout.SEALED_DATE_RIGHT_INDENT_CHARS if sealed
                                                      else layout.SIGNATURE_RIGHT_INDENT_CHARS)),
        "note": StyleSpec(first_line_chars=body_indent),
        # 版记: the renderer puts these paragraphs in a table at the foot of the 版心 whose cell margins
        # (one character) and rules (0.35 / 0.25 mm) come from layout; wrapped 抄送 lines align after “抄送：”.
        "cc": StyleSpec(left_chars=3, hanging_chars=3, snap=False, align="left"),
        "printer": StyleSpec(align="left", snap=False,
                             tabs=(("right", text_width - 2 * colophon_char * colophon_side),)),
        # forms: the title, one form line of space under it; cell text on the PDF's form line pitch
        "form_title": StyleSpec(align="center", snap=False, keep_next=True, after=FORM_LINE * layout.FORM_TITLE_GAP_LINES),
        "form_text": StyleSpec(align="left", line=FORM_LINE, snap=False),
        "plain": StyleSpec(),
    }


def _style_xml(role: str, spec: StyleSpec, family: str, *, name: str = "", size_pt: float = 0.0) -> str:
    size = round((size_pt or layout.ROLE_SIZE_PT.get(role, layout.BODY_PT)) * 2)
    ppr = []
    if spec.keep_next:
        ppr.append("<w:keepNext/>")
    if spec.borders:
        sides = "".join(f'<w:{side} w:val="single" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'
                        for side, sz, space, color in spec.borders)
        ppr.append(f"<w:pBdr>{sides}</w:pBdr>")
    if spec.tabs:
        ppr.append("<w:tabs>" + "".join(f'<w:tab w:val="{a}" w:pos="{pos}"/>' for a, pos in spec.tabs) + "</w:tabs>")
    if not spec.snap:
        ppr.append('<w:snapToGrid w:val="0"/>')
    ppr.append(f'<w:spacing w:before="{spec.before}" w:after="{spec.after}" w:line="{spec.line}" w:lineRule="exact"/>')
    char = layout.CHAR_PITCH_TWIPS
    ind = {"w:firstLineChars": spec.first_line_chars * 100, "w:firstLine": spec.first_line_chars * char,
           "w:leftChars": spec.left_chars * 100, "w:left": spec.left_chars * char,
           "w:rightChars": spec.right_chars * 100, "w:right": spec.right_chars * char}
    if spec.hanging_chars:
        ind = {k: v for k, v in ind.items() if "firstLine" not in k}
        ind |= {"w:hangingChars": spec.hanging_chars * 100, "w:hanging": spec.hanging_chars * char}
    ppr.append("<w:ind " + " ".join(f'{k}="{v}"' for k, v in ind.items()) + "/>")
    if spec.contextual:
        ppr.append("<w:contextualSpacing/>")
    ppr.append(f'<w:jc w:val="{spec.align}"/>')
    fonts = " ".join(f"w:{k}={quoteattr(family)}" for k in ("ascii", "hAnsi", "eastAsia", "cs"))
    rpr = f"<w:rFonts {fonts}/>"
    if spec.color:
        rpr += f'<w:color w:val="{spec.color}"/>'
    if size == round(layout.BODY_PT * 2):
        rpr += f'<w:spacing w:val="{layout.BODY_TRACKING_TWIPS}"/>'
    rpr += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>{spec.extra_rpr}'
    return (f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="rc-{role.replace("_", "-")}">'
            f'<w:name w:val="{name or ROLE_STYLES[role]}"/><w:next w:val="rc-body"/><w:qFormat/>'
            f'<w:pPr>{"".join(ppr)}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def _setup_styles(doc: DocxDocument, *, letterhead: bool, sealed: bool, page_footer: bool = False) -> None:
    styles = doc.styles.element
    # Only what the letters use: Word's own built-in styles would crowd the office's style list.
    for style in list(styles.iterchildren(qn("w:style"))):
        if style.get(qn("w:default")) != "1":
            styles.remove(style)
    body = DEFAULT_FAMILIES["body"]
    defaults = styles.find(qn("w:docDefaults"))
    styles.replace(defaults, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii={quoteattr(body)} w:hAnsi={quoteattr(body)} w:eastAsia={quoteattr(body)} '
        f'w:cs={quoteattr(body)}/><w:kern w:val="2"/><w:sz w:val="{round(layout.BODY_PT * 2)}"/>'
        f'<w:szCs w:val="{round(layout.BODY_PT * 2)}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/>'
        f'<w:autoSpaceDN w:val="0"/><w:spacing w:after="0" w:line="{LINE}" w:lineRule="exact"/><w:jc w:val="both"/>'
        '</w:pPr></w:pPrDefault></w:docDefaults>'))
    normal = next(s for s in styles.iterchildren(qn("w:style"))
                  if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) == "1")
    for child in list(normal):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            normal.remove(child)
    specs = _specs(letterhead=letterhead, sealed=sealed)
    for role in ROLE_STYLES:
        styles.append(parse_xml(_style_xml(role, specs[role], DEFAULT_FAMILIES[layout.ROLE_FONT[role]])))
    if page_footer:     # forms: the line printed at the foot of every page (docx_render.PAGE_FOOTER_STYLE)
        styles.append(parse_xml(_style_xml("page_footer", StyleSpec(align="right", line=FORM_LINE, snap=False),
                                           DEFAULT_FAMILIES["body"], name=PAGE_FOOTER_STYLE,
                                           size_pt=layout.PAGE_FOOTER_PT)))


# --- forms: bordered tables ------------------------------------------------------------------------

@dataclass(frozen=True)
class C:
    """A form cell. ``text`` lines (``\n``) are paragraphs of the cell; ``merge`` is ``restart`` for a
    cell that continues down into the cells marked ``continue`` below it (w:vMerge)."""

    text: str = ""
    span: int = 1
    merge: str = ""
    bold: bool = False
    align: str = "left"                  # left (justified) | center


@dataclass(frozen=True)
class Row:
    cells: tuple[C, ...]
    lines: int = 0                       # writing room: at least this many form lines high


@dataclass(frozen=True)
class Grid:
    """A bordered table as wide as the 版心. ``widths`` are fractions of it; a ``str`` row is a
    docxtpl row statement (``{%tr for … %}``) on a row of its own."""

    widths: tuple[float, ...]
    rows: tuple[Row | str, ...]


def R(*cells: C, lines: int = 0) -> Row:
    return Row(tuple(cells), lines)


def label(text: str, span: int = 1, *, merge: str = "") -> C:
    return C(text, span, merge, align="center")


def section(text: str, span: int) -> C:
    return C(text, span, bold=True, align="center")


FORM_CHAR_MM = layout.FORM_PT * layout.GRID_SCALE / layout.MM      # a 小四 character's cell in the PDF
WORD_FORM_CHAR_MM = layout.FORM_PT / layout.MM                      # … in Word (no tracking at 小四)


def flush_right(text: str, width: float) -> str:
    """``text`` pushed to the right of a cell ``width`` (a fraction of the 版心) wide, one character
    short of its right edge, with ideographic spaces (cells have no right alignment)."""
    inner = width * layout.TEXT_WIDTH_MM - 2 * layout.FORM_CELL_PAD_X_MM
    capacity = int(inner / max(FORM_CHAR_MM, WORD_FORM_CHAR_MM))
    return "\u3000" * max(0, capacity - 1 - round(text_width(text) + 0.49)) + text


def sign_box(width: float, *lines: str, room: int = 3) -> str:
    """An opinion box: ``room`` blank lines to write in, then ``lines`` flush right (signature, date).
    The first line is an ideographic space: an empty first paragraph would be dropped when read back."""
    return "\n".join(["\u3000", *[""] * (room - 1), *(flush_right(t, width) for t in lines)])


BLANK_DATE_TEXT = "　　年　　月　　日"         # documents.context.BLANK_DATE


@dataclass
class Letter:
    kind: str
    title: str                                  # the document property
    letterhead: bool = True
    paragraphs: list[tuple[str, str] | Grid] = field(default_factory=list)
    page_footer: str = ""                       # forms: a line at the foot of every page
    form: bool = False


def _head(title: str, addressee: str = "") -> list[tuple[str, str]]:
    """标志 (…文件: 信函格式 drops the word when rendering), 发文字号, title and, when given, 主送."""
    return [("letterhead", "{{ office.letterhead }}文件"), ("doc_number", "{{ number }}"),
            ("title", title), *([("addressee", addressee)] if addressee else [])]


def _sign() -> list[tuple[str, str]]:
    return [("signature", "{{ office.signature }}"), ("date", "{{ date }}")]


INVESTIGATION_REPORT = Letter("investigation-report", "调查核实报告", letterhead=False, paragraphs=[
    ("title", "关于{{ cadre_names }}同志容错免责申请的调查核实报告"),
    ("addressee", "{{ office.decision_body }}："),
    ("body", "根据《{{ policy.name }}》有关规定，{{ office.we }}对{{ applicant.display }}提出的容错免责申请进行了"
             "调查核实。现将有关情况报告如下："),
    ("heading1", "一、申请及受理情况"),
    ("body", "{%p for c in cadres %}"),
    ("body", "{{ c.intro }}"),
    ("body", "{%p endfor %}"),
    ("body", "{{ accountability.started_on }}，{{ accountability.organ }}就“{{ accountability.matter }}”问题对"
             "{{ cadre_phrase }}启动追责程序。{{ case.received_on }}，{{ applicant.display }}向{{ office.we }}"
             "提出书面容错免责申请，申请适用{{ situation_names }}。"),
    ("body", "{%p if case.late_application %}"),
    ("body", "该申请超过规定的申请期限（应于{{ case.application_due }}前提出），因{{ case.late_reason }}，"
             "经研究予以受理。"),
    ("body", "{%p endif %}"),
    ("body", "{{ office.we }}于{{ case.accepted_on }}受理该申请，{{ suspension.sentence }}。"),
    ("body", "{%p if suspension.other_clues %}"),
    ("body", "本次暂缓追责仅限于申请容错免责的事项，其他问题线索（{{ suspension.other_clues }}）继续按规定调查处理。"),
    ("body", "{%p endif %}"),
    ("heading1", "二、调查核实工作情况"),
    ("body", "受理后，{{ office.we }}成立调查组{% if investigators %}（调查人员：{{ investigators }}）{% endif %}，"
             "采取谈话、调取资料等方式开展调查核实，共谈话{{ notes|length }}人次，调取相关资料{{ evidence|length }}份。"),
    ("body", "{%p for a in assessments %}"),
    ("body", "{{ a.date }}，{{ office.we }}组织{{ a.kind_label }}，{{ a.participants }}参加。评估意见：{{ a.opinion }}"),
    ("body", "{%p endfor %}"),
    ("body", "按照规定，调查核实应自受理之日起{{ policy.report_days }}个工作日内完成。"),
    ("body", "{%p for e in extensions %}"),
    ("body", "{{ e.date }}，因{{ e.reason }}，经{{ e.approver }}批准，调查核实期限延长{{ e.days }}个工作日。"),
    ("body", "{%p endfor %}"),
    ("body", "{%p if extensions %}"),
    ("body", "延长后，调查核实期限至{{ case.report_due }}（自受理之日起累计不超过"
             "{{ policy.verification_limit_days }}个工作日）。"),
    ("body", "{%p endif %}"),
    ("heading1", "三、查明的事实"),
    ("body", "{%p for f in facts %}"),
    ("body", "{{ f }}"),
    ("body", "{%p endfor %}"),
    ("body", "{%p if evidence %}"),
    ("body", "上述事实，有{{ evidence_titles }}等证据材料证实。"),
    ("body", "{%p endif %}"),
    ("heading1", "四、对照容错情形的分析"),
    ("body", "{%p for s in situations %}"),
    ("heading2", "{{ s.order }}关于{{ s.article }}“{{ s.short }}”"),
    ("body", "{{ s.article }}规定：“{{ s.text }}”。{{ s.analysis }}"),
    ("body", "{%p endfor %}"),
    ("heading1", "五、不得容错情形审查"),
    ("body", "{%p for e in exclusions %}"),
    ("body", "{{ e.index }}.是否存在“{{ e.text }}”情形：{{ e.finding }}。"),
    ("body", "{%p endfor %}"),
    ("body", "综上，{{ exclusion_finding }}。"),
    ("heading1", "六、“三个区分开来”分析"),
    ("body", "{%p for d in distinctions %}"),
    ("heading2", "{{ d.order }}{{ d.short }}"),
    ("body", "{{ d.text }}。{{ d.analysis }}"),
    ("body", "{%p endfor %}"),
    ("heading1", "七、处理建议"),
    ("body", "综上，调查组建议对{{ cadre_phrase }}在“{{ accountability.matter }}”问题中的责任"
             "{{ report.proposal.clause }}。"),
    ("body", "同时建议{{ cadre_units or applicant.name }}针对暴露出的问题认真查找原因，及时纠正偏差、完善制度，"
             "积极挽回损失和影响，防止类似问题再次发生。"),
    ("body", "以上报告，请审议。"),
    ("attachment_note", "{%p for ev in evidence %}"),
    ("attachment_note", "{{ '附件：' if loop.first else '　　　' }}{{ loop.index }}.{{ ev.title }}"),
    ("attachment_note", "{%p endfor %}"),
    ("signature", "调查组组长：　　　　"),
    ("signature", "调查组成员：　　　　"),
    ("date", "{{ date }}"),
])

DETERMINATION_LETTER = Letter("determination-letter", "容错免责认定书", paragraphs=[
    *_head("关于对{{ cadre_names }}同志容错免责申请的认定书", "{{ addressee }}："),
    ("body", "{{ applicant.display }}于{{ case.received_on }}向{{ office.we }}提出容错免责申请，申请对{{ cadre_ref }}"
             "在“{{ accountability.matter }}”问题中的责任予以容错免责。{{ office.we }}于{{ case.accepted_on }}"
             "受理该申请，{{ suspension.sentence }}。"),
    ("body", "{%p if suspension.other_clues %}"),
    ("body", "本次暂缓追责仅限于申请容错免责的事项，其他问题线索（{{ suspension.other_clues }}）继续按规定调查处理。"),
    ("body", "{%p endif %}"),
    ("body", "经调查核实，现认定如下："),
    ("body", "{%p for f in facts %}"),
    ("body", "{{ f }}"),
    ("body", "{%p endfor %}"),
    ("body", "{%p if outcome.tolerant %}"),
    ("body", "{{ cadre_phrase }}的上述行为，符合《{{ policy.name }}》{{ situations_cited }}的规定。经对照不得容错情形"
             "逐项审查，{{ exclusion_finding }}。"),
    ("body", "{%p else %}"),
    ("body", "{{ applicant.display }}申请适用《{{ policy.name }}》{{ situations_cited }}的规定。经对照不得容错情形"
             "逐项审查，{{ exclusion_finding }}。"),
    ("body", "{%p endif %}"),
    ("body", "{{ determination.reasoning }}据此，决定对{{ cadre_phrase }}在“{{ accountability.matter }}”问题中的责任"
             "{{ outcome.clause }}。"),
    ("body", "{%p if outcome.exempted %}"),
    ("body", "根据《{{ policy.name }}》规定，{{ cadre_phrase }}在{{ protections_text }}中不受影响。"),
    ("body", "{%p endif %}"),
    ("body", "请{{ cadre_units or applicant.name }}督促有关人员针对上述问题认真查找原因，及时纠正偏差、完善制度，"
             "积极挽回损失和影响，并于收到本认定书之日起30日内将纠错整改情况书面报送{{ office.we }}。"),
    ("body", "{%p if policy.review %}"),
    ("body", "如对本认定有异议，可以自收到本认定书之日起按规定向{{ office.we }}书面申请复核。"),
    ("body", "{%p endif %}"),
    *_sign(),
    ("cc", "{%p if cc %}"),
    ("cc", "抄送：{{ cc_text }}。"),
    ("cc", "{%p endif %}"),
    ("printer", "{{ office.printer }}\t{{ date }}印发"),
])

ACCEPTANCE_NOTICE = Letter("acceptance-notice", "容错免责申请受理通知书", paragraphs=[
    *_head("容错免责申请受理通知书", "{{ applicant.display }}："),
    ("body", "{{ applicant.you }}于{{ case.received_on }}提交的容错免责申请，经审查，符合受理条件，"
             "{{ office.we }}决定予以受理，{{ suspension.sentence }}。{{ office.we }}将自受理之日起"
             "{{ policy.report_days }}个工作日内完成调查核实。"),
    ("body", "{%p if case.late_application %}"),
    ("body", "该申请超过规定的申请期限（应于{{ case.application_due }}前提出），因{{ case.late_reason }}，"
             "经研究予以受理。"),
    ("body", "{%p endif %}"),
    ("body", "特此通知。"),
    *_sign(),
])

REJECTION_NOTICE = Letter("rejection-notice", "容错免责申请不予受理通知书", paragraphs=[
    *_head("容错免责申请不予受理通知书", "{{ applicant.display }}："),
    ("body", "{{ applicant.you }}于{{ case.received_on }}提交的容错免责申请，经审查，{{ case.rejection_reason }}。"
             "根据《{{ policy.name }}》有关规定，{{ office.we }}决定不予受理。"),
    ("body", "{%p if policy.review %}"),
    ("body", "如对本决定有异议，可以自收到本通知书之日起按规定向{{ office.we }}书面提出。"),
    ("body", "{%p endif %}"),
    ("body", "特此通知。"),
    *_sign(),
])

SUSPENSION_NOTICE = Letter("suspension-notice", "暂缓追责通知书", paragraphs=[
    *_head("暂缓追责通知书", "{{ suspension.department or accountability.organ }}："),
    ("body", "你单位对{{ cadre_phrase }}“{{ accountability.matter }}”问题启动的追责程序，{{ applicant.display }}已于"
             "{{ case.received_on }}提出容错免责申请，{{ office.we }}于{{ case.accepted_on }}受理。根据"
             "《{{ policy.name }}》有关规定，请你单位暂缓追责，待{{ office.we }}作出认定后按程序办理。"),
    ("body", "{%p if suspension.other_clues %}"),
    ("body", "本次暂缓追责仅限于申请容错免责的事项，{{ cadre_phrase }}涉及的其他问题线索"
             "（{{ suspension.other_clues }}）请继续按规定调查处理。"),
    ("body", "{%p endif %}"),
    ("body", "特此通知。"),
    *_sign(),
])

CADRE_STATEMENT = Letter("cadre-statement", "容错免责情况说明", paragraphs=[
    *_head("关于{{ cadre.name }}同志容错免责情况的说明"),
    ("body", "{%p for s in statements %}"),
    ("body", "{{ s }}"),
    ("body", "{%p endfor %}"),
    ("body", "特此说明。"),
    *_sign(),
])

# 容错免责申请表 (LETTERS §1). Columns: the label; a narrow one (check boxes, 序号); a value; a second
# label; a second value. The situations and the materials hang off a label merged down their rows,
# so a page never ends under a heading.
_A = (0.24, 0.08, 0.30, 0.14, 0.24)
_A_WIDE = 0.76
APPLICATION_FORM = Letter("application-form", "容错免责申请表", letterhead=False, form=True, paragraphs=[
    ("form_title", "容错免责申请表"),
    Grid(_A, (
        R(label("申请人类别"), C("{{ applicant_kind_boxes }}", 4)),
        "{%tr if show_person %}",
        R(label("姓　　名"), C("{{ person.name }}", 2), label("性　　别"), C("{{ person.gender }}")),
        R(label("出生年月"), C("{{ person.birth }}", 2), label("政治面貌"), C("{{ person.political_status }}")),
        R(label("工作单位及职务"), C("{{ person.post }}", 4)),
        R(label("身份证号码"), C("{{ person.id_number }}", 2), label("联系电话"), C("{{ person.phone }}")),
        "{%tr endif %}",
        "{%tr if show_unit %}",
        R(label("单位名称"), C("{{ unit.name }}", 4)),
        R(label("统一社会信用代码"), C("{{ unit.credit_code }}", 2), label("负 责 人"), C("{{ unit.head }}")),
        R(label("联 系 人"), C("{{ unit.contact_person }}", 2), label("联系电话"), C("{{ unit.phone }}")),
        R(label("涉及干部"), C("{{ unit.cadres }}", 4)),
        "{%tr endif %}",
        R(label("追责事项", merge="restart"), C("问责实施机关：{{ accountability.organ }}", 4)),
        R(C(merge="continue"), C("启动追责程序时间：{{ accountability.started_on }}", 4)),
        R(C(merge="continue"), C("相关文号：", 4)),
        R(C(merge="continue"), C("事项摘要：{{ accountability.matter }}", 4)),
        R(label("申请容错的\n事实和理由"),
          C("{%p for t in statement_paragraphs %}\n　　{{ t }}\n{%p endfor %}\n", 4), lines=10),
        "{%tr for s in situation_boxes %}",
        R(label("适用情形", merge="vm"), C("{{ s.box }}", align="center"), C("{{ s.article }}　{{ s.text }}", 3)),
        "{%tr endfor %}",
        R(label("自查情况", merge="restart"), C("是否为个人或他人谋取私利", 2), label("□是　□否", 2)),
        R(C(merge="continue"), C("是否经集体研究决策", 2), label("□是　□否", 2)),
        R(C(merge="continue"), C("是否已主动纠错挽损", 2), label("□是　□否", 2)),
        R(label("证明材料清单", merge="restart"), label("序号"), label("材料名称", 2), label("页数")),
        "{%tr for m in material_rows %}",
        R(C(merge="continue"), C("{{ m.index }}", align="center"), C("{{ m.title }}", 2),
          C("{{ m.pages }}", align="center")),
        "{%tr endfor %}",
        R(label("所在单位\n党组织意见"), C(sign_box(_A_WIDE, "（盖章）", BLANK_DATE_TEXT, room=4), 4)),
        R(label("申请人签名"), C("", 2), label("日　　期"), label("{{ blank_date }}"), lines=2),
        R(label("受理机关\n填写栏", merge="restart"), C("收件日期：{{ case.received_on or blank_date }}", 2),
          C("收件人：", 2)),
        R(C(merge="continue"), C("编号：{{ case.number }}", 4)),
    )),
])

_E = (0.22, 0.28, 0.22, 0.28)
EXTENSION_APPROVAL = Letter("extension-approval", "延长核实期限审批表", letterhead=False, form=True, paragraphs=[
    ("form_title", "延长核实期限审批表"),
    Grid(_E, (
        R(label("案件编号"), C("{{ case.number }}"), label("受理日期"), C("{{ case.accepted_on or blank_date }}")),
        R(label("申 请 人"), C("{{ applicant.name }}"), label("涉及干部"), C("{{ cadre_names }}")),
        R(label("追责事项"), C("{{ accountability.matter }}", 3)),
        R(label("原定完成期限"), C("{{ extension.due_before or blank_date }}"), label("申请延长\n工作日数"),
          C("{{ extension.days_text }}")),
        R(label("延长后完成期限"), C("{{ extension.due_after or blank_date }}"), label("最长完成期限"),
          C("{{ case.report_limit or blank_date }}")),
        R(C("注：调查核实期限自受理之日起累计不得超过{{ policy.verification_limit_days }}个工作日，"
            "延长后完成期限不得晚于最长完成期限。", 4)),
        R(label("延长理由"), C("{%p for t in extension.reason_paragraphs %}\n　　{{ t }}\n{%p endfor %}\n", 3),
          lines=5),
        R(label("承办人意见"), C(sign_box(0.78, "签名：　　　　　　", BLANK_DATE_TEXT), 3)),
        R(label("审批领导意见"), C(sign_box(0.78, "签名：　　　　　　", BLANK_DATE_TEXT), 3)),
        R(label("批 准 人"), C("{{ extension.approver }}"), label("批准日期"), C("{{ extension.date or blank_date }}")),
    )),
])

INTERVIEW_FOOTER = "被调查人签名：__________　日期：__________"
_N = (0.2, 0.3, 0.18, 0.32)
INTERVIEW_RECORD = Letter("interview-record", "谈话（调查）笔录", letterhead=False, form=True,
                          page_footer=INTERVIEW_FOOTER, paragraphs=[
    ("form_title", "谈话（调查）笔录"),
    Grid(_N, (
        R(label("时　　间"), C("{{ note.date or blank_date }}　　时　　分至　　时　　分", 3)),
        R(label("地　　点"), C("{{ note.place }}", 3)),
        R(label("调 查 人"), C("{{ note.interviewers }}"), label("记 录 人"), C("{{ note.recorder }}")),
        R(label("被调查人"), C("{{ note.interviewee }}"), label("性　　别"), C("{{ note.person.gender }}")),
        R(label("出生年月"), C("{{ note.person.birth }}"), label("政治面貌"), C("{{ note.person.political_status }}")),
        R(label("工作单位\n及职务"), C("{{ note.person.post }}", 3)),
        R(C("告知：被调查人应当如实陈述事实、提供情况，不得隐瞒、歪曲事实或者提供虚假情况。", 4)),
    )),
    ("plain", "{%p for q in note.exchanges %}"),
    ("plain", "{{ q }}"),
    ("plain", "{%p endfor %}"),
    ("plain", "{%p if blank %}"),         # a blank 笔录: ruled lines to write the questions and answers on
    Grid((1.0,), tuple(R(C(text)) for text in ("问：", "", "答：", "", "") * 4)),
    ("hairline", ""),                     # keeps the two tables apart (Word joins adjacent tables)
    ("plain", "{%p endif %}"),
    Grid(_N, (
        R(C("以上笔录我已看过（向我宣读过），与我说的一致。", 4)),
        R(label("被调查人签名\n（捺指印）"), C(""), label("日　　期"), label("{{ blank_date }}"), lines=3),
        R(label("调查人签名"), C(""), label("记录人签名"), C(""), lines=2),
    )),
])

_X = (0.18, 0.32, 0.18, 0.32)
EXPERT_OPINION = Letter("expert-opinion", "专家论证意见表", letterhead=False, form=True, paragraphs=[
    ("form_title", "专家论证意见表"),
    Grid(_X, (
        R(label("议　　题"), C("{{ assessment.topic }}", 3)),
        R(label("论证形式"), C("{{ assessment.kind_boxes }}", 3)),
        R(label("时　　间"), C("{{ assessment.date or blank_date }}"), label("主 持 人"), C("")),
        R(label("地　　点"), C("", 3)),
        R(section("参加人员", 4)),
        R(label("姓　　名"), label("单　　位"), label("职务/职称"), label("签　　名")),
        "{%tr for p in assessment.participant_rows %}",
        R(C("{{ p.name }}", align="center"), C("{{ p.unit }}"), C("{{ p.title }}", align="center"), C(""), lines=1),
        "{%tr endfor %}",
        R(label("论证意见"),
          C("{%p for t in assessment.opinion_paragraphs %}\n　　{{ t }}\n{%p endfor %}\n", 3), lines=8),
        R(label("主持人签名"), C(""), label("日　　期"), label("{{ assessment.date or blank_date }}"), lines=2),
    )),
])

_D = (0.22, 0.28, 0.22, 0.28)
DELIVERY_RECEIPT = Letter("delivery-receipt", "送达回证", letterhead=False, form=True, paragraphs=[
    ("form_title", "送达回证"),
    Grid(_D, (
        R(label("送达机关"), C("{{ office.signature }}", 3)),
        R(label("送达文书\n名称及文号"), C("{{ delivery.document }}", 3)),
        R(label("受送达人"), C("{{ delivery.recipient_name }}", 3)),
        R(label("送达地点"), C("{{ delivery.place }}", 3)),
        R(label("送达方式"), C("{{ delivery.method_boxes }}", 3)),
        R(label("送达人（签名）"), C(""), label("送达时间"),
          label("{{ delivery.date or blank_date }}\n　　时　　分"), lines=2),
        R(label("受送达人签收"), C(sign_box(0.78, "签名（盖章）：　　　　　　", "　　年　　月　　日　　时　　分"), 3)),
        R(label("备　　注"), C("受送达人拒绝签收的，送达人应在此注明拒收事由和日期，并由送达人、见证人签名。", 3),
          lines=5),
    )),
])

LETTERS = {letter.kind: letter for letter in (INVESTIGATION_REPORT, DETERMINATION_LETTER, ACCEPTANCE_NOTICE,
                                              REJECTION_NOTICE, SUSPENSION_NOTICE, CADRE_STATEMENT,
                                              APPLICATION_FORM, EXTENSION_APPROVAL, INTERVIEW_RECORD,
                                              EXPERT_OPINION, DELIVERY_RECEIPT)}


# --- writing a table --------------------------------------------------------------------------------

_FORM_STYLE = "rc-form-text"
# An empty paragraph 1 twip high (read back, it is dropped): after a table, or between two tables.
HAIRLINE = (f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{_FORM_STYLE}"/>'
            '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')


def _cell_paragraph(text: str, cell: C) -> str:
    jc = "center" if cell.align == "center" else "both"
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if cell.bold else ""
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{_FORM_STYLE}"/><w:jc w:val="{jc}"/></w:pPr>{run}</w:p>'


def _cell_xml(cell: C, width: int, valign: str) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.span > 1:
        props.append(f'<w:gridSpan w:val="{cell.span}"/>')
    text = cell.text
    if cell.merge == "vm":
        # docxtpl appends w:vMerge at the end of w:tcPr: no w:vAlign, which would have to follow it
        text = "{% vm %}" + text
    else:
        if cell.merge:
            props.append(f'<w:vMerge w:val="{cell.merge}"/>' if cell.merge == "restart" else "<w:vMerge/>")
        props.append(f'<w:vAlign w:val="{valign}"/>')
    paragraphs = "".join(_cell_paragraph(line, cell) for line in text.split("\n"))
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{paragraphs}</w:tc>"


def _row_height(lines: int) -> int:
    """Twips of a row with ``lines`` form lines of room (read back by docx_render._row_lines)."""
    return round((lines * layout.FORM_LINE_PITCH_PT + 2 * layout.FORM_CELL_PAD_Y_MM * layout.MM)
                 * layout.TWIPS_PER_PT)


def _table_xml(grid: Grid) -> str:
    total = _twips_mm(layout.TEXT_WIDTH_MM)
    cols = [round(w * total) for w in grid.widths]
    cols[-1] = total - sum(cols[:-1])
    rule = round(layout.FORM_RULE_PT * 8)
    pad_x, pad_y = _twips_mm(layout.FORM_CELL_PAD_X_MM), _twips_mm(layout.FORM_CELL_PAD_Y_MM)
    borders = "".join(f'<w:{side} w:val="single" w:sz="{rule}" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           f'<w:tblCellMar><w:top w:w="{pad_y}" w:type="dxa"/><w:left w:w="{pad_x}" w:type="dxa"/>'
           f'<w:bottom w:w="{pad_y}" w:type="dxa"/><w:right w:w="{pad_x}" w:type="dxa"/></w:tblCellMar>'
           '<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>'
           + "".join(f'<w:gridCol w:w="{c}"/>' for c in cols) + "</w:tblGrid>"]
    for row in grid.rows:
        if isinstance(row, str):            # a docxtpl row statement, alone across the row
            cell = C(row, len(cols))
            out.append(f"<w:tr>{_cell_xml(cell, total, 'center')}</w:tr>")
            continue
        # a row never breaks across pages (the PDF moves it whole too, unless it is taller than a page)
        height = f'<w:trHeight w:val="{_row_height(row.lines)}" w:hRule="atLeast"/>' if row.lines else ""
        height = f"<w:trPr><w:cantSplit/>{height}</w:trPr>"
        cells, col = [], 0
        for cell in row.cells:
            width = sum(cols[col:col + cell.span])
            top = row.lines > 1 and cell.align != "center"
            cells.append(_cell_xml(cell, width, "top" if top else "center"))
            col += cell.span
        assert col == len(cols), f"row of {col} columns in a table of {len(cols)}: {row}"
        out.append(f"<w:tr>{height}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def build(kind: str) -> bytes:
    """The default template of ``kind``, as the bytes of a .docx file (the same every time)."""
    letter = LETTERS[kind]
    doc = new_docx()
    _setup_styles(doc, letterhead=letter.letterhead, sealed=kind not in UNSEALED_KINDS, page_footer=letter.form)
    body = doc.element.body
    for block in letter.paragraphs:
        if isinstance(block, Grid):
            body.find(qn("w:sectPr")).addprevious(parse_xml(_table_xml(block)))
            continue
        role, text = block
        if role == "hairline":
            body.find(qn("w:sectPr")).addprevious(parse_xml(HAIRLINE))
            continue
        paragraph = doc.add_paragraph(style=ROLE_STYLES[role])
        parts = text.split("\t")
        for i, part in enumerate(parts):
            run = paragraph.add_run(part)
            if i < len(parts) - 1:
                run.add_tab()
    if isinstance(letter.paragraphs[-1], Grid):     # Word needs a paragraph after a table: a hairline one
        body.find(qn("w:sectPr")).addprevious(parse_xml(HAIRLINE))
    if letter.page_footer:
        section = doc.sections[0]
        for footer in (section.footer, section.even_page_footer):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = doc.styles[PAGE_FOOTER_STYLE]
            paragraph.add_run(letter.page_footer)
    apply_layout(doc)
    drop_unneeded_parts(doc)
    props = doc.core_properties
    props.title = letter.title
    props.author = props.last_modified_by = "容错免责案件办理系统"
    props.comments = "默认模板；占位符说明见 docs/templates.md"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    props.keywords = props.subject = props.category = ""
    raw = io.BytesIO()
    doc.save(raw)
    return _stable_zip(raw.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed member dates and order, so a rebuild changes nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    """A .docx's parts by name, uncompressed (compressed bytes may differ between zlib builds)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for kind in LETTERS:
        path = HERE / f"{kind}.docx"
        data = build(kind)
        if check:
            if not path.is_file() or members(path.read_bytes()) != members(data):
                stale.append(path.name)
        else:
            path.write_bytes(data)
            print(f"{path.name}: {len(data)} 字节")
    if stale:
        print("默认模板与生成脚本不一致，请运行 templates_docx/build_defaults.py：" + "、".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
