"""Issuing a case's letters through the service the CLI and GUI call."""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as DocxDocument

from core.errors import ActionRefused, UserError
from core.services.demo import load_demo
from core.services.letters import render_letter
from core.services.office import office_profile, update_office
from core.services.workspace import Workspace
from documents.docx_render import read_model
from documents.model import ROLE_STYLES
from models.audit import AuditRecord
from models.case import Case
from models.documents import IssuedNumber
from models.procedure import Determination


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace(tmp_path_factory.mktemp("letters") / "data", actor="测试员", today=lambda: date(2026, 11, 27))
    load_demo(ws)
    return ws


def _case(status: str) -> Case:
    return Case.select().where(Case.status == status).order_by(Case.number).first()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_determination_letter_pdf_and_docx_say_the_same_words(demo: Workspace, tmp_path: Path) -> None:
    case = _case("archived")
    pdf = render_letter(demo, case.number, "determination-letter", "pdf", tmp_path / "l.pdf")
    docx = render_letter(demo, case.number, "determination-letter", "docx", tmp_path / "l.docx")
    assert pdf.number == docx.number and re.fullmatch(r"贺纪容认〔2026〕\d+号", pdf.number)
    with pdfplumber.open(tmp_path / "l.pdf") as document:
        assert all(abs(p.width - 595.28) < 0.5 and abs(p.height - 841.89) < 0.5 for p in document.pages)
        pdf_text = "".join(page.extract_text() or "" for page in document.pages)
    docx_bytes = (tmp_path / "l.docx").read_bytes()
    words = "".join(read_model(docx_bytes, "determination-letter").text_lines())
    assert re.sub(r"—\d+—", "", _squash(pdf_text)) == _squash(words).replace("\u200b", "")
    assert pdf.number in pdf_text
    determined_on = case.determinations.order_by(Determination.determined_on.desc()).first().determined_on
    assert pdf.issued_on == determined_on
    assert f"{determined_on.year}年{determined_on.month}月{determined_on.day}日" in words
    styles = {p.style.name for p in DocxDocument(io.BytesIO(docx_bytes)).paragraphs if p.text.strip()}
    assert styles <= set(ROLE_STYLES.values())


def test_re_rendering_keeps_number_and_date(demo: Workspace, tmp_path: Path) -> None:
    case = _case("archived")
    first = render_letter(demo, case.number, "determination-letter", "pdf", tmp_path / "a.pdf")
    before = AuditRecord.select().count()
    again = render_letter(demo, case.number, "determination-letter", "docx", tmp_path / "b.docx")
    assert (again.number, again.issued_on) == (first.number, first.issued_on)
    assert AuditRecord.select().count() == before
    assert IssuedNumber.select().where(IssuedNumber.case == case).count() == 1


def test_letters_bear_the_date_of_the_decision(demo: Workspace, tmp_path: Path) -> None:
    case = _case("determined")
    issued = render_letter(demo, case.number, "acceptance-notice", "pdf", tmp_path / "a.pdf")
    assert issued.issued_on == case.accepted_on


def test_a_letter_the_case_is_not_ready_for_is_refused(demo: Workspace, tmp_path: Path) -> None:
    case = _case("registered")
    with pytest.raises(ActionRefused, match="尚未作出认定"):
        render_letter(demo, case.number, "determination-letter", "pdf", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    assert not IssuedNumber.select().where(IssuedNumber.case == case).exists()


@pytest.mark.parametrize(("kind", "fmt", "message"), [
    ("no-such-letter", "pdf", "未知的文书种类"),
    ("determination-letter", "odt", "格式"),
])
def test_bad_requests_are_refused_in_chinese(demo: Workspace, tmp_path: Path, kind: str, fmt: str,
                                             message: str) -> None:
    with pytest.raises(UserError, match=message):
        render_letter(demo, _case("archived").number, kind, fmt, tmp_path / "x")


def test_office_profile_changes_are_checked_and_audited(workspace: Workspace) -> None:
    with pytest.raises(UserError):
        update_office(workspace, {"code_prefix": "贺〔纪〕"})
    with pytest.raises(UserError):
        update_office(workspace, {"organ_kind": "宣传部门"})
    assert AuditRecord.select().count() == 0
    profile = update_office(workspace, {"code_prefix": "永纪", "organ_name": "中共永宁县纪律检查委员会"})
    assert profile["code_prefix"] == "永纪" and office_profile(workspace)["organ_name"].startswith("中共永宁县")
    assert AuditRecord.select().where(AuditRecord.action == "office_profile").count() == 1
