"""The forms (申请表, 延长核实期限审批表, 谈话笔录, 专家论证意见表, 送达回证) and the statement about a
cadre (容错免责情况说明), rendered from the demo cases through ``core.services.letters`` as an officer
issues them, and the blank forms: checked in the PDF with pdfplumber and in the DOCX with python-docx."""
from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest

from core.errors import ActionRefused, UserError
from core.services.actions import perform_action
from core.services.case_view import case_details, list_cases
from core.services.demo import load_demo
from core.services.letters import render_blank, render_letter
from core.services.workspace import Workspace
from documents import layout
from documents.docx_render import PAGE_FOOTER_STYLE, read_model
from documents.model import Cell, Document, Paragraph, Table
from models.case import Cadre, CaseCadre
from models.documents import IssuedNumber

TODAY = date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[2]
FORM_KINDS = ("application-form", "extension-approval", "interview-record", "expert-opinion", "delivery-receipt")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
A4 = (layout.PAGE_WIDTH_MM * layout.MM, layout.PAGE_HEIGHT_MM * layout.MM)
LEFT = layout.LEFT_MARGIN_MM * layout.MM
RIGHT = LEFT + layout.TEXT_WIDTH_MM * layout.MM
FOOTER = "被调查人签名：__________　日期：__________"


@dataclass
class Demo:
    ws: Workspace
    details: dict[str, dict[str, Any]]       # case number → case_details

    def case(self, test: Any) -> dict[str, Any]:
        return next(d for d in self.details.values() if test(d))

    def refresh(self, number: str) -> dict[str, Any]:
        self.details[number] = case_details(self.ws, number)
        return self.details[number]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    ws = Workspace(tmp_path_factory.mktemp("forms") / "data", actor="测试", today=lambda: TODAY)
    try:
        load_demo(ws)
        yield Demo(ws, {c["number"]: case_details(ws, c["number"]) for c in list_cases(ws)})
    finally:
        ws.close()


@dataclass
class Rendered:
    pdf: bytes
    docx: bytes
    number: str
    kind: str

    @property
    def model(self) -> Document:
        return read_model(self.docx, self.kind)

    def pages(self) -> list[Any]:
        with pdfplumber.open(io.BytesIO(self.pdf)) as pdf:
            return [(p.width, p.height, p.extract_text() or "", list(p.lines), "".join(c["text"] for c in p.chars))
                    for p in pdf.pages]


def render(ws: Workspace, key: str, kind: str, tmp_path: Path, **kwargs: Any) -> Rendered:
    pdf = render_letter(ws, key, kind, "pdf", tmp_path / f"{kind}.pdf", **kwargs)
    docx_issued = render_letter(ws, key, kind, "docx", tmp_path / f"{kind}.docx", **kwargs)
    assert pdf.number == docx_issued.number
    return Rendered((tmp_path / f"{kind}.pdf").read_bytes(), (tmp_path / f"{kind}.docx").read_bytes(), pdf.number,
                    kind)


def blank(ws: Workspace, kind: str, tmp_path: Path) -> Rendered:
    render_blank(ws, kind, "pdf", tmp_path / f"blank-{kind}.pdf")
    render_blank(ws, kind, "docx", tmp_path / f"blank-{kind}.docx")
    return Rendered((tmp_path / f"blank-{kind}.pdf").read_bytes(), (tmp_path / f"blank-{kind}.docx").read_bytes(),
                    "", kind)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\u200b", "")


def pdf_text(r: Rendered) -> str:
    """The PDF's words without page numbers and the page footer (printed once a page)."""
    text = re.sub(r"—\d+—", "", squash("".join(page[2] for page in r.pages())))
    footer = squash(r.model.page_footer)
    return text.replace(footer, "") if footer else text


def docx_text(r: Rendered) -> str:
    return squash("".join(r.model.text_lines()))


