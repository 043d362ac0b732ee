"""The DOCX letters: default templates, rendering from a real demo case, the page, broken templates,
office copies, reading the words back, and LibreOffice's view of the 22-line grid."""
from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from core.errors import UserError
from core.policy import load_policy
from core.resource_paths import templates_path
from core.services.case_view import case_details, list_cases
from core.services.demo import load_demo
from core.services.workspace import Workspace
from documents import layout
from documents.context import chinese_date, letter_context, outcome_clause
from documents.docx_render import DEFAULT_FAMILIES, read_model, render_docx, text_width
from documents.model import ROLE_STYLES, Paragraph, Table
from documents.templates import (
    export_default,
    import_template,
    office_template,
    render_kind,
    reset_template,
    sample_context,
    template_for,
    template_kinds,
)
from models.office import OfficeProfile

TODAY = date(2026, 11, 27)
LETTER_DATE = "2026年11月27日"
MAIN_KINDS = ("investigation-report", "determination-letter")
FORM_KINDS = ("application-form", "extension-approval", "interview-record", "expert-opinion", "delivery-receipt")
ALL_KINDS = (*MAIN_KINDS, "acceptance-notice", "rejection-notice", "suspension-notice", "cadre-statement", *FORM_KINDS)


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_defaults", templates_path("build_defaults.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module        # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class Demo:
    office: dict[str, str]
    details: dict[str, dict[str, Any]]          # case number → case_details
    by_outcome: dict[str, str]                  # outcome code → a determined or archived case
    by_status: dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    ws = Workspace(tmp_path_factory.mktemp("demo") / "data", actor="测试", today=lambda: TODAY)
    try:
        load_demo(ws)
        profile = OfficeProfile.get()
        office = {"organ_name": profile.organ_name, "letterhead": profile.letterhead,
                  "code_prefix": profile.code_prefix, "organ_kind": profile.organ_kind}
        cases = list_cases(ws)
        details = {c["number"]: case_details(ws, c["number"]) for c in cases}
    finally:
        ws.close()
    by_outcome: dict[str, str] = {}
    by_status: dict[str, str] = {}
    for c in cases:
        if c["status"] in ("determined", "archived") and c["outcome"]:
            by_outcome.setdefault(c["outcome"], c["number"])
        by_status.setdefault(c["status"], c["number"])
    yield Demo(office, details, by_outcome, by_status)


def _context(demo: Demo, number: str, **overrides: Any) -> dict[str, Any]:
    details = demo.details[number]
    ctx = letter_context(details, demo.office, load_policy(details["policy"]), number="贺纪容认〔2026〕3号",
                         issued_on=TODAY)
    ctx.update(overrides)
    return ctx


def _paragraphs(document: Any) -> list[Any]:
    """Every paragraph of the body, tables included, in order."""
    from docx.text.paragraph import Paragraph as DocxParagraph
    return [DocxParagraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]


def _texts(document: Any) -> list[str]:
    return [p.text for p in _paragraphs(document) if p.text.strip()]


# --- the default templates ------------------------------------------------------------------------

def test_default_templates_are_what_the_script_builds() -> None:
    script = _build_script()
    assert set(script.LETTERS) == set(ALL_KINDS)
    for kind in ALL_KINDS:
        committed = templates_path(f"{kind}.docx")
        assert committed.is_file(), f"{committed.name} missing: run templates_docx/build_defaults.py"
        assert script.members(committed.read_bytes()) == script.members(script.build(kind)), (
            f"{committed.name} differs from build_defaults.py's output: run the script")
    assert script.build("determination-letter") == script.build("determination-letter")   # reproducible
    assert set(template_kinds()) == set(ALL_KINDS)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_default_template_styles(kind: str) -> None:
    document = docx.Document(str(templates_path(f"{kind}.docx")))
    names = set(ROLE_STYLES.values())
    assert all(p.style.name in names for p in _paragraphs(document))
    styles = {s.name: s for s in document.styles}
    for role, name in ROLE_STYLES.items():
        style = styles[name]
        fonts = style.element.rPr.rFonts
        family = DEFAULT_FAMILIES[layout.ROLE_FONT[role]]
        assert fonts.get(qn("w:eastAsia")) == family
        assert style.font.size.pt == layout.ROLE_SIZE_PT.get(role, layout.BODY_PT)
    body = styles[ROLE_STYLES["body"]].element.pPr
    assert body.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    spacing = body.find(qn("w:spacing"))
    assert spacing.get(qn("w:lineRule")) == "exact"
    assert spacing.get(qn("w:line")) == str(layout.LINE_PITCH_TWIPS)
    assert styles[ROLE_STYLES["title"]].font.size.pt == 22          # 二号
    assert styles[ROLE_STYLES["cc"]].font.size.pt == 14             # 四号


