"""Cadre lookup for integrity reviews, clarifications and follow-up visits."""
from __future__ import annotations

import pytest

from core.errors import NotFound, ValidationError
from core.services.actions import perform_action
from core.services.cadres import add_clarification, add_follow_up, cadre_record, find_cadres
from core.services.registration import register_case
from models.audit import AuditRecord
from models.cadre_care import Clarification, FollowUp

ID = "640104198001011235"


def _determined(ws, application, outcome="exempted"):
    number = register_case(ws, application).number
    for action, on, fields in [
        ("accept", "2026-03-13", {}),
        ("report", "2026-03-20", {"findings": "经查属实", "proposal": outcome}),
        ("determine", "2026-03-25", {"outcome": outcome, "reasoning": "集体研究", "approver": "张明"}),
    ]:
        perform_action(ws, number, action, on, fields)
    return number


def test_every_determination_about_a_cadre_is_found_by_name_or_id(workspace, application):
    first = _determined(workspace, application, "exempted")
    application["received_on"] = "2026-03-12"
    second = _determined(workspace, application, "not_exempted")
    assert [c["id_number"] for c in find_cadres("卫东")] == [ID]
    assert find_cadres(ID)[0]["cases"] == 2
    record = cadre_record(workspace, ID)
    assert [(c["number"], c["outcome"]) for c in record["cases"]] == [(first, "exempted"), (second, "not_exempted")]
    assert record["cases"][0]["protections"] == ["党风廉政建设责任制考核", "干部提拔任用党风廉政审查",
                                                 "评优评先、职称评定及年度考核"]
    assert record["cases"][1]["protections"] == []


def test_clarification_and_follow_up_are_recorded_and_audited(workspace, application):
    number = _determined(workspace, application)
    before = AuditRecord.select().count()
    add_clarification(workspace, ID, {"opened_on": "2026-05-06", "matter": "被匿名诬告", "outcome": "经查不实",
                                      "concluded_on": "2026-05-20"})
    add_follow_up(workspace, ID, {"visited_on": "2026-06-01", "content": "工作状态良好", "case": number})
    assert AuditRecord.select().count() == before + 2
    record = cadre_record(workspace, ID)
    assert record["clarifications"][0]["outcome"] == "经查不实"
    assert record["follow_ups"][0]["case"] == number


def test_refused_clarification_and_follow_up_save_nothing(workspace, application):
    register_case(workspace, application)
    with pytest.raises(ValidationError):
        add_clarification(workspace, ID, {"opened_on": "2026-05-06", "matter": "x", "concluded_on": "2026-05-01",
                                          "outcome": "y"})
    with pytest.raises(ValidationError):
        add_clarification(workspace, ID, {"opened_on": "2026-05-06", "matter": "x", "concluded_on": "2026-05-07"})
    with pytest.raises(ValidationError):
        add_follow_up(workspace, ID, {"content": "x", "case": "2026-9999"})
    with pytest.raises(NotFound):
        add_follow_up(workspace, "11010519491231002X", {"content": "x"})
    assert Clarification.select().count() == 0 and FollowUp.select().count() == 0