def check_form(r: Rendered, *names: str) -> str:
    """A4 pages, bordered tables, the same words in the PDF and the DOCX (in a form a cell merged
    over several rows reads in another order: the same characters, then), no placeholder left."""
    pages = r.pages()
    assert pages
    for width, height, _text, _lines, _chars in pages:
        assert abs(width - A4[0]) < 0.5 and abs(height - A4[1]) < 0.5
    _w, _h, _t, lines, _c = pages[0]
    rules: dict[float, list[Any]] = {}            # horizontal border segments by height
    for ln in lines:
        if abs(ln["top"] - ln["bottom"]) < 0.5:
            rules.setdefault(round(ln["top"]), []).append(ln)
    across = [y for y, segs in rules.items()
              if abs(min(s["x0"] for s in segs) - LEFT) < 1 and abs(max(s["x1"] for s in segs) - RIGHT) < 1]
    down = [ln for ln in lines if abs(ln["x0"] - ln["x1"]) < 0.5 and ln["bottom"] - ln["top"] > 5]
    assert len(across) >= 2 and len(down) >= 2, "no table borders"
    assert Counter(pdf_text(r)) == Counter(docx_text(r))
    text = "".join(r.model.text_lines())
    assert "{{" not in text and "{%" not in text and "}}" not in text and "%}" not in text
    for name in names:
        assert name and name in pdf_text(r), name
    document = docx.Document(io.BytesIO(r.docx))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
    assert document.tables
    return text


def tables(model: Document) -> list[Table]:
    return [b for b in model.blocks if isinstance(b, Table)]


def cells(model: Document) -> list[list[Cell]]:
    return [row for t in tables(model) for row in t.rows]


# --- the application form ----------------------------------------------------------------------------

@pytest.mark.parametrize("unit", [False, True])
def test_application_form_ticks_exactly_the_claimed_situations(demo: Demo, tmp_path: Path, unit: bool) -> None:
    d = demo.case(lambda d: d["status"] == "archived" and (d["applicant"]["kind"] == "unit") == unit)
    r = render(demo.ws, d["number"], "application-form", tmp_path)
    text = check_form(r, d["applicant"]["name"], d["accountability"]["organ"], d["cadres"][0]["name"])
    policy = demo.ws.policy(d["policy"])
    ticked: set[str] = set()
    unticked: set[str] = set()
    for row in cells(r.model):
        for box, item in itertools.pairwise(row):
            if item.text.startswith("容错情形"):
                (ticked if box.text == "■" else unticked).add(item.text.split("\u3000")[0])
                assert box.text in ("■", "□")
    claimed = {s.article for s in policy.situations if s.no in d["situations"]}
    assert ticked == claimed and len(ticked | unticked) == len(policy.situations) == 9
    chars = "".join(page[4] for page in r.pages())
    assert chars.count("■") == len(claimed) + 1          # and ■单位 or ■个人
    assert ("■单位" if unit else "■个人") in squash(text)
    assert squash(text).count("□是□否") == 3              # 自查情况, ticked by hand
    assert d["statement"][:20] in text
    if not unit:
        assert d["cadres"][0]["id_number"] in text
    # writing room read back from the DOCX row heights
    statement = next(t for t in tables(r.model) if any("事实和理由" in c.text for row in t.rows for c in row))
    index = next(i for i, row in enumerate(statement.rows) if any("事实和理由" in c.text for c in row))
    assert statement.min_row_lines[index] == 10


# --- the extension approval form -----------------------------------------------------------------------

def test_extension_approval_shows_both_deadlines_and_the_limit(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: d["extensions"] and d["status"] == "investigating")
    r = render(demo.ws, d["number"], "extension-approval", tmp_path)
    text = check_form(r, d["applicant"]["name"], d["number"])
    ext = d["extensions"][-1]
    accepted = date.fromisoformat(d["accepted_on"])
    policy = demo.ws.policy(d["policy"])
    before = demo.ws.calendar.add_workdays(accepted, policy.report_days)
    after = date.fromisoformat(d["deadlines"]["report_due"])
    limit = date.fromisoformat(d["deadlines"]["report_limit"])
    assert before < after <= limit
    for day in (before, after, limit, accepted):
        assert f"{day.year}年{day.month}月{day.day}日" in text
    assert f"{ext['days']}个工作日" in text and ext["approver"] in text
    assert "30个工作日" in text


