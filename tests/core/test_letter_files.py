"""Issued files in the data folder, which documents a case is ready for, and a case's numbers."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import ActionRefused
from core.services.demo import load_demo
from core.services.letters import (
    case_documents,
    case_numbers,
    documents_folder,
    issue_to_folder,
)
from core.services.office import update_office
from core.services.workspace import Workspace
from models.case import Case


@pytest.fixture
def demo(workspace: Workspace) -> Workspace:
    load_demo(workspace)
    return workspace


def _case(status: str) -> str:
    return str(Case.select().where(Case.status == status).order_by(Case.number).first().number)


def test_a_registered_case_is_ready_for_the_form_only_and_says_why_not_for_the_rest(demo: Workspace) -> None:
    choices = {c.kind: c for c in case_documents(demo, _case("registered"))}
    assert "cadre-statement" not in choices
    assert choices["application-form"].ready
    letter = choices["determination-letter"]
    assert not letter.ready and letter.reason == "案件尚未作出认定，不能出具认定书"
    assert letter.recipients == ()
    assert choices["delivery-receipt"].recipients == ("organ", "applicant")


def test_two_determination_letters_offer_a_choice_of_recipient(demo: Workspace) -> None:
    update_office(demo, {"determination_letters": "2"})
    choices = {c.kind: c for c in case_documents(demo, _case("archived"))}
    assert choices["determination-letter"].ready
    assert choices["determination-letter"].recipients == ("organ", "applicant")


def test_a_letter_is_filed_under_its_number_and_issuing_again_replaces_it(demo: Workspace) -> None:
    number = _case("archived")
    issued = issue_to_folder(demo, number, "determination-letter", "pdf")
    assert issued.path == demo.data_dir / "documents" / number / f"容错免责认定书-{issued.number}.pdf"
    assert issued.path.read_bytes().startswith(b"%PDF")
    again = issue_to_folder(demo, number, "determination-letter", "pdf")
    assert again.path == issued.path
    assert sorted(p.name for p in issued.path.parent.iterdir()) == [issued.path.name]


def test_an_unnumbered_document_is_filed_by_date_and_recipient(demo: Workspace) -> None:
    number = _case("archived")
    organ = issue_to_folder(demo, number, "delivery-receipt", "docx", recipient="organ")
    applicant = issue_to_folder(demo, number, "delivery-receipt", "docx", recipient="applicant")
    assert organ.path.name == f"送达回证（问责实施机关）-{organ.issued_on.isoformat()}.docx"
    assert applicant.path.name == f"送达回证（申请单位或个人）-{applicant.issued_on.isoformat()}.docx"


def test_a_refused_letter_leaves_no_file(demo: Workspace) -> None:
    number = _case("registered")
    with pytest.raises(ActionRefused):
        issue_to_folder(demo, number, "determination-letter", "pdf")
    folder = documents_folder(demo, number, "determination-letter")
    assert not folder.exists() or not any(folder.iterdir())


def test_a_cadre_statement_is_filed_under_the_cadre(demo: Workspace) -> None:
    issued = issue_to_folder(demo, "640122198001011019", "cadre-statement", "pdf")
    assert issued.path.parent == demo.data_dir / "documents" / "干部" / "640122198001011019"
    assert issued.path.name == f"容错免责情况说明-{issued.number}.pdf"


def test_folder_names_never_leave_the_documents_folder(workspace: Workspace) -> None:
    folder = documents_folder(workspace, "../../etc", "acceptance-notice")
    assert folder.parent == workspace.data_dir / "documents"
    assert ".." not in Path(folder.name).parts


def test_case_numbers_lists_every_number_in_words(demo: Workspace) -> None:
    number = _case("archived")
    assert case_numbers(demo, number) == []
    update_office(demo, {"determination_letters": "2"})
    issue_to_folder(demo, number, "determination-letter", "pdf", recipient="applicant")
    issue_to_folder(demo, number, "acceptance-notice", "pdf")
    rows = case_numbers(demo, number)
    assert [(r["kind_label"], r["recipient_label"]) for r in rows] == [
        ("受理通知书", ""), ("容错免责认定书", "申请单位或个人")]
    assert all(r["case_number"] == number and not r["voided"] for r in rows)
    assert date.fromisoformat(rows[0]["issued_on"]) <= date.fromisoformat(rows[1]["issued_on"])
