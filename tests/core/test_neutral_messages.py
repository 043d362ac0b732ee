"""Core messages reach the GUI too: they say what to fill in, in Chinese, and name no command-line
option or English key (the field key is in ``ValidationError.field``; the CLI adds its own hint)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from core.errors import UserError, ValidationError
from core.services.actions import perform_action
from core.services.case_view import case_details
from core.services.letters import render_letter
from core.services.registration import register_case
from core.services.workspace import Workspace

CLI_WORDS = re.compile(r"--\w|calendar import|[a-z]+_[a-z]+=|（[a-z_]+）")


def neutral(message: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", message) and not CLI_WORDS.search(message), message


@pytest.fixture
def late_case(workspace: Workspace, application: dict[str, Any]) -> str:
    application["accountability"]["started_on"] = "2026-02-02"   # received 2026-03-10: late
    return register_case(workspace, application).number


@pytest.mark.parametrize(("action", "fields", "field", "expect"), [
    ("accept", {}, "late_reason", "受理时须说明予以受理的理由"),
    ("accept", {"late_reason": "住院", "clues": "other"}, "other_clues", "请填写其他线索及继续调查的情况"),
])
def test_accept_asks_for_what_is_missing(workspace: Workspace, late_case: str, action: str,
                                         fields: dict[str, str], field: str, expect: str) -> None:
    with pytest.raises(ValidationError) as refused:
        perform_action(workspace, late_case, action, "2026-03-11", fields)
    assert refused.value.field == field and refused.value.message.endswith(expect)
    neutral(refused.value.message)


def test_report_and_determination_name_their_fields_in_chinese(workspace: Workspace, late_case: str) -> None:
    perform_action(workspace, late_case, "accept", "2026-03-11", {"late_reason": "住院"})
    with pytest.raises(ValidationError) as refused:
        perform_action(workspace, late_case, "report", "2026-03-20", {"findings": "查明"})
    assert (refused.value.field, refused.value.message) == ("proposal", "请填写拟认定意见")
    perform_action(workspace, late_case, "report", "2026-03-20", {"findings": "查明", "proposal": "exempted"})
    with pytest.raises(ValidationError) as refused:
        perform_action(workspace, late_case, "determine", "2026-03-23", {"reasoning": "理由", "approver": "王宏"})
    assert (refused.value.field, refused.value.message) == ("outcome", "请填写认定结果")


def test_the_estimate_warning_names_no_command(workspace: Workspace, application: dict[str, Any]) -> None:
    application["accountability"]["started_on"] = "2026-11-16"
    application["received_on"] = "2026-11-18"
    number = register_case(workspace, application).number
    perform_action(workspace, number, "accept", "2026-11-20", {})
    [warning] = [w for w in case_details(workspace, number)["warnings"] if "估算" in w]
    neutral(warning)


def test_a_recipient_for_a_letter_without_one_names_no_option(workspace: Workspace, application: dict[str, Any],
                                                              tmp_path: Path) -> None:
    number = register_case(workspace, application).number
    perform_action(workspace, number, "accept", "2026-03-11", {})
    with pytest.raises(UserError) as refused:
        render_letter(workspace, number, "acceptance-notice", "pdf", tmp_path / "x.pdf", recipient="organ")
    assert "只用于认定书和送达回证" in refused.value.message
    neutral(refused.value.message)