# --- the interview record ------------------------------------------------------------------------------

def test_interview_record_questions_answers_and_footer_on_every_page(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: d["status"] == "investigating" and not d["extensions"])
    answer = ("为加快项目审批进度、方便群众办事，经局党组会议集体研究，决定对部分申请材料实行容缺受理，"
              "并明确了补正期限和责任人。其后因施工单位变更，补正材料未能按期提交，我们发现后立即督促补齐。")
    note = "\n".join(f"问：第{i}个问题，请你说明当时的具体情况？答：{answer}" for i in range(1, 16))
    perform_action(demo.ws, d["number"], "note", TODAY, {"text": note, "place": "贺兰县纪委监委谈话室",
                                                           "interviewers": "马军、杨帆", "recorder": "杨帆",
                                                           "interviewee": d["cadres"][0]["name"]})
    d = demo.refresh(d["number"])
    r = render(demo.ws, d["number"], "interview-record", tmp_path)
    check_form(r, d["cadres"][0]["name"], "贺兰县纪委监委谈话室")
    model = r.model
    assert model.page_footer == FOOTER
    exchange = [b.text for b in model.blocks if isinstance(b, Paragraph) and b.role == "plain"]
    questions = [t for t in exchange if t.startswith("问：")]
    answers = [t for t in exchange if t.startswith("答：")]
    assert len(questions) == len(answers) == 15 and questions[0] == "问：第1个问题，请你说明当时的具体情况？"
    pages = r.pages()
    assert len(pages) >= 2
    for n, (_w, _h, text, _lines, _chars) in enumerate(pages, start=1):
        assert squash(FOOTER) in squash(text), f"page {n} has no signature line"
    cadre = d["cadres"][0]
    particulars = "".join(c.text for row in cells(model) for c in row)
    assert cadre["gender"] in particulars and cadre["political_status"] in particulars
    assert "以上笔录我已看过（向我宣读过），与我说的一致。" in particulars
    # the DOCX carries the line in the footer of odd and even pages, above the page number
    section = docx.Document(io.BytesIO(r.docx)).sections[0]
    for footer in (section.footer, section.even_page_footer):
        styled = [p for p in footer.paragraphs if p.style is not None and p.style.name == PAGE_FOOTER_STYLE]
        assert [p.text for p in styled] == [FOOTER]
        assert "PAGE" in footer._element.xml


def test_interview_record_of_the_demo_note_splits_at_questions(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: d["status"] == "archived" and len(d["notes"]) == 1)
    r = render(demo.ws, d["number"], "interview-record", tmp_path)
    check_form(r, d["notes"][-1]["interviewee"])
    plain = [b.text for b in r.model.blocks if isinstance(b, Paragraph) and b.role == "plain"]
    assert plain == ["问：请说明事情经过。", "答：为加快办理进度，经集体研究后先行受理，事后及时补正了材料。"]
    assert len(r.pages()) == 1


# --- the expert opinion form ---------------------------------------------------------------------------

def test_expert_opinion_lists_the_participants(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: d["assessments"])
    r = render(demo.ws, d["number"], "expert-opinion", tmp_path)
    text = check_form(r, d["cadres"][0]["name"], d["accountability"]["matter"])
    assessment = d["assessments"][-1]
    assert assessment["opinion"] in text and "■专家讨论评估" in squash(text)
    rows = [[c.text for c in row] for row in cells(r.model)]
    assert ["李教授", "宁夏大学", "", ""] in rows and ["", "县发改局", "", ""] in rows
    assert len(r.pages()) == 1


# --- the delivery receipt ------------------------------------------------------------------------------

