"""The office's letter settings: 文件格式 or 信函格式 per letter (followed by the PDF, the DOCX and
LibreOffice's reading of the DOCX), one determination letter or two, and the template admin service."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from core.errors import ActionRefused, NotFound, UserError, ValidationError
from core.services.demo import load_demo
from core.services.letters import render_letter
from core.services.office import (
    determination_letters,
    letter_format,
    letter_formats,
    set_determination_letters,
    set_letter_format,
    update_office,
)
from core.services.templates_admin import (
    export_template,
    import_office_template,
    list_templates,
    reset_office_template,
)
from core.services.workspace import Workspace
from documents import layout as L
from documents.docx_render import read_model
from documents.kinds import KINDS, format_choice_kinds
from documents.model import ROLE_STYLES, Paragraph
from documents.templates import default_template, file_sha256, office_template
from models.audit import AuditRecord
from models.case import Case
from models.documents import IssuedNumber
from models.office import Setting

MM = L.MM
PAGE_W, PAGE_H = L.PAGE_WIDTH_MM * MM, L.PAGE_HEIGHT_MM * MM
LEFT, TOP = L.LEFT_MARGIN_MM * MM, L.TOP_MARGIN_MM * MM
RIGHT, BOTTOM = LEFT + L.TEXT_WIDTH_MM * MM, TOP + L.TEXT_HEIGHT_MM * MM
LETTERHEAD = "中共贺兰县纪委 贺兰县监委"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("settings") / "data", actor="测试员", today=lambda: date(2026, 11, 27))
    load_demo(ws)
    yield ws
    ws.close()


@pytest.fixture
def defaults(demo: Workspace) -> Iterator[Workspace]:
    """The demo office with the default letter settings, restored afterwards."""
    Setting.delete().execute()
    yield demo
    Setting.delete().execute()


def _cases(status: str) -> list[Case]:
    return list(Case.select().where(Case.status == status).order_by(Case.number))


def _audits(action: str) -> list[AuditRecord]:
    return list(AuditRecord.select().where(AuditRecord.action == action).order_by(AuditRecord.seq))


# --- PDF helpers ------------------------------------------------------------------------------------

def _pages(path: Path) -> list[Any]:
    with pdfplumber.open(str(path)) as pdf:
        return [(list(p.chars), [o for o in [*p.lines, *p.rects, *p.curves]]) for p in pdf.pages]


def _is_red(ch: dict[str, Any]) -> bool:
    colour = ch.get("non_stroking_color")
    return isinstance(colour, tuple | list) and len(colour) == 3 and colour[0] > 0.8 and colour[1] < 0.2


def _em_top(ch: dict[str, Any]) -> float:
    """The top of a character's em box (CJK: 0.88 em above the baseline), from the page top."""
    return float(PAGE_H - ch["matrix"][5] - 0.88 * ch["size"])


def _lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    rows: dict[float, list[dict[str, Any]]] = {}
    for ch in chars:
        if ch["text"].strip():
            rows.setdefault(round(PAGE_H - ch["matrix"][5], 1), []).append(ch)
    return [sorted(rows[y], key=lambda c: c["x0"]) for y in sorted(rows)]


