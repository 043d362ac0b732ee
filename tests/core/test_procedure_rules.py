"""The procedure's rules, exercised through the services on the real SQLite database.

Every test goes through ``register_case``, ``perform_action``, ``case_details`` and ``list_cases`` and
asserts on outcomes: dates, statuses and row counts. Today is fixed at 2026-11-27 (``conftest``).
"""
from __future__ import annotations

import copy
import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.errors import ActionRefused, UserError, ValidationError
from core.services.actions import perform_action
from core.services.case_view import case_details, list_cases
from core.services.registration import register_case
from core.services.workspace import Workspace
from core.validation import credit_code_check_char, id_check_char
from models.audit import AuditRecord
from models.case import Cadre, Case, CaseCadre
from models.database import ALL_MODELS
from models.procedure import ArchiveRecord, Delivery, Evidence, EvidenceFile, Extension, Reopening

CJK = re.compile(r"[\u4e00-\u9fff]")

# The standard path through the procedure for the conftest application (received 2026-03-10).
ACCEPTED_ON = "2026-03-11"
REPORTED_ON = "2026-03-20"
DETERMINED_ON = "2026-03-25"
ORGAN_DELIVERED_ON = "2026-03-26"
APPLICANT_DELIVERED_ON = "2026-03-27"
ARCHIVED_ON = "2026-04-01"

REPORT = {"proposal": "exempted", "findings": "经核实，容缺受理系为提高审批效率，偏差发生后已主动纠正。"}
DETERMINATION = {"outcome": "exempted", "reasoning": "符合容错情形（四）（八），无不得容错情形。", "approver": "王书记"}

STAGES = ("registered", "investigating", "reported", "determined", "delivered", "archived")

ALL_ACTIONS = ("accept", "reject", "withdraw", "extend", "note", "evidence", "expert", "report", "determine",
               "deliver", "archive", "reopen")


# --- helpers ------------------------------------------------------------------------------------

def register(ws: Workspace, application: dict[str, Any], **changes: Any) -> str:
    data = copy.deepcopy(application)
    data.update(changes)
    return register_case(ws, data).number


def advance(ws: Workspace, number: str, stage: str) -> None:
    """Take a registered case along the standard path up to ``stage``."""
    steps: list[tuple[str, str, str, dict[str, Any]]] = [
        ("investigating", "accept", ACCEPTED_ON, {}),
        ("reported", "report", REPORTED_ON, REPORT),
        ("determined", "determine", DETERMINED_ON, DETERMINATION),
        ("delivered", "deliver", ORGAN_DELIVERED_ON, {"to": "organ"}),
        ("delivered", "deliver", APPLICANT_DELIVERED_ON, {"to": "applicant"}),
        ("archived", "archive", ARCHIVED_ON, {}),
    ]
    target = STAGES.index(stage)
    for reached, action, on, fields in steps:
        if STAGES.index(reached) > target:
            break
        perform_action(ws, number, action, on, dict(fields))


def new_case(ws: Workspace, application: dict[str, Any], stage: str = "registered", **changes: Any) -> str:
    number = register(ws, application, **changes)
    advance(ws, number, stage)
    return number


def details(ws: Workspace, number: str) -> dict[str, Any]:
    return case_details(ws, number)


def deadline(ws: Workspace, number: str, name: str) -> str | None:
    value: str | None = details(ws, number)["deadlines"][name]
    return value


def audit_count() -> int:
    return AuditRecord.select().count()


def snapshot() -> dict[str, int]:
    """The row count of every table."""
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def refused(ws: Workspace, number: str, action: str, on: str | None = None,
            fields: dict[str, Any] | None = None, error: type[UserError] = UserError) -> UserError:
    """Attempt an action that must be refused; assert it changed nothing and return the error."""
    before = snapshot()
    status = Case.get(Case.number == number).status
    with pytest.raises(error) as caught:
        perform_action(ws, number, action, on, fields)
    assert snapshot() == before
    assert Case.get(Case.number == number).status == status
    assert CJK.search(caught.value.message)
    return caught.value


def at_date(ws: Workspace, started: str, received: str, accepted: str, application: dict[str, Any]) -> str:
    data = copy.deepcopy(application)
    data["accountability"]["started_on"] = started
    data["received_on"] = received
    number = register_case(ws, data).number
    perform_action(ws, number, "accept", accepted)
    return number


# --- 申请：10 working days after accountability started -----------------------------------------

def test_application_due_ten_working_days_after_accountability_started(workspace: Workspace,
                                                                       application: dict[str, Any]) -> None:
    registration = register_case(workspace, application)
    case = details(workspace, registration.number)
    assert case["deadlines"]["application_due"] == "2026-03-16"
    assert registration.late_application is False
    assert case["late_application"] is False


def test_application_received_on_the_due_day_is_not_late(workspace: Workspace, application: dict[str, Any]) -> None:
    number = register(workspace, application, received_on="2026-03-16")
    assert details(workspace, number)["late_application"] is False


def test_application_received_after_the_due_day_is_flagged_late(workspace: Workspace,
                                                                application: dict[str, Any]) -> None:
    data = copy.deepcopy(application)
    data["received_on"] = "2026-03-17"
    registration = register_case(workspace, data)
    assert registration.late_application is True
    assert any("逾期" in w for w in registration.warnings)
    case = details(workspace, registration.number)
    assert case["late_application"] is True
    assert Case.get(Case.number == registration.number).late_application is True