def test_delivery_receipt_names_the_letter_and_its_number(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: d["status"] == "determined" and not d["deliveries"])
    before = render(demo.ws, d["number"], "delivery-receipt", tmp_path)
    check_form(before, d["accountability"]["organ"])
    assert "容错免责认定书" in docx_text(before) and "〔" not in docx_text(before)
    letter = render_letter(demo.ws, d["number"], "determination-letter", "pdf", tmp_path / "letter.pdf")
    after = render(demo.ws, d["number"], "delivery-receipt", tmp_path)
    text = check_form(after, d["accountability"]["organ"])
    assert f"容错免责认定书（{letter.number}）" in text
    assert "□直接送达□邮寄送达□委托送达" in squash(text)         # not delivered yet: nothing ticked
    to_applicant = render(demo.ws, d["number"], "delivery-receipt", tmp_path, recipient="applicant")
    assert d["applicant"]["name"] in docx_text(to_applicant)
    assert d["accountability"]["organ"] not in docx_text(to_applicant)


def test_delivery_receipt_of_a_registered_delivery(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: d["status"] == "archived")
    r = render(demo.ws, d["number"], "delivery-receipt", tmp_path)
    delivered = next(x for x in d["deliveries"] if x["recipient"] == "organ")
    day = date.fromisoformat(delivered["delivered_on"])
    text = squash(check_form(r, delivered["recipient_name"]))
    assert "■直接送达□邮寄送达□委托送达" in text and f"{day.year}年{day.month}月{day.day}日" in text
    with pytest.raises(UserError, match="受送达对象"):
        render_letter(demo.ws, d["number"], "delivery-receipt", "pdf", tmp_path / "x.pdf", recipient="someone")


# --- readiness -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "status", "message"), [
    ("interview-record", "registered", "笔录"),
    ("expert-opinion", "registered", "评估"),
    ("extension-approval", "registered", "延长"),
    ("delivery-receipt", "investigating", "认定"),
])
def test_a_form_the_case_is_not_ready_for_is_refused(demo: Demo, tmp_path: Path, kind: str, status: str,
                                                      message: str) -> None:
    d = demo.case(lambda d: d["status"] == status)
    out = tmp_path / "x.pdf"
    with pytest.raises(ActionRefused) as caught:
        render_letter(demo.ws, d["number"], kind, "pdf", out)
    assert message in caught.value.message and CHINESE.search(caught.value.message)
    assert not out.exists()


# --- the statement about a cadre -----------------------------------------------------------------------

def _cadre(name: str) -> Cadre:
    cadre: Cadre = Cadre.get(Cadre.name == name)
    return cadre


def _statement(r: Rendered) -> tuple[str, list[str]]:
    model = r.model
    words = "".join(model.text_lines())
    assert re.sub(r"—\d+—", "", squash("".join(p[2] for p in r.pages()))) == squash(words)
    with pdfplumber.open(io.BytesIO(r.pdf)) as pdf:
        assert all(abs(p.width - A4[0]) < 0.5 and abs(p.height - A4[1]) < 0.5 for p in pdf.pages)
    body = [b.text for b in model.blocks if isinstance(b, Paragraph) and b.role == "body"]
    return words, body


def test_cadre_statement_is_truthful_for_every_outcome(demo: Demo, tmp_path: Path) -> None:
    exempted = _cadre("李卫东")          # an exemption and, with 王秀兰, a mitigation
    r = render(demo.ws, str(exempted.id_number), "cadre-statement", tmp_path)
    words, body = _statement(r)
    assert re.fullmatch(r"贺纪容说〔2026〕\d+号", r.number) and r.number in words
    assert "关于李卫东同志容错免责情况的说明" in words and str(exempted.id_number) in words
    paragraphs = body[:-1]
    assert body[-1] == "特此说明。" and paragraphs[0].startswith("经查，李卫东同志")
    assert len(paragraphs) == CaseCadre.select().where(CaseCadre.cadre == exempted).count() == 2
    assert any("予以免责（免予追究责任）" in p and "不影响该同志" in p for p in paragraphs)
    assert any("予以减轻处理" in p and "不影响" not in p for p in paragraphs)
    assert any("由贺兰县住房和城乡建设局提出容错免责申请" in p for p in paragraphs)   # a unit applied

    refused = _cadre("杨建国")           # not exempted, and a case still being investigated
    words, body = _statement(render(demo.ws, str(refused.id_number), "cadre-statement", tmp_path))
    assert any(p.endswith("对其在该问题中的责任不予免责。") for p in body)
    assert any("尚未作出认定" in p for p in body)
    assert "不受影响" not in words and "不影响" not in words