def _text(line: list[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in line)


def _bars(objects: list[dict[str, Any]]) -> list[tuple[float, float, float, float]]:
    """Horizontal rules as (top, bottom, x0, x1) from the page top, whether stroked lines or filled bars."""
    out = []
    for o in objects:
        if o["x1"] - o["x0"] < 50 * MM:
            continue
        if abs(o["bottom"] - o["top"]) < 0.01:          # a stroked line: its width around it
            half = float(o.get("linewidth") or 0) / 2
            out.append((float(o["top"]) - half, float(o["bottom"]) + half, float(o["x0"]), float(o["x1"])))
        elif o["bottom"] - o["top"] < 3:
            out.append((float(o["top"]), float(o["bottom"]), float(o["x0"]), float(o["x1"])))
    return sorted(set(out))


def _check_letter_format_page(chars: list[dict[str, Any]], objects: list[dict[str, Any]], *, glyph_mm: float) -> None:
    """GB/T 9704 §10.1 on page 1: the 标志 (no “文件”) 30 mm from the top, red double rules 170 mm wide
    (thick over thin 4 mm under the 标志, thin over thick 20 mm above the bottom edge), the 发文字号
    flush right under them, no page number. ``glyph_mm``: how far glyph tops may stray (fonts)."""
    red = [c for c in chars if _is_red(c)]
    assert _text(red).replace(" ", "") == LETTERHEAD.replace(" ", "")          # no “文件”
    head_top = min(_em_top(c) for c in red)
    assert head_top == pytest.approx(L.LETTER_FORMAT_LETTERHEAD_TOP_MM * MM, abs=glyph_mm * MM)
    bars = _bars(objects)
    top_bars = [b for b in bars if b[0] < TOP + 30 * MM]
    bottom_bars = [b for b in bars if b[0] > BOTTOM]
    assert len(top_bars) == 2 and len(bottom_bars) == 2, bars
    for _t, _b, x0, x1 in top_bars + bottom_bars:
        assert x1 - x0 == pytest.approx(L.LETTER_FORMAT_RULE_WIDTH_MM * MM, abs=0.3 * MM)
        assert (x0 + x1) / 2 == pytest.approx(PAGE_W / 2, abs=0.3 * MM)
    thickness = [b - t for t, b, _x0, _x1 in top_bars + bottom_bars]
    assert thickness[0] > thickness[1] and thickness[2] < thickness[3]      # thick over thin; thin over thick
    assert thickness[0] == pytest.approx(L.LETTER_FORMAT_THICK_RULE_MM * MM, abs=0.1 * MM)
    assert thickness[1] == pytest.approx(L.LETTER_FORMAT_THIN_RULE_MM * MM, abs=0.1 * MM)
    assert top_bars[0][0] - (head_top + L.LETTERHEAD_PT) == pytest.approx(
        L.LETTER_FORMAT_RULE_BELOW_LETTERHEAD_MM * MM, abs=glyph_mm * MM)
    assert PAGE_H - bottom_bars[1][1] == pytest.approx(L.LETTER_FORMAT_BOTTOM_RULE_FROM_PAGE_BOTTOM_MM * MM,
                                                       abs=0.3 * MM)
    lines = _lines([c for c in chars if not _is_red(c)])
    number = next(x for x in lines if re.fullmatch(r"贺纪容\S+〔2026〕\d+号", _text(x)))
    assert number[-1]["x1"] == pytest.approx(RIGHT, abs=0.5 * MM)                   # flush right
    assert _em_top(number[0]) - top_bars[1][1] == pytest.approx(
        L.LETTER_FORMAT_NUMBER_BELOW_RULE_EM * L.BODY_PT, abs=glyph_mm * MM)
    assert not [x for x in lines if x[0]["top"] > BOTTOM]                           # no page number on page 1


def _check_file_format_page(chars: list[dict[str, Any]], objects: list[dict[str, Any]]) -> None:
    red = [c for c in chars if _is_red(c)]
    assert _text(red).replace(" ", "") == LETTERHEAD.replace(" ", "") + "文件"
    assert min(_em_top(c) for c in red) == pytest.approx(TOP + L.LETTERHEAD_TOP_FROM_TEXT_TOP_MM * MM, abs=0.5)
    bars = [b for b in _bars(objects) if b[0] < TOP + 100 * MM]
    assert len(bars) == 1 and bars[0][3] - bars[0][2] == pytest.approx(L.TEXT_WIDTH_MM * MM, abs=0.5)


# --- the settings -------------------------------------------------------------------------------------

def test_defaults_notices_and_statement_in_letter_format_determination_in_file_format(defaults: Workspace) -> None:
    assert letter_formats(defaults) == {"acceptance-notice": "letter", "rejection-notice": "letter",
                                        "suspension-notice": "letter", "determination-letter": "file",
                                        "cadre-statement": "letter"}
    assert set(format_choice_kinds()) == set(letter_formats(defaults))
    assert letter_format(defaults, "investigation-report") is None      # not the office's choice
    assert letter_format(defaults, "application-form") is None
    assert determination_letters(defaults) == 1


def test_changes_are_audited(defaults: Workspace) -> None:
    before = len(_audits("office_setting"))
    assert set_letter_format(defaults, "acceptance-notice", "文件格式")["acceptance-notice"] == "file"
    assert set_determination_letters(defaults, "2") == 2
    set_determination_letters(defaults, 2)                     # no change: no record
    records = _audits("office_setting")[before:]
    assert [(json.loads(r.before), json.loads(r.after)) for r in records] == [
        ({"letter_formats": None}, {"letter_formats": {"acceptance-notice": "file"}}),
        ({"determination_letters": None}, {"determination_letters": 2}),
    ]
    assert all(r.actor == "测试员" and r.entity == "setting" for r in records)
    update_office(defaults, {"format.cadre-statement": "file", "format.acceptance-notice": "letter",
                             "determination_letters": "1"})
    assert letter_formats(defaults)["cadre-statement"] == "file"
    assert letter_formats(defaults)["acceptance-notice"] == "letter"
    assert determination_letters(defaults) == 1
    assert defaults.audit.verify().ok


@pytest.mark.parametrize(("changes", "message"), [
    ({"format.investigation-report": "letter"}, "版式是固定的"),
    ({"format.application-form": "letter"}, "版式是固定的"),
    ({"format.no-such-kind": "letter"}, "没有“no-such-kind”这种文书"),
    ({"format.acceptance-notice": "红头"}, "应为 file（文件格式）或 letter（信函格式）"),
    ({"determination_letters": "3"}, "认定书份数应为 1"),
    ({"letterhead": "新标志", "determination_letters": "0"}, "认定书份数应为 1"),
    ({"format.acceptance-notice": "file", "organ_kind": "法院"}, "机关类型"),
])
def test_refused_settings_change_nothing(defaults: Workspace, changes: dict[str, str], message: str) -> None:
    records = AuditRecord.select().count()
    profile = defaults.office().letterhead
    with pytest.raises(ValidationError, match=message):
        update_office(defaults, changes)
    assert AuditRecord.select().count() == records
    assert defaults.office().letterhead == profile
    assert Setting.select().count() == 0


# --- the layout follows the setting: PDF --------------------------------------------------------------

def test_pdf_follows_the_letter_format_setting(defaults: Workspace, tmp_path: Path) -> None:
    case = _cases("investigating")[0]
    render_letter(defaults, case.number, "acceptance-notice", "pdf", tmp_path / "letter.pdf")
    chars, objects = _pages(tmp_path / "letter.pdf")[0]
    _check_letter_format_page(chars, objects, glyph_mm=0.3)

    set_letter_format(defaults, "acceptance-notice", "file")
    render_letter(defaults, case.number, "acceptance-notice", "pdf", tmp_path / "file.pdf")
    chars, objects = _pages(tmp_path / "file.pdf")[0]
    _check_file_format_page(chars, objects)


def test_determination_letter_in_letter_format(defaults: Workspace, tmp_path: Path) -> None:
    case = _cases("archived")[0]
    set_letter_format(defaults, "determination-letter", "letter")
    render_letter(defaults, case.number, "determination-letter", "pdf", tmp_path / "d.pdf")
    pages = _pages(tmp_path / "d.pdf")
    assert len(pages) >= 2
    _check_letter_format_page(*pages[0], glyph_mm=0.3)
    last_chars, last_objects = pages[-1]
    lines = [_text(x) for x in _lines(last_chars)]
    assert any(t.startswith("抄送：") for t in lines)
    assert not any("印发" in t for t in lines)              # §10.1: no 印发机关 or 印发日期 …
    assert not [b for b in _bars(last_objects) if TOP < b[0] < BOTTOM + 1]      # … and no rules in the 版记
    second = _lines(pages[1][0])
    assert _text(second[-1]) == "—2—" and second[-1][0]["top"] > BOTTOM              # page 2 is numbered


# --- the layout follows the setting: DOCX -------------------------------------------------------------

def _docx(path: Path) -> Any:
    return docx.Document(str(path))


def test_docx_follows_the_letter_format_setting(defaults: Workspace, tmp_path: Path) -> None:
    case = _cases("investigating")[0]
    render_letter(defaults, case.number, "acceptance-notice", "docx", tmp_path / "letter.docx")
    document = _docx(tmp_path / "letter.docx")
    section = document.sections[0]
    assert section.different_first_page_header_footer                       # w:titlePg
    header = [p for p in section.first_page_header.paragraphs if p.text.strip()]
    assert [p.style.name for p in header] == [ROLE_STYLES["letterhead"], ROLE_STYLES["doc_number"]]
    assert header[0].text == LETTERHEAD                                      # without “文件”
    frame = header[0]._p.pPr.find(qn("w:framePr"))
    assert frame.get(qn("w:vAnchor")) == "page"
    assert int(frame.get(qn("w:y"))) == round(L.LETTER_FORMAT_LETTERHEAD_TOP_MM * MM * 20)
    assert header[1]._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    bars = section.first_page_header._element.findall(".//" + qn("wp:anchor"))
    assert len(bars) == 4
    first_footer = section.first_page_footer._element.xml
    assert "PAGE" not in first_footer                                        # no page number on page 1
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    body_roles = {p.style.name for p in document.paragraphs if p.text.strip()}
    assert ROLE_STYLES["letterhead"] not in body_roles and ROLE_STYLES["doc_number"] not in body_roles
    title = next(p for p in document.paragraphs if p.text.strip())
    assert title.style.name == ROLE_STYLES["title"]
    model = read_model((tmp_path / "letter.docx").read_bytes(), "acceptance-notice")
    assert model.format == "letter"
    assert [b.role for b in model.blocks[:3] if isinstance(b, Paragraph)] == ["letterhead", "doc_number", "title"]

    set_letter_format(defaults, "acceptance-notice", "file")
    render_letter(defaults, case.number, "acceptance-notice", "docx", tmp_path / "file.docx")
    document = _docx(tmp_path / "file.docx")
    assert not document.sections[0].different_first_page_header_footer
    head = next(p for p in document.paragraphs if p.text.strip())
    assert head.style.name == ROLE_STYLES["letterhead"] and head.text == LETTERHEAD + "文件"
    assert read_model((tmp_path / "file.docx").read_bytes(), "acceptance-notice").format == "file"


def test_libreoffice_lays_out_the_letter_format_like_the_pdf(defaults: Workspace, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("soffice (LibreOffice) is not installed: the 信函格式 DOCX check needs it "
                    "(apt-get install libreoffice-writer-nogui)")
    case = _cases("archived")[0]
    set_letter_format(defaults, "determination-letter", "letter")
    source = tmp_path / "letter.docx"
    render_letter(defaults, case.number, "determination-letter", "docx", source)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pages = _pages(tmp_path / "letter.pdf")
    # Glyph tops depend on the font LibreOffice substitutes (its ascent and descent); the rules do not.
    _check_letter_format_page(*pages[0], glyph_mm=2.0)
    assert len(pages) >= 2 and any(_text(x) == "—2—" for x in _lines(pages[1][0]))
    assert not _bars(pages[1][1])                                    # the double rules are on page 1 only


# --- one determination letter or two ------------------------------------------------------------------

def _addressee(path: Path, kind: str = "determination-letter") -> str:
    model = read_model(path.read_bytes(), kind)
    return next(b.text for b in model.blocks if isinstance(b, Paragraph) and b.role == "addressee")


def _cc(path: Path) -> str:
    model = read_model(path.read_bytes(), "determination-letter")
    return next((b.text for b in model.blocks if isinstance(b, Paragraph) and b.role == "cc"), "")


def test_two_letters_get_two_consecutive_numbers_and_their_own_addressee(defaults: Workspace,
                                                                         tmp_path: Path) -> None:
    set_determination_letters(defaults, 2)
    case = _cases("determined")[0]
    organ = render_letter(defaults, case.number, "determination-letter", "docx", tmp_path / "organ.docx")
    person = render_letter(defaults, case.number, "determination-letter", "docx", tmp_path / "applicant.docx",
                           recipient="applicant")
    rows = {r.recipient: r for r in IssuedNumber.select().where(IssuedNumber.case == case)
            if r.kind == "determination-letter"}
    assert set(rows) == {"organ", "applicant"}
    assert (rows["organ"].number, rows["applicant"].number) == (organ.number, person.number)
    assert rows["applicant"].seq == rows["organ"].seq + 1
    applicant = case.applicants.get()
    organ_name = case.accountability_organ
    assert _addressee(tmp_path / "organ.docx") == f"{organ_name}："
    shown = applicant.name if applicant.kind == "unit" else f"{applicant.name}同志"
    assert _addressee(tmp_path / "applicant.docx") == f"{shown}："
    for letter in ("organ.docx", "applicant.docx"):             # each has its own letter: no 抄送 to the other
        assert shown not in _cc(tmp_path / letter) and organ_name not in _cc(tmp_path / letter)
    # the same letters again: the same numbers, nothing written
    records = AuditRecord.select().count()
    again = render_letter(defaults, case.number, "determination-letter", "pdf", tmp_path / "a.pdf",
                          recipient="applicant")
    assert again.number == person.number and AuditRecord.select().count() == records
    # the proof of delivery to the applicant names the applicant's letter
    render_letter(defaults, case.number, "delivery-receipt", "docx", tmp_path / "r.docx", recipient="applicant")
    receipt = "".join(read_model((tmp_path / "r.docx").read_bytes(), "delivery-receipt").text_lines())
    assert person.number in receipt and organ.number not in receipt


def test_a_unit_applicant_is_addressed_by_its_name(defaults: Workspace, tmp_path: Path) -> None:
    set_determination_letters(defaults, 2)
    case = next(c for c in _cases("archived") + _cases("determined") if c.applicants.get().kind == "unit")
    render_letter(defaults, case.number, "determination-letter", "docx", tmp_path / "unit.docx",
                  recipient="applicant")
    assert _addressee(tmp_path / "unit.docx") == f"{case.applicants.get().name}："


def test_one_letter_refuses_a_letter_to_the_applicant(defaults: Workspace, tmp_path: Path) -> None:
    case = _cases("determined")[-1]
    numbers = IssuedNumber.select().count()
    with pytest.raises(ActionRefused, match=r"只出具一份认定书.*determination_letters=2"):
        render_letter(defaults, case.number, "determination-letter", "pdf", tmp_path / "x.pdf", recipient="applicant")
    assert IssuedNumber.select().count() == numbers and not (tmp_path / "x.pdf").exists()
    one = render_letter(defaults, case.number, "determination-letter", "docx", tmp_path / "one.docx")
    assert "同志" in _cc(tmp_path / "one.docx") or case.applicants.get().name in _cc(tmp_path / "one.docx")
    # switching to two letters: the letter to the organ keeps its number, the applicant's is the next
    set_determination_letters(defaults, 2)
    organ = render_letter(defaults, case.number, "determination-letter", "pdf", tmp_path / "o.pdf")
    person = render_letter(defaults, case.number, "determination-letter", "pdf", tmp_path / "p.pdf",
                           recipient="applicant")
    assert organ.number == one.number and person.number != one.number


def test_to_is_only_for_the_determination_letter_and_the_receipt(defaults: Workspace, tmp_path: Path) -> None:
    case = _cases("investigating")[0]
    with pytest.raises(UserError, match="只用于认定书和送达回证"):
        render_letter(defaults, case.number, "acceptance-notice", "pdf", tmp_path / "x.pdf", recipient="organ")


# --- templates ----------------------------------------------------------------------------------------

def test_template_import_and_reset_are_audited(defaults: Workspace, tmp_path: Path) -> None:
    kind = "acceptance-notice"
    assert not next(t for t in list_templates(defaults) if t.kind == kind).customised
    exported = export_template(defaults, kind, tmp_path)
    edited = docx.Document(str(exported))
    edited.add_paragraph("联系人：{{ office.we }}办公室", style=ROLE_STYLES["note"])
    edited.save(str(exported))
    info = import_office_template(defaults, kind, exported)
    assert info.customised and info.sha256 == file_sha256(exported) == file_sha256(office_template(kind, defaults.data_dir))
    record = _audits("import_template")[-1]
    assert json.loads(record.before) == {"kind": kind, "template": "default",
                                         "sha256": file_sha256(default_template(kind))}
    assert json.loads(record.after) == {"kind": kind, "template": "office", "sha256": info.sha256,
                                        "source": exported.name}

    case = _cases("investigating")[0]
    render_letter(defaults, case.number, kind, "docx", tmp_path / "n.docx")
    assert "联系人：我委办公室" in read_model((tmp_path / "n.docx").read_bytes(), kind).text_lines()

    back = reset_office_template(defaults, kind)
    assert not back.customised and not office_template(kind, defaults.data_dir).exists()
    record = _audits("reset_template")[-1]
    assert json.loads(record.before) == {"kind": kind, "template": "office", "sha256": info.sha256}
    assert json.loads(record.after) == {"kind": kind, "template": "default",
                                        "sha256": file_sha256(default_template(kind))}
    with pytest.raises(ActionRefused, match="已经是默认模板"):
        reset_office_template(defaults, kind)
    assert defaults.audit.verify().ok


@pytest.mark.parametrize("content", ["not a zip", "placeholder"])
def test_a_broken_template_is_refused_and_nothing_changes(defaults: Workspace, tmp_path: Path, content: str) -> None:
    kind = "rejection-notice"
    broken = tmp_path / "broken.docx"
    if content == "placeholder":
        document = docx.Document(str(default_template(kind)))
        document.add_paragraph("{{ case.aplicant }}", style=ROLE_STYLES["body"])
        document.save(str(broken))
    else:
        broken.write_bytes(b"PK\x03\x04 not a docx")
    records = AuditRecord.select().count()
    with pytest.raises(UserError):
        import_office_template(defaults, kind, broken)
    assert AuditRecord.select().count() == records
    assert not office_template(kind, defaults.data_dir).exists()
    assert not [p for p in office_template(kind, defaults.data_dir).parent.iterdir() if kind in p.name]
    with pytest.raises(NotFound):
        import_office_template(defaults, "no-such-kind", broken)
    assert all(k in KINDS for k in (t.kind for t in list_templates(defaults)))