def test_accepting_a_late_application_without_a_reason_is_refused(workspace: Workspace,
                                                                  application: dict[str, Any]) -> None:
    number = register(workspace, application, received_on="2026-03-17")
    error = refused(workspace, number, "accept", "2026-03-18", error=ValidationError)
    assert isinstance(error, ValidationError) and error.field == "late_reason"
    case = details(workspace, number)
    assert case["status"] == "registered"
    assert case["accepted_on"] is None and case["late_reason"] == ""
    assert case["deadlines"]["report_due"] is None


def test_accepting_a_late_application_with_a_reason_stores_the_reason(workspace: Workspace,
                                                                      application: dict[str, Any]) -> None:
    number = register(workspace, application, received_on="2026-03-17")
    reason = "申请人因抢险救灾未能按时提交，经集体研究予以受理"
    perform_action(workspace, number, "accept", "2026-03-18", {"late_reason": reason})
    case = details(workspace, number)
    assert case["status"] == "investigating"
    assert case["accepted_on"] == "2026-03-18"
    assert case["late_reason"] == reason
    assert Case.get(Case.number == number).late_reason == reason


# --- 核实：15 working days, extensions up to 30 in all -------------------------------------------

def test_report_due_fifteen_working_days_after_acceptance(workspace: Workspace,
                                                          application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    deadlines = details(workspace, number)["deadlines"]
    assert deadlines["report_due"] == "2026-04-01"
    # 30 working days, skipping 清明 (2026-04-04 to 04-06)
    assert deadlines["report_limit"] == "2026-04-23"
    assert deadlines["letter_due"] is None


def test_an_extension_moves_report_due(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    perform_action(workspace, number, "extend", "2026-03-25",
                   {"days": 10, "reason": "案情复杂，需调取项目档案", "approver": "王书记"})
    deadlines = details(workspace, number)["deadlines"]
    assert deadlines["report_due"] == "2026-04-16"      # 25 working days after acceptance
    assert deadlines["report_limit"] == "2026-04-23"    # the limit does not move
    assert Extension.select().count() == 1


def test_extensions_may_reach_thirty_working_days_but_not_beyond(workspace: Workspace,
                                                                 application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    extension = {"reason": "案情复杂", "approver": "王书记"}
    perform_action(workspace, number, "extend", "2026-03-25", {"days": 10, **extension})
    error = refused(workspace, number, "extend", "2026-03-26", {"days": 6, **extension}, ActionRefused)
    assert "30" in error.message and "最多还可延长 5 个工作日" in error.message
    perform_action(workspace, number, "extend", "2026-03-26", {"days": 5, **extension})
    deadlines = details(workspace, number)["deadlines"]
    assert deadlines["report_due"] == deadlines["report_limit"] == "2026-04-23"
    error = refused(workspace, number, "extend", "2026-03-27", {"days": 1, **extension}, ActionRefused)
    assert "30" in error.message and "最多还可延长 0 个工作日" in error.message
    assert [e.days for e in Extension.select().order_by(Extension.id)] == [10, 5]
    assert deadline(workspace, number, "report_due") == "2026-04-23"


def test_a_single_extension_of_sixteen_days_is_refused(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    error = refused(workspace, number, "extend", "2026-03-25",
                    {"days": 16, "reason": "案情复杂", "approver": "王书记"}, ActionRefused)
    assert "30" in error.message and "最多还可延长 15 个工作日" in error.message
    assert deadline(workspace, number, "report_due") == "2026-04-01"


def test_an_extension_needs_a_reason_and_an_approver(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    refused(workspace, number, "extend", "2026-03-25", {"days": 5, "approver": "王书记"}, ValidationError)
    refused(workspace, number, "extend", "2026-03-25", {"days": 5, "reason": "案情复杂"}, ValidationError)


# --- 认定：letter within 10 working days of the report -------------------------------------------

def test_letter_due_ten_working_days_after_the_report(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "reported")
    case = details(workspace, number)
    assert case["status"] == "reported"
    assert case["deadlines"]["letter_due"] == "2026-04-03"
    assert case["active_deadline"]["name"] == "letter_due"


# --- 不得容错：an exclusion rules out every tolerant outcome ---------------------------------------

@pytest.mark.parametrize("outcome", ["exempted", "lighter", "mitigated"])
def test_a_report_finding_an_exclusion_cannot_propose_a_tolerant_outcome(
        workspace: Workspace, application: dict[str, Any], outcome: str) -> None:
    number = new_case(workspace, application, "investigating")
    error = refused(workspace, number, "report", REPORTED_ON,
                    {"proposal": outcome, "exclusions": [3], "findings": "严重侵害群众利益"}, ActionRefused)
    assert "不得容错" in error.message
    assert details(workspace, number)["reports"] == []


def test_a_report_finding_an_exclusion_may_propose_not_exempted(workspace: Workspace,
                                                                application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    perform_action(workspace, number, "report", REPORTED_ON,
                   {"proposal": "not_exempted", "exclusions": "3", "findings": "严重侵害群众利益"})
    case = details(workspace, number)
    assert case["status"] == "reported"
    assert case["reports"][0]["exclusions"] == [3]


@pytest.mark.parametrize("outcome", ["exempted", "lighter", "mitigated"])
def test_a_case_with_an_exclusion_cannot_be_determined_tolerant(
        workspace: Workspace, application: dict[str, Any], outcome: str) -> None:
    number = new_case(workspace, application, "investigating")
    perform_action(workspace, number, "report", REPORTED_ON,
                   {"proposal": "not_exempted", "exclusions": [4], "findings": "同时违反组织纪律"})
    error = refused(workspace, number, "determine", DETERMINED_ON,
                    {**DETERMINATION, "outcome": outcome}, ActionRefused)
    assert "不予免责" in error.message
    assert details(workspace, number)["status"] == "reported"


def test_a_case_with_an_exclusion_can_be_determined_not_exempted(workspace: Workspace,
                                                                 application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    perform_action(workspace, number, "report", REPORTED_ON,
                   {"proposal": "not_exempted", "exclusions": [4], "findings": "同时违反组织纪律"})
    perform_action(workspace, number, "determine", DETERMINED_ON, {**DETERMINATION, "outcome": "not_exempted"})
    case = details(workspace, number)
    assert case["status"] == "determined"
    assert [d["outcome"] for d in case["determinations"]] == ["not_exempted"]


@pytest.mark.parametrize("outcome", ["exempted", "lighter", "mitigated", "not_exempted"])
def test_a_case_without_exclusion_may_be_determined_any_outcome(
        workspace: Workspace, application: dict[str, Any], outcome: str) -> None:
    number = new_case(workspace, application, "reported")
    perform_action(workspace, number, "determine", DETERMINED_ON, {**DETERMINATION, "outcome": outcome})
    assert details(workspace, number)["determinations"][0]["outcome"] == outcome


# --- dates never run backwards, never lie in the future ------------------------------------------

BACKWARDS = [
    # (stage, action, date one day before the previous event, fields)
    ("registered", "accept", "2026-03-09", {}),                               # before receipt 03-10
    ("investigating", "report", "2026-03-10", REPORT),                        # before acceptance 03-11
    ("reported", "determine", "2026-03-19", DETERMINATION),                   # before the report 03-20
    ("determined", "deliver", "2026-03-24", {"to": "organ"}),                 # before determination 03-25
    ("delivered", "archive", "2026-03-26", {}),                               # before last delivery 03-27
]


@pytest.mark.parametrize(("stage", "action", "on", "fields"), BACKWARDS, ids=[b[1] for b in BACKWARDS])
def test_an_action_dated_before_the_event_it_follows_is_refused(
        workspace: Workspace, application: dict[str, Any], stage: str, action: str, on: str,
        fields: dict[str, Any]) -> None:
    number = new_case(workspace, application, stage)
    error = refused(workspace, number, action, on, dict(fields), ValidationError)
    assert "不能早于" in error.message


@pytest.mark.parametrize(("stage", "action", "on", "fields"), BACKWARDS, ids=[b[1] for b in BACKWARDS])
def test_an_action_dated_the_same_day_as_the_event_it_follows_is_accepted(
        workspace: Workspace, application: dict[str, Any], stage: str, action: str, on: str,
        fields: dict[str, Any]) -> None:
    number = new_case(workspace, application, stage)
    previous = {"accept": "2026-03-10", "report": ACCEPTED_ON, "determine": REPORTED_ON,
                "deliver": DETERMINED_ON, "archive": APPLICANT_DELIVERED_ON}[action]
    perform_action(workspace, number, action, previous, dict(fields))


FUTURE = [
    ("registered", "accept", {}),
    ("registered", "reject", {"reason": "不属于容错免责范围"}),
    ("investigating", "note", {"text": "谈话内容"}),
    ("investigating", "report", REPORT),
    ("reported", "determine", DETERMINATION),
    ("determined", "deliver", {"to": "organ"}),
    ("delivered", "archive", {}),
    ("archived", "reopen", {"reason": "发现新证据"}),
]


@pytest.mark.parametrize(("stage", "action", "fields"), FUTURE, ids=[f[1] for f in FUTURE])
def test_an_action_dated_after_today_is_refused(workspace: Workspace, application: dict[str, Any],
                                                stage: str, action: str, fields: dict[str, Any]) -> None:
    number = new_case(workspace, application, stage)
    error = refused(workspace, number, action, "2026-11-28", dict(fields), ValidationError)
    assert "不能晚于今天" in error.message and "2026-11-27" in error.message
    perform_action(workspace, number, action, "2026-11-27", dict(fields))   # today itself is fine


def test_an_action_without_a_date_is_dated_today(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application)
    perform_action(workspace, number, "accept")
    assert details(workspace, number)["accepted_on"] == "2026-11-27"


# --- 建档：deliveries, archive, reopen -----------------------------------------------------------

@pytest.mark.parametrize("recipient", ["organ", "applicant"])
def test_archiving_needs_the_letter_delivered_to_both_recipients(
        workspace: Workspace, application: dict[str, Any], recipient: str) -> None:
    number = new_case(workspace, application, "determined")
    perform_action(workspace, number, "deliver", ORGAN_DELIVERED_ON, {"to": recipient})
    error = refused(workspace, number, "archive", ARCHIVED_ON, error=ActionRefused)
    missing = "申请单位或个人" if recipient == "organ" else "问责实施机关"
    assert "尚未送达" in error.message and missing in error.message
    other = "applicant" if recipient == "organ" else "organ"
    perform_action(workspace, number, "deliver", APPLICANT_DELIVERED_ON, {"to": other})
    assert perform_action(workspace, number, "archive", ARCHIVED_ON).status == "archived"


def test_archiving_with_no_delivery_is_refused(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "determined")
    error = refused(workspace, number, "archive", ARCHIVED_ON, error=ActionRefused)
    assert "问责实施机关和申请单位或个人" in error.message


def test_the_same_delivery_cannot_be_recorded_twice(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "determined")
    perform_action(workspace, number, "deliver", ORGAN_DELIVERED_ON, {"to": "organ"})
    error = refused(workspace, number, "deliver", APPLICANT_DELIVERED_ON, {"to": "organ"}, ActionRefused)
    assert "无需重复" in error.message


@pytest.mark.parametrize("action", [a for a in ALL_ACTIONS if a != "reopen"])
def test_an_archived_case_refuses_every_action_but_reopen(workspace: Workspace, application: dict[str, Any],
                                                          action: str) -> None:
    number = new_case(workspace, application, "archived")
    fields = {"reason": "理由", "days": 1, "approver": "王书记", "text": "内容", "title": "材料",
              "participants": "专家", "opinion": "意见", "to": "organ", **REPORT, **DETERMINATION}
    error = refused(workspace, number, action, "2026-11-27", fields, ActionRefused)
    assert "已归档" in error.message and "重新打开" in error.message
    assert details(workspace, number)["allowed_actions"] == ["reopen"]


def test_reopening_needs_a_reason(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "archived")
    error = refused(workspace, number, "reopen", "2026-06-01", {}, ValidationError)
    assert "理由" in error.message
    refused(workspace, number, "reopen", "2026-06-01", {"reason": "   "}, ValidationError)
    assert Reopening.select().count() == 0


def test_reopening_an_archived_case_takes_it_back_to_determined(workspace: Workspace,
                                                                application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "archived")
    result = perform_action(workspace, number, "reopen", "2026-06-01", {"reason": "发现卷宗缺页，需补充装订"})
    assert result.status == "determined"
    case = details(workspace, number)
    assert case["status"] == "determined"
    assert case["allowed_actions"] == ["deliver", "archive"]
    assert [(r["from_status"], r["to_status"], r["reason"]) for r in case["reopenings"]] == [
        ("archived", "determined", "发现卷宗缺页，需补充装订")]
    # the determination and both deliveries stand: the letter is not delivered again
    assert len(case["determinations"]) == 1 and len(case["deliveries"]) == 2
    assert case["active_deadline"] is None


def test_a_reopened_archived_case_can_be_archived_again_without_new_deliveries(
        workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "archived")
    perform_action(workspace, number, "reopen", "2026-06-01", {"reason": "补充装订"})
    result = perform_action(workspace, number, "archive", "2026-06-02", {"volume_number": "2026-容-01"})
    assert result.status == "archived"
    case = details(workspace, number)
    assert [a["archived_on"] for a in case["archive"]] == [ARCHIVED_ON, "2026-06-02"]
    assert ArchiveRecord.select().count() == 2 and Delivery.select().count() == 2
    # and it can be reopened again, not before its second archiving
    refused(workspace, number, "reopen", "2026-06-01", {"reason": "再次更正"}, ValidationError)
    assert perform_action(workspace, number, "reopen", "2026-06-03", {"reason": "再次更正"}).status == "determined"


def test_a_reopened_case_may_record_a_corrected_delivery_once(workspace: Workspace,
                                                               application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "archived")
    perform_action(workspace, number, "reopen", "2026-06-01", {"reason": "送达回证签收人录入有误"})
    perform_action(workspace, number, "deliver", "2026-06-02", {"to": "organ", "receipt": "签收人：王芳"})
    refused(workspace, number, "deliver", "2026-06-03", {"to": "organ"}, ActionRefused)
    assert perform_action(workspace, number, "archive", "2026-06-03", {}).status == "archived"
    assert [d["receipt"] for d in details(workspace, number)["deliveries"]][-1] == "签收人：王芳"


def test_archiving_again_cannot_be_dated_before_the_reopening(workspace: Workspace,
                                                              application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "archived")
    perform_action(workspace, number, "reopen", "2026-06-01", {"reason": "补充装订"})
    error = refused(workspace, number, "archive", "2026-04-02", error=ValidationError)
    assert "重新打开日期" in error.message and "2026-06-01" in error.message


def test_accepting_again_cannot_be_dated_before_the_reopening(workspace: Workspace,
                                                              application: dict[str, Any]) -> None:
    number = new_case(workspace, application)
    perform_action(workspace, number, "reject", "2026-03-11", {"reason": "不属于容错免责范围"})
    perform_action(workspace, number, "reopen", "2026-04-01", {"reason": "申请人补充材料"})
    error = refused(workspace, number, "accept", "2026-03-12", error=ValidationError)
    assert "重新打开日期" in error.message
    perform_action(workspace, number, "accept", "2026-04-01")


# --- statuses reachable --------------------------------------------------------------------------

def test_the_full_path_registered_to_archived(workspace: Workspace, application: dict[str, Any]) -> None:
    number = register(workspace, application)
    statuses = [details(workspace, number)["status"]]
    for action, on, fields in [("accept", ACCEPTED_ON, {}), ("report", REPORTED_ON, REPORT),
                               ("determine", DETERMINED_ON, DETERMINATION),
                               ("deliver", ORGAN_DELIVERED_ON, {"to": "organ"}),
                               ("deliver", APPLICANT_DELIVERED_ON, {"to": "applicant"}),
                               ("archive", ARCHIVED_ON, {})]:
        statuses.append(perform_action(workspace, number, action, on, dict(fields)).status)
    assert statuses == ["registered", "investigating", "reported", "determined", "determined", "determined",
                        "archived"]
    assert details(workspace, number)["status"] == "archived"


def test_registered_to_rejected(workspace: Workspace, application: dict[str, Any]) -> None:
    number = register(workspace, application)
    refused(workspace, number, "reject", ACCEPTED_ON, {}, ValidationError)   # a reason is required
    perform_action(workspace, number, "reject", ACCEPTED_ON, {"reason": "不属于容错免责范围"})
    case = details(workspace, number)
    assert case["status"] == "rejected"
    assert case["rejected_on"] == ACCEPTED_ON and case["rejection_reason"] == "不属于容错免责范围"
    assert case["allowed_actions"] == ["reopen"]


@pytest.mark.parametrize("stage", ["registered", "investigating", "reported"])
def test_withdrawal_from_an_open_stage(workspace: Workspace, application: dict[str, Any], stage: str) -> None:
    number = new_case(workspace, application, stage)
    result = perform_action(workspace, number, "withdraw", "2026-04-10", {"reason": "申请人书面撤回"})
    assert result.status == "withdrawn"
    case = details(workspace, number)
    assert case["withdrawn_on"] == "2026-04-10" and case["withdrawal_reason"] == "申请人书面撤回"
    assert case["active_deadline"] is None


@pytest.mark.parametrize("stage", ["determined", "archived"])
def test_withdrawal_after_the_determination_is_refused(workspace: Workspace, application: dict[str, Any],
                                                       stage: str) -> None:
    number = new_case(workspace, application, stage)
    refused(workspace, number, "withdraw", "2026-04-10", {}, ActionRefused)


def test_a_rejected_case_reopens_to_registered(workspace: Workspace, application: dict[str, Any]) -> None:
    number = register(workspace, application)
    perform_action(workspace, number, "reject", ACCEPTED_ON, {"reason": "不属于容错免责范围"})
    assert perform_action(workspace, number, "reopen", "2026-03-20", {"reason": "复查后认为应予受理"}).status \
        == "registered"
    case = details(workspace, number)
    assert case["rejected_on"] is None and case["rejection_reason"] == ""
    assert perform_action(workspace, number, "accept", "2026-03-20").status == "investigating"


def test_a_withdrawn_case_reopens_to_registered(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    perform_action(workspace, number, "withdraw", "2026-03-13")
    assert perform_action(workspace, number, "reopen", "2026-03-16", {"reason": "申请人重新提出"}).status \
        == "registered"
    case = details(workspace, number)
    assert case["withdrawn_on"] is None and case["accepted_on"] is None
    assert case["deadlines"]["report_due"] is None
    perform_action(workspace, number, "accept", "2026-03-17")
    assert deadline(workspace, number, "report_due") == "2026-04-08"   # 15 working days from the new acceptance


def test_a_reaccepted_case_starts_its_verification_afresh(workspace: Workspace,
                                                         application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "investigating")
    perform_action(workspace, number, "extend", "2026-03-12", {"days": 15, "reason": "复杂", "approver": "王书记"})
    perform_action(workspace, number, "report", "2026-03-13", REPORT)
    perform_action(workspace, number, "withdraw", "2026-03-16")
    perform_action(workspace, number, "reopen", "2026-03-17", {"reason": "申请人重新提出"})
    perform_action(workspace, number, "accept", "2026-03-18")
    case = details(workspace, number)
    # the old extension and the old report belong to the old acceptance
    assert case["deadlines"]["report_due"] == "2026-04-09"       # 15 working days from 03-18
    assert case["deadlines"]["letter_due"] is None
    perform_action(workspace, number, "extend", "2026-03-19", {"days": 15, "reason": "复杂", "approver": "王书记"})
    assert deadline(workspace, number, "report_due") == deadline(workspace, number, "report_limit") == "2026-04-30"
    refused(workspace, number, "extend", "2026-03-20", {"days": 1, "reason": "复杂", "approver": "王书记"},
            ActionRefused)


STATUS_REFUSALS = [
    ("registered", "report"), ("registered", "extend"), ("registered", "determine"),
    ("investigating", "accept"), ("investigating", "reject"), ("investigating", "determine"),
    ("investigating", "reopen"), ("reported", "archive"), ("reported", "note"), ("determined", "report"),
]


@pytest.mark.parametrize(("stage", "action"), STATUS_REFUSALS, ids=[f"{s}-{a}" for s, a in STATUS_REFUSALS])
def test_an_action_outside_its_statuses_is_refused(workspace: Workspace, application: dict[str, Any],
                                                   stage: str, action: str) -> None:
    number = new_case(workspace, application, stage)
    error = refused(workspace, number, action, "2026-11-27", {"reason": "理由"}, ActionRefused)
    assert "不能" in error.message


def test_an_unknown_action_is_refused(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application)
    refused(workspace, number, "approve", "2026-03-11")


def test_an_unknown_case_is_refused(workspace: Workspace) -> None:
    with pytest.raises(UserError, match="没有找到"):
        perform_action(workspace, "2026-0099", "accept", "2026-03-11")


# --- deadline states (today 2026-11-27, a Friday) ------------------------------------------------

@pytest.mark.parametrize(("accepted", "due", "left", "state"), [
    ("2026-11-12", "2026-12-03", 4, "ok"),
    ("2026-11-11", "2026-12-02", 3, "due_soon"),
    ("2026-11-06", "2026-11-27", 0, "due_soon"),
    ("2026-11-05", "2026-11-26", -1, "overdue"),
])
def test_report_deadline_state(workspace: Workspace, application: dict[str, Any], accepted: str, due: str,
                               left: int, state: str) -> None:
    number = at_date(workspace, "2026-11-02", "2026-11-03", accepted, application)
    case = details(workspace, number)
    assert case["deadlines"]["report_due"] == due
    assert case["active_deadline"] == {"name": "report_due", "due": due, "workdays_left": left, "state": state}
    assert case["overdue"] is (state == "overdue")
    if state == "overdue":
        assert any("已超过出具调查报告期限" in w for w in case["warnings"])
    if state == "due_soon":
        assert any("临近" in w for w in case["warnings"])


def test_letter_deadline_state_until_both_deliveries(workspace: Workspace, application: dict[str, Any]) -> None:
    number = new_case(workspace, application, "determined")
    case = details(workspace, number)
    assert case["active_deadline"]["name"] == "letter_due" and case["overdue"] is True
    perform_action(workspace, number, "deliver", ORGAN_DELIVERED_ON, {"to": "organ"})
    assert details(workspace, number)["overdue"] is True
    perform_action(workspace, number, "deliver", APPLICANT_DELIVERED_ON, {"to": "applicant"})
    case = details(workspace, number)
    assert case["active_deadline"] is None and case["overdue"] is False


def test_list_cases_overdue_only_lists_exactly_the_overdue_cases(workspace: Workspace,
                                                                 application: dict[str, Any]) -> None:
    overdue_report = at_date(workspace, "2026-11-02", "2026-11-03", "2026-11-05", application)
    at_date(workspace, "2026-11-02", "2026-11-03", "2026-11-06", application)        # due today: due_soon
    at_date(workspace, "2026-11-02", "2026-11-03", "2026-11-11", application)        # due_soon
    at_date(workspace, "2026-11-02", "2026-11-03", "2026-11-12", application)        # ok
    overdue_letter = new_case(workspace, application, "reported")                    # letter due 2026-04-03
    half_delivered = new_case(workspace, application, "determined")
    perform_action(workspace, half_delivered, "deliver", ORGAN_DELIVERED_ON, {"to": "organ"})
    new_case(workspace, application, "delivered")                                    # both delivered: done
    new_case(workspace, application, "archived")
    new_case(workspace, application, "registered")                                   # no deadline running
    withdrawn = new_case(workspace, application, "investigating")
    perform_action(workspace, withdrawn, "withdraw", "2026-03-12")

    overdue = list_cases(workspace, overdue_only=True)
    assert {c["number"] for c in overdue} == {overdue_report, overdue_letter, half_delivered}
    assert all(c["overdue"] and c["active_deadline"]["state"] == "overdue" for c in overdue)
    everything = list_cases(workspace)
    assert len(everything) == 10
    assert {c["number"] for c in everything if c["overdue"]} == {overdue_report, overdue_letter, half_delivered}
    states = sorted(c["active_deadline"]["state"] for c in everything if c["active_deadline"])
    assert states == ["due_soon", "due_soon", "ok", "overdue", "overdue", "overdue"]


# --- one transaction, one audit record -----------------------------------------------------------

def test_every_successful_action_adds_exactly_one_audit_record(workspace: Workspace,
                                                               application: dict[str, Any],
                                                               tmp_path: Path) -> None:
    attachment = tmp_path / "scan.pdf"
    attachment.write_bytes(b"%PDF-1.4 scan")
    assert audit_count() == 0
    number = register(workspace, application)
    assert audit_count() == 1
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("accept", ACCEPTED_ON, {}),
        ("extend", "2026-03-12", {"days": 5, "reason": "案情复杂", "approver": "王书记"}),
        ("note", "2026-03-13", {"text": "谈话记录", "interviewee": "李卫东"}),
        ("evidence", "2026-03-13", {"title": "审批档案", "files": [str(attachment)]}),
        ("expert", "2026-03-16", {"participants": "住建、审批专家", "opinion": "属于容缺受理"}),
        ("report", REPORTED_ON, REPORT),
        ("determine", DETERMINED_ON, DETERMINATION),
        ("deliver", ORGAN_DELIVERED_ON, {"to": "organ"}),
        ("deliver", APPLICANT_DELIVERED_ON, {"to": "applicant"}),
        ("archive", ARCHIVED_ON, {}),
        ("reopen", "2026-06-01", {"reason": "补充装订"}),
        ("archive", "2026-06-02", {}),
    ]
    for action, on, fields in steps:
        before = audit_count()
        perform_action(workspace, number, action, on, dict(fields))
        assert audit_count() == before + 1, action
        last = AuditRecord.select().order_by(AuditRecord.seq.desc()).get()
        assert last.action == action and last.actor == "测试员"
    other = register(workspace, application)
    perform_action(workspace, other, "reject", ACCEPTED_ON, {"reason": "不属于容错免责范围"})
    perform_action(workspace, other, "reopen", "2026-03-12", {"reason": "复查"})
    perform_action(workspace, other, "withdraw", "2026-03-13")
    assert audit_count() == 1 + len(steps) + 4
    assert workspace.audit.verify().ok


def test_refused_actions_add_no_audit_record_and_change_no_table(workspace: Workspace,
                                                                 application: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    late = register(workspace, application, received_on="2026-03-17")
    number = new_case(workspace, application, "investigating")
    attempts: list[tuple[str, str, str | None, dict[str, Any]]] = [
        (late, "accept", "2026-03-18", {}),                                          # no late_reason
        (number, "accept", "2026-03-12", {}),                                        # wrong status
        (number, "extend", "2026-03-12", {"days": 16, "reason": "复杂", "approver": "王书记"}),
        (number, "extend", "2026-03-12", {"days": 5, "reason": "复杂"}),             # no approver
        (number, "note", "2026-03-12", {}),                                          # no text
        (number, "evidence", "2026-03-12", {"title": "缺失", "files": [str(tmp_path / "none.pdf")]}),
        (number, "expert", "2026-03-12", {"participants": "专家"}),                  # no opinion
        (number, "report", "2026-03-10", REPORT),                                    # before acceptance
        (number, "report", "2026-11-28", REPORT),                                    # in the future
        (number, "report", REPORTED_ON, {**REPORT, "exclusions": [1]}),              # tolerant + exclusion
        (number, "report", REPORTED_ON, {**REPORT, "exclusions": [5]}),              # no such exclusion
        (number, "report", REPORTED_ON, {**REPORT, "proposal": "pardoned"}),         # no such outcome
        (number, "determine", DETERMINED_ON, DETERMINATION),                         # wrong status
        (number, "reopen", "2026-03-12", {"reason": "理由"}),                        # wrong status
        (number, "approve", "2026-03-12", {}),                                       # no such action
    ]
    for case_number, action, on, fields in attempts:
        before = snapshot()
        with pytest.raises(UserError):
            perform_action(workspace, case_number, action, on, dict(fields))
        assert snapshot() == before, (action, fields)
    assert audit_count() == 3
    assert workspace.audit.verify().ok
    assert not (workspace.files_dir.exists() and any(workspace.files_dir.rglob("*")))


# --- registration refuses bad input and saves nothing --------------------------------------------

def _bad_id_check_digit(app: dict[str, Any]) -> None:
    app["cadres"][0]["id_number"] = "640104198001011236"


def _impossible_birth_date(app: dict[str, Any]) -> None:
    body = "64010419800230123"
    app["cadres"][0]["id_number"] = body + id_check_char(body)


def _missing_cadre(app: dict[str, Any]) -> None:
    app["cadres"] = []


def _no_cadres_key(app: dict[str, Any]) -> None:
    del app["cadres"]


def _unknown_organ_type(app: dict[str, Any]) -> None:
    app["cadres"][0]["organ_type"] = "外星机关"


def _received_before_accountability(app: dict[str, Any]) -> None:
    app["received_on"] = "2026-03-01"


def _future_received(app: dict[str, Any]) -> None:
    app["received_on"] = "2026-11-28"


def _missing_statement(app: dict[str, Any]) -> None:
    del app["statement"]


def _blank_statement(app: dict[str, Any]) -> None:
    app["statement"] = "   "


def _situation_out_of_range(app: dict[str, Any]) -> None:
    app["situations"] = [4, 10]


def _no_situation(app: dict[str, Any]) -> None:
    app["situations"] = []


def _bad_credit_code(app: dict[str, Any]) -> None:
    body = "11640100MB1234567"
    good = credit_code_check_char(body)
    wrong = "0" if good != "0" else "1"
    app["applicant"] = {"kind": "unit", "name": "贺兰县住房和城乡建设局", "credit_code": body + wrong}


def _bad_phone(app: dict[str, Any]) -> None:
    app["applicant"]["phone"] = "12345"


def _over_long_statement(app: dict[str, Any]) -> None:
    app["statement"] = "字" * 10001


def _over_long_name(app: dict[str, Any]) -> None:
    app["cadres"][0]["name"] = "李" * 51


def _gender_mismatch(app: dict[str, Any]) -> None:
    app["cadres"][0]["gender"] = "女"


def _unknown_handling_organ(app: dict[str, Any]) -> None:
    app["handled_by"] = "公安机关"


BAD_APPLICATIONS = [
    _bad_id_check_digit, _impossible_birth_date, _missing_cadre, _no_cadres_key, _unknown_organ_type,
    _received_before_accountability, _future_received, _missing_statement, _blank_statement,
    _situation_out_of_range, _no_situation, _bad_credit_code, _bad_phone, _over_long_statement,
    _over_long_name, _gender_mismatch, _unknown_handling_organ,
]


@pytest.mark.parametrize("spoil", BAD_APPLICATIONS, ids=[f.__name__.strip("_") for f in BAD_APPLICATIONS])
def test_registration_refuses_bad_input_and_saves_nothing(workspace: Workspace, application: dict[str, Any],
                                                          spoil: Any) -> None:
    spoil(application)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        register_case(workspace, application)
    assert CJK.search(caught.value.message)
    assert Case.select().count() == 0
    assert snapshot() == before


@pytest.mark.parametrize("data", [["不是对象"], "申请书", None, 42], ids=["list", "str", "none", "int"])
def test_registration_refuses_what_is_not_a_json_object(workspace: Workspace, data: object) -> None:
    with pytest.raises(ValidationError, match="JSON 对象"):
        register_case(workspace, data)
    assert Case.select().count() == 0 and audit_count() == 0


def test_registration_refusal_messages_name_the_problem(workspace: Workspace, application: dict[str, Any]) -> None:
    cases: list[tuple[Any, str]] = [
        (_bad_id_check_digit, "校验位"), (_impossible_birth_date, "不是有效日期"),
        (_received_before_accountability, "不能早于启动追责日期"), (_future_received, "不能晚于今天"),
        (_situation_out_of_range, "超出范围"), (_bad_credit_code, "统一社会信用代码"),
        (_bad_phone, "联系电话"), (_over_long_statement, "最多10000个字"), (_unknown_organ_type, "单位类型"),
        (_missing_statement, "申请理由"), (_missing_cadre, "至少填写一名"),
    ]
    for spoil, words in cases:
        data = copy.deepcopy(application)
        spoil(data)
        with pytest.raises(ValidationError) as caught:
            register_case(workspace, data)
        assert words in caught.value.message, (spoil.__name__, caught.value.message)


def test_an_id_number_registered_under_another_name_is_refused(workspace: Workspace,
                                                               application: dict[str, Any]) -> None:
    register(workspace, application)
    data = copy.deepcopy(application)
    data["cadres"][0]["name"] = "李卫西"
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        register_case(workspace, data)
    assert "已登记为“李卫东”" in caught.value.message
    assert snapshot() == before
    assert Case.select().count() == 1 and Cadre.select().count() == 1


def test_the_same_cadre_in_two_cases_is_one_cadre_with_two_links(workspace: Workspace,
                                                                 application: dict[str, Any]) -> None:
    first = register(workspace, application)
    data = copy.deepcopy(application)
    data["cadres"][0].update(unit="贺兰县人民政府", position="副县长")
    second = register(workspace, data)
    assert Cadre.select().count() == 1
    assert CaseCadre.select().count() == 2
    assert {link.cadre.id_number for link in CaseCadre.select()} == {"640104198001011235"}
    one, two = details(workspace, first)["cadres"][0], details(workspace, second)["cadres"][0]
    assert one["uuid"] == two["uuid"]
    assert (one["unit"], two["unit"]) == ("贺兰县住房和城乡建设局", "贺兰县人民政府")   # the post as it was


# --- evidence files ------------------------------------------------------------------------------

def test_evidence_files_are_stored_under_their_sha256(workspace: Workspace, application: dict[str, Any],
                                                      tmp_path: Path) -> None:
    number = new_case(workspace, application, "investigating")
    content = "审批档案扫描件".encode()
    source = tmp_path / "审批档案.pdf"
    source.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    perform_action(workspace, number, "evidence", "2026-03-12", {"title": "审批档案", "files": [str(source)]})
    stored = workspace.data_dir / "files" / digest[:2] / digest
    assert stored.read_bytes() == content
    row = EvidenceFile.get()
    assert (row.sha256, row.size, row.original_name) == (digest, len(content), "审批档案.pdf")
    assert details(workspace, number)["evidence"][0]["files"][0]["sha256"] == digest
    # the same content again is one stored file, two rows
    again = tmp_path / "copy.pdf"
    again.write_bytes(content)
    perform_action(workspace, number, "evidence", "2026-03-13", {"title": "复印件", "files": [str(again)]})
    assert EvidenceFile.select().count() == 2
    assert [p for p in (workspace.data_dir / "files").rglob("*") if p.is_file()] == [stored]


def test_evidence_with_a_missing_file_is_refused_with_nothing_saved(workspace: Workspace,
                                                                    application: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    number = new_case(workspace, application, "investigating")
    present = tmp_path / "present.pdf"
    present.write_bytes(b"present")
    error = refused(workspace, number, "evidence", "2026-03-12",
                    {"title": "材料", "files": [str(present), str(tmp_path / "missing.pdf")]}, ValidationError)
    assert "找不到" in error.message
    assert Evidence.select().count() == 0 and EvidenceFile.select().count() == 0
    assert not (workspace.data_dir / "files").exists()


# --- case numbers --------------------------------------------------------------------------------

def test_case_numbers_are_consecutive_per_year_of_receipt(workspace: Workspace, application: dict[str, Any]) -> None:
    last_year = copy.deepcopy(application)
    last_year["accountability"]["started_on"] = "2025-12-01"
    last_year["received_on"] = "2025-12-05"
    numbers = [register_case(workspace, data).number
               for data in (application, last_year, application, application, last_year)]
    assert numbers == ["2026-0001", "2025-0001", "2026-0002", "2026-0003", "2025-0002"]
    assert all(re.fullmatch(r"\d{4}-\d{4}", n) for n in numbers)
    # a refused registration uses no number
    bad = copy.deepcopy(application)
    bad["statement"] = ""
    with pytest.raises(ValidationError):
        register_case(workspace, bad)
    assert register_case(workspace, application).number == "2026-0004"


def test_deadlines_use_the_calendar_for_a_date_given_as_date_object(workspace: Workspace,
                                                                    application: dict[str, Any]) -> None:
    number = register(workspace, application)
    perform_action(workspace, number, "accept", date(2026, 3, 11))
    assert deadline(workspace, number, "report_due") == "2026-04-01"


def test_actions_warn_when_late_or_at_the_limit(workspace: Workspace, application: dict[str, Any]) -> None:
    number = register_case(workspace, application).number
    perform_action(workspace, number, "accept", "2026-03-11", {})
    at_limit = perform_action(workspace, number, "extend", "2026-03-20",
                              {"days": 15, "reason": "情况复杂", "approver": "王宏"})
    assert any("30" in w for w in at_limit.warnings)
    late = perform_action(workspace, number, "report", "2026-04-24", {"findings": "经查", "proposal": "exempted"})
    assert any("2026-04-23" in w for w in late.warnings)
    late = perform_action(workspace, number, "determine", "2026-05-13",
                          {"outcome": "exempted", "reasoning": "集体研究", "approver": "张明"})
    # letter due 10 working days after 2026-04-24, across Labour Day (1–5 May) and make-up Saturday 9 May
    assert late.warnings == ["认定晚于下发认定书期限 2026-05-12"]


def test_check_action_applies_every_rule_and_keeps_nothing(workspace, application) -> None:
    from core.audit import AuditTrail
    from core.services.actions import check_action
    from core.services.case_view import case_details
    from core.services.registration import register_case
    from models.audit import AuditRecord

    number = register_case(workspace, application).number
    records = AuditRecord.select().count()
    head = AuditTrail(workspace.data_dir).read_head()
    result = check_action(workspace, number, "accept", "2026-03-12", {})
    assert result.status == "investigating"
    assert case_details(workspace, number)["status"] == "registered"
    assert AuditRecord.select().count() == records
    assert AuditTrail(workspace.data_dir).read_head() == head
    with pytest.raises(ValidationError) as refused:
        check_action(workspace, number, "reject", "2026-03-12", {"reason": " "})
    assert refused.value.field == "reason"
    with pytest.raises(ActionRefused):
        check_action(workspace, number, "determine", "2026-03-12", {})