def test_cadre_statement_names_the_letter_and_keeps_its_number_that_day(demo: Demo, tmp_path: Path) -> None:
    cadre = _cadre("张志强")
    case = next(d for d in demo.details.values() if d["cadres"][0]["name"] == "张志强" and d["determinations"])
    letter = render_letter(demo.ws, case["number"], "determination-letter", "pdf", tmp_path / "l.pdf")
    first = render(demo.ws, str(cadre.id_number), "cadre-statement", tmp_path)
    assert f"（认定书文号：{letter.number}）" in "".join(first.model.text_lines())
    again = render_letter(demo.ws, case["number"], "cadre-statement", "pdf", tmp_path / "again.pdf")
    assert again.number == first.number          # by the case number of a one-cadre case: the same cadre
    assert IssuedNumber.select().where((IssuedNumber.kind == "cadre-statement")
                                       & (IssuedNumber.number == first.number)).count() == 1


def test_cadre_statement_of_a_case_with_two_cadres_asks_for_the_id_number(demo: Demo, tmp_path: Path) -> None:
    d = demo.case(lambda d: len(d["cadres"]) == 2)
    with pytest.raises(UserError) as caught:
        render_letter(demo.ws, d["number"], "cadre-statement", "pdf", tmp_path / "x.pdf")
    assert "身份证号码" in caught.value.message and d["cadres"][1]["name"] in caught.value.message
    with pytest.raises(UserError, match="没有找到"):
        render_letter(demo.ws, "640122190001010000", "cadre-statement", "pdf", tmp_path / "x.pdf")


# --- blank forms ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", FORM_KINDS)
def test_blank_forms_hold_no_case_data(demo: Demo, tmp_path: Path, kind: str) -> None:
    r = blank(demo.ws, kind, tmp_path)
    text = check_form(r)
    words = pdf_text(r)
    data = {d["number"] for d in demo.details.values()}
    data |= {c["name"] for d in demo.details.values() for c in d["cadres"]}
    data |= {d["applicant"]["name"] for d in demo.details.values()}
    data |= {d["accountability"]["matter"] for d in demo.details.values()}
    data |= {n["place"] for d in demo.details.values() for n in d["notes"]}
    leaked = sorted(x for x in data if x and (x in words or x in text))
    assert not leaked
    assert "2026" not in words and "■" not in words
    assert "年月日" in words                                    # dates to write by hand
    if kind == "interview-record":
        assert r.model.page_footer == FOOTER
        assert squash(text).count("问：") >= 3
    if kind == "application-form":
        assert all(w in squash(text) for w in ("□个人□单位", "身份证号码", "统一社会信用代码", "涉及干部"))
        assert words.count("□") == 2 + 9 + 6


def test_blank_is_only_for_forms(demo: Demo, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="不是表格"):
        render_blank(demo.ws, "determination-letter", "pdf", tmp_path / "x.pdf")
    with pytest.raises(UserError, match="未知的文书种类"):
        render_blank(demo.ws, "no-such-form", "pdf", tmp_path / "x.pdf")


# --- the command line ----------------------------------------------------------------------------------

def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RONGCUO_DATA_DIR"} | {"QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(["./run.sh", "--data-dir", str(data_dir), *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def test_cli_renders_blank_forms(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    out = tmp_path / "申请表.pdf"
    result = _cli(data_dir, "render", "--blank", "application-form", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF") and "空白容错免责申请表" in result.stdout
    out = tmp_path / "笔录.docx"
    assert _cli(data_dir, "render", "--blank", "interview-record", "--format", "docx", "--out", str(out)).returncode == 0
    assert out.read_bytes().startswith(b"PK")
    for args, message in ((("render", "2026-0001", "application-form", "--blank", "application-form"), "空白表"),
                          (("render", "2026-0001"), "文书种类"),
                          (("render", "--blank", "determination-letter"), "不是表格")):
        result = _cli(data_dir, *args, "--out", str(tmp_path / "x.pdf"))
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
