"""Build the default letter templates in this folder (python-docx).

    .venv/bin/python templates_docx/build_defaults.py            # writes the .docx files here
    .venv/bin/python templates_docx/build_defaults.py --check    # exit 1 if a file differs

Each template is a 文件格式 letter (GB/T 9704-2012) whose every paragraph carries one of the styles
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
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:          # run as a script from anywhere
    sys.path.insert(0, str(HERE.parent))

from docx import Document as new_docx  # noqa: E402
from docx.document import Document as DocxDocument  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402

from documents import layout  # noqa: E402
from documents.docx_render import DEFAULT_FAMILIES, UNSEALED_KINDS, apply_layout  # noqa: E402
from documents.model import ROLE_STYLES  # noqa: E402

FIXED_TIME = datetime(2026, 1, 1)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
LINE = layout.LINE_PITCH_TWIPS
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
        "form_title": StyleSpec(align="center", snap=False),
        "form_text": StyleSpec(align="left", line=round(layout.FORM_PT * 1.5 * layout.TWIPS_PER_PT), snap=False),
        "plain": StyleSpec(),
    }


def _style_xml(role: str, spec: StyleSpec, family: str) -> str:
    size = round(layout.ROLE_SIZE_PT.get(role, layout.BODY_PT) * 2)
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
    ppr.append(f'<w:spacing w:before="{spec.before}" w:after="0" w:line="{spec.line}" w:lineRule="exact"/>')
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
            f'<w:name w:val="{ROLE_STYLES[role]}"/><w:next w:val="rc-body"/><w:qFormat/>'
            f'<w:pPr>{"".join(ppr)}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def _setup_styles(doc: DocxDocument, *, letterhead: bool, sealed: bool) -> None:
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


@dataclass
class Letter:
    kind: str
    title: str                                  # the document property
    letterhead: bool = True
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


def _head(title: str, addressee: str) -> list[tuple[str, str]]:
    return [("letterhead", "{{ office.letterhead }}文件"), ("doc_number", "{{ number }}"),
            ("title", title), ("addressee", addressee)]


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
    *_head("关于对{{ cadre_names }}同志容错免责申请的认定书", "{{ accountability.organ }}："),
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
    ("cc", "抄送：{{ cc_text }}。"),
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

LETTERS = {letter.kind: letter for letter in (INVESTIGATION_REPORT, DETERMINATION_LETTER, ACCEPTANCE_NOTICE,
                                              REJECTION_NOTICE, SUSPENSION_NOTICE)}


def build(kind: str) -> bytes:
    """The default template of ``kind``, as the bytes of a .docx file (the same every time)."""
    letter = LETTERS[kind]
    doc = new_docx()
    _setup_styles(doc, letterhead=letter.letterhead, sealed=kind not in UNSEALED_KINDS)
    for role, text in letter.paragraphs:
        paragraph = doc.add_paragraph(style=ROLE_STYLES[role])
        parts = text.split("\t")
        for i, part in enumerate(parts):
            run = paragraph.add_run(part)
            if i < len(parts) - 1:
                run.add_tab()
    apply_layout(doc)
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