def test_report_has_the_seven_sections() -> None:
    text = "\n".join(_texts(docx.Document(str(templates_path("investigation-report.docx")))))
    for heading in ("一、申请及受理情况", "二、调查核实工作情况", "三、查明的事实", "四、对照容错情形的分析",
                    "五、不得容错情形审查", "六、“三个区分开来”分析", "七、处理建议"):
        assert heading in text


# --- rendering from a real case ---------------------------------------------------------------------

def _check_page(document: Any) -> None:
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    for margin, mm in ((section.top_margin, 37), (section.left_margin, 28), (section.right_margin, 26),
                       (section.bottom_margin, 35)):
        assert abs(margin - Mm(mm)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) in ("lines", "linesAndChars")
    assert grid.get(qn("w:linePitch")) == str(layout.LINE_PITCH_TWIPS)
    assert 22 * layout.LINE_PITCH_TWIPS <= layout.TEXT_HEIGHT_MM * layout.MM * 20 < 23 * layout.LINE_PITCH_TWIPS
    assert document.settings.odd_and_even_pages_header_footer
    for footer, side, align in ((section.footer, "w:right", "right"), (section.even_page_footer, "w:left", "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml and " —" in xml
        p = footer.paragraphs[0]._p
        assert p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        assert p.pPr.find(qn("w:ind")).get(qn(side)) == str(layout.CHAR_PITCH_TWIPS)
        run_fonts = footer.paragraphs[0].runs[0]._r.rPr.rFonts
        assert run_fonts.get(qn("w:eastAsia")) == DEFAULT_FAMILIES["page_number"]
        assert footer.paragraphs[0].runs[0].font.size.pt == 14


def _check_letter(data: bytes, kind: str, must_contain: list[str]) -> Any:
    document = docx.Document(io.BytesIO(data))
    _check_page(document)
    names = set(ROLE_STYLES.values())
    section = document.sections[0]
    head = section.first_page_header.paragraphs if section.different_first_page_header_footer else []  # 信函格式
    paragraphs = [p for p in [*head, *_paragraphs(document)] if p.text.strip()]
    assert all(p.style.name in names for p in paragraphs), {p.style.name for p in paragraphs} - names
    text = "\n".join(p.text for p in paragraphs)
    assert "{{" not in text and "{%" not in text and "}}" not in text and "%}" not in text
    for piece in must_contain:
        assert piece in text, piece
    model = read_model(data, kind)
    assert model.text_lines() == [p.text for p in paragraphs]
    assert all(isinstance(b, Paragraph) for b in model.blocks)
    return document


@pytest.mark.parametrize("outcome", ["exempted", "lighter", "mitigated", "not_exempted"])
def test_determination_letter_from_a_demo_case(demo: Demo, outcome: str) -> None:
    number = demo.by_outcome[outcome]
    details = demo.details[number]
    ctx = _context(demo, number)
    data = render_docx(templates_path("determination-letter.docx"), ctx)
    label = details["determinations"][-1]["outcome_label"]
    must = [details["applicant"]["name"], label, LETTER_DATE, "经调查核实，现认定如下：",
            details["accountability"]["organ"] + "：", "抄送：", "印发", "贺纪容认〔2026〕3号",
            outcome_clause(outcome, label)]
    document = _check_letter(data, "determination-letter", must)
    text = "\n".join(_texts(document))
    if outcome == "exempted":
        assert "党风廉政建设责任制考核" in text and "不受影响" in text
    else:
        assert "不受影响" not in text
    if outcome == "not_exempted":
        assert "存在不得容错情形" in text
    roles = [b.role for b in read_model(data, "determination-letter").blocks if isinstance(b, Paragraph)]
    assert roles[:4] == ["letterhead", "doc_number", "title", "addressee"]
    assert roles[-4:] == ["signature", "date", "cc", "printer"]
    styles = {s.name: s for s in document.styles}
    for role in ("title", "body", "heading1", "heading2"):
        fonts = styles[ROLE_STYLES[role]].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:ascii")) == DEFAULT_FAMILIES[layout.ROLE_FONT[role]]


def test_investigation_report_from_a_demo_case(demo: Demo) -> None:
    number = demo.by_outcome["mitigated"]
    details = demo.details[number]
    data = render_docx(templates_path("investigation-report.docx"), _context(demo, number))
    must = [details["cadres"][0]["name"], "减轻", LETTER_DATE, "一、申请及受理情况", "七、处理建议",
            details["reports"][-1]["findings"], "调查组组长："]
    document = _check_letter(data, "investigation-report", must)
    model = read_model(data, "investigation-report")
    assert not model.sealed
    roles = [b.role for b in model.blocks if isinstance(b, Paragraph)]
    assert roles.count("heading1") == 7
    assert "heading2" in roles and roles[-1] == "date"
    text = "\n".join(_texts(document))
    assert "（一）" in text and "（三）" in text       # the three distinctions


def test_notices_from_demo_cases(demo: Demo) -> None:
    accepted = demo.by_status["investigating"]
    rejected = demo.by_status["rejected"]
    notice = next(n for n, d in demo.details.items()
                  if d["suspensions"] and d["suspensions"][-1]["mode"] == "notice")
    for kind, number, piece in (("acceptance-notice", accepted, "予以受理"),
                                ("rejection-notice", rejected, "不予受理"),
                                ("suspension-notice", notice, "请你单位暂缓追责")):
        details = demo.details[number]
        data = render_kind(kind, _context(demo, number), None)
        _check_letter(data, kind, [details["applicant"]["name"], piece, LETTER_DATE])


def test_families_are_named_on_the_styles(demo: Demo) -> None:
    families = {"title": "FZXiaoBiaoSong-B05S", "body": "FangSong", "heading1": "SimHei", "heading2": "KaiTi",
                "page_number": "SimSun"}
    number = demo.by_outcome["exempted"]
    data = render_docx(templates_path("determination-letter.docx"), _context(demo, number), families)
    document = docx.Document(io.BytesIO(data))
    styles = {s.name: s for s in document.styles}
    for role, name in ROLE_STYLES.items():
        fonts = styles[name].element.rPr.rFonts
        family = families[layout.ROLE_FONT[role]]
        assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:hAnsi")), fonts.get(qn("w:eastAsia"))) == (family,) * 3
    assert document.sections[0].footer.paragraphs[0].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "SimSun"


def test_signature_and_date_placement(demo: Demo) -> None:
    number = demo.by_outcome["exempted"]
    sealed = docx.Document(io.BytesIO(render_docx(templates_path("determination-letter.docx"),
                                                  _context(demo, number))))
    date_p = next(p for p in sealed.paragraphs if p.style.name == ROLE_STYLES["date"])
    sign_p = next(p for p in sealed.paragraphs if p.style.name == ROLE_STYLES["signature"])
    date_right = int(date_p.paragraph_format.element.pPr.find(qn("w:ind")).get(qn("w:rightChars")))
    sign_right = int(sign_p.paragraph_format.element.pPr.find(qn("w:ind")).get(qn("w:rightChars")))
    assert date_right == layout.SEALED_DATE_RIGHT_INDENT_CHARS * 100
    # the 署名 is centred over the date
    centre_date = date_right / 100 + text_width(date_p.text) / 2
    centre_sign = sign_right / 100 + text_width(sign_p.text) / 2
    assert abs(centre_date - centre_sign) < 0.01


def test_long_title_breaks_at_a_word(demo: Demo) -> None:
    number = demo.by_outcome["exempted"]
    ctx = _context(demo, number, cadre_names="欧阳建国、司马光明、诸葛文华")
    model = read_model(render_docx(templates_path("determination-letter.docx"), ctx), "determination-letter")
    title = next(b.text for b in model.blocks if isinstance(b, Paragraph) and b.role == "title")
    upper, lower = title.split("\n")
    assert upper.endswith(("同志", "、", "关于对")) and len(upper) >= len(lower)


# --- broken templates -----------------------------------------------------------------------------

def _broken(tmp_path: Path, name: str, *texts: str) -> Path:
    document = docx.Document(str(templates_path("determination-letter.docx")))
    for text in texts:
        document.add_paragraph(text, style=ROLE_STYLES["body"])
    path = tmp_path / name
    document.save(str(path))
    return path


@pytest.mark.parametrize(("texts", "bad"), [
    (("{{ case.aplicant }}",), "{{ case.aplicant }}"),
    (("{% if %}是{% endif %}",), "{% if %}"),
    (("{{ date|nosuchfilter }}",), "{{ date|nosuchfilter }}"),
    (("{%p for s in situations %}", "{{ s.text }}"), "{%p for s in situations %}"),
])
def test_a_broken_template_names_itself_and_the_placeholder(tmp_path: Path, texts: tuple[str, ...],
                                                             bad: str) -> None:
    path = _broken(tmp_path, "determination-letter.docx", *texts)
    with pytest.raises(UserError) as caught:
        render_docx(path, sample_context())
    message = caught.value.message
    assert message.startswith("模板“determination-letter.docx”中")
    assert bad in message
    assert "\n" not in message and "Traceback" not in message and "jinja" not in message.lower()
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_file_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "determination-letter.docx"
    path.write_text("不是 Word 文档", encoding="utf-8")
    with pytest.raises(UserError, match=r"determination-letter\.docx.*不是有效的 Word 文档"):
        render_docx(path, sample_context())


# --- office copies --------------------------------------------------------------------------------

def test_an_office_copy_overrides_the_default(tmp_path: Path, demo: Demo) -> None:
    data_dir = tmp_path / "data"
    assert template_for("determination-letter", data_dir) == templates_path("determination-letter.docx")
    exported = export_default("determination-letter", tmp_path)
    assert exported.read_bytes() == templates_path("determination-letter.docx").read_bytes()
    edited = docx.Document(str(exported))
    edited.add_paragraph("本机关自定义的段落：{{ case.number }}", style=ROLE_STYLES["note"])
    edited.save(str(exported))

    installed = import_template("determination-letter", exported, data_dir)
    assert installed == office_template("determination-letter", data_dir) == data_dir / "templates" / exported.name
    number = demo.by_outcome["exempted"]
    ctx = _context(demo, number)
    text = read_model(render_kind("determination-letter", ctx, data_dir), "determination-letter").text_lines()
    assert f"本机关自定义的段落：{number}" in text

    broken = _broken(tmp_path, "broken.docx", "{{ case.aplicant }}")
    with pytest.raises(UserError, match=r"\{\{ case.aplicant \}\}"):
        import_template("determination-letter", broken, data_dir)
    assert installed.read_bytes() == exported.read_bytes()          # the good copy stays
    assert sorted(p.name for p in installed.parent.iterdir()) == [exported.name]

    assert reset_template("determination-letter", data_dir)
    assert not reset_template("determination-letter", data_dir)
    text = read_model(render_kind("determination-letter", ctx, data_dir), "determination-letter").text_lines()
    assert not any("本机关自定义" in t for t in text)


def test_import_refuses_other_files(tmp_path: Path) -> None:
    doc_file = tmp_path / "letter.doc"
    doc_file.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match=r"\.docx"):
        import_template("determination-letter", doc_file, tmp_path / "data")
    with pytest.raises(UserError, match="nosuchkind"):
        template_for("nosuchkind", tmp_path)


# --- reading a DOCX back ----------------------------------------------------------------------------

def test_read_model_roles_tables_and_empty_paragraphs() -> None:
    document = docx.Document(str(templates_path("determination-letter.docx")))
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    document.add_paragraph("标题", style=ROLE_STYLES["title"])
    document.add_paragraph("")
    document.add_paragraph("   ", style=ROLE_STYLES["body"])
    document.add_paragraph("无名样式", style="Normal")    # a style that names no role reads as body
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并"
    table.cell(0, 2).text = "右"
    table.cell(1, 0).text = "甲"
    table.cell(1, 2).text = "丙"
    document.add_paragraph("抄送：某单位。", style=ROLE_STYLES["cc"])
    out = io.BytesIO()
    document.save(out)
    model = read_model(out.getvalue(), "application-form")
    assert model.format == "form"
    kinds = [(type(b).__name__, getattr(b, "role", None)) for b in model.blocks]
    assert kinds == [("Paragraph", "title"), ("Paragraph", "body"), ("Table", None), ("Paragraph", "cc")]
    grid = model.blocks[2]
    assert isinstance(grid, Table)
    assert [[c.text for c in row] for row in grid.rows] == [["合并", "右"], ["甲", "", "丙"]]
    assert grid.rows[0][0].colspan == 2 and abs(sum(grid.widths) - 1) < 1e-9


# --- the context ------------------------------------------------------------------------------------

def test_chinese_dates_and_outcome_sentences() -> None:
    assert chinese_date(date(2026, 11, 27)) == "2026年11月27日"
    assert chinese_date("2026-01-05") == "2026年1月5日"
    assert chinese_date(None) == ""
    assert outcome_clause("exempted", "免责") == "予以免责（免予追究责任）"
    assert outcome_clause("lighter", "从轻") == "予以从轻处理"
    assert outcome_clause("mitigated", "减轻") == "予以减轻处理"
    assert outcome_clause("not_exempted", "不予免责") == "不予免责"
    assert outcome_clause("warned", "批评教育") == "认定为“批评教育”"


def test_context_for_a_case_not_yet_investigated(demo: Demo) -> None:
    ctx = _context(demo, demo.by_status["registered"])
    assert ctx["facts"] == [] and ctx["outcome"]["code"] == "" and ctx["report"]["date"] == ""
    assert ctx["date"] == LETTER_DATE and ctx["office"]["we"] == "我委"
    assert len(ctx["exclusions"]) == 4 and not ctx["exclusions_found"]


def test_context_exclusions_and_cc(demo: Demo) -> None:
    ctx = _context(demo, demo.by_outcome["not_exempted"])
    assert ctx["exclusions_found"] and "存在不得容错情形" in ctx["exclusion_finding"]
    assert ctx["applicant"]["display"] in ctx["cc"]
    assert ctx["accountability"]["organ"] not in ctx["cc"]


# --- LibreOffice --------------------------------------------------------------------------------------

def test_libreoffice_lays_out_22_lines_a_page(tmp_path: Path, demo: Demo) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("soffice (LibreOffice) is not installed: the 22-line check needs it "
                    "(apt-get install libreoffice-writer-nogui)")
    pdfplumber = pytest.importorskip("pdfplumber")
    number = demo.by_outcome["exempted"]
    long_facts = ["经调查核实，该同志在推进老旧小区改造工作中，为加快项目进度、方便群众办事，对部分申请材料实行容缺受理，"
                  "事后及时督促补正，未造成重大损失，未发现谋取私利的情形，相关情况有会议纪要和谈话笔录等材料证实。"] * 12
    data = render_docx(templates_path("determination-letter.docx"), _context(demo, number, facts=long_facts))
    source = tmp_path / "letter.docx"
    source.write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    text_bottom = (layout.TOP_MARGIN_MM + layout.TEXT_HEIGHT_MM) * layout.MM
    with pdfplumber.open(str(tmp_path / "letter.pdf")) as pdf:
        assert len(pdf.pages) >= 3
        page = pdf.pages[1]                       # a page full of body text
        assert abs(page.width - layout.PAGE_WIDTH_MM * layout.MM) < 1
        baselines = {round(ch["bottom"]) for ch in page.chars if ch["bottom"] <= text_bottom + 2 and ch["text"].strip()}
        assert len(baselines) == layout.LINES_PER_PAGE, sorted(baselines)
        numbers = [w for w in page.extract_words() if w["top"] > text_bottom]
        assert numbers, "page number missing"


def test_a_long_letterhead_is_narrowed_to_fit(demo: Demo) -> None:
    number = demo.by_outcome["exempted"]
    ctx = _context(demo, number)
    ctx["office"] = ctx["office"] | {"letterhead": "中共银川市兴庆区纪律检查委员会 银川市兴庆区监察委员会"}
    document = docx.Document(io.BytesIO(render_docx(templates_path("determination-letter.docx"), ctx)))
    head = next(p for p in document.paragraphs if p.style.name == ROLE_STYLES["letterhead"])
    scale = int(head.runs[0]._r.rPr.find(qn("w:w")).get(qn("w:val")))
    size = head.runs[0].font.size.pt if head.runs[0].font.size else layout.LETTERHEAD_PT
    assert scale >= layout.LETTERHEAD_MIN_SCALE
    assert text_width(head.text) * size * scale / 100 <= layout.TEXT_WIDTH_MM * layout.MM


def test_letters_leave_out_parts_no_letter_needs_even_from_a_template_that_has_them(tmp_path: Path) -> None:
    import zipfile

    def names(data: bytes) -> set[str]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())

    old_style = docx.Document()          # python-docx's own default: as office copies made before
    old_style.add_paragraph("{{ case.number }}")
    path = tmp_path / "determination-letter.docx"
    old_style.save(str(path))
    assert {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"} <= names(path.read_bytes())
    letter = render_docx(path, sample_context())
    assert not names(letter) & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"}
    assert "2026-0001" in "".join(p.text for p in docx.Document(io.BytesIO(letter)).paragraphs)
    for kind in ("determination-letter", "investigation-report"):     # and the defaults never had them
        assert not names(templates_path(f"{kind}.docx").read_bytes()) & {"word/stylesWithEffects.xml",
                                                                          "docProps/thumbnail.jpeg"}
