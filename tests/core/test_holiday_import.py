"""Importing an official schedule replaces the estimate and moves open deadlines, with a log."""
from __future__ import annotations

from datetime import date

import pytest

from core.calendar import parse_schedule
from core.errors import ValidationError
from core.services.actions import perform_action
from core.services.case_view import case_details
from core.services.holidays import import_schedule, read_schedule_file
from core.services.registration import register_case
from models.audit import AuditRecord
from models.calendar import ImportedSchedule

# A fictional 2027 notice: New Year 1–3 January, and 4 January off as well (so deadlines move).
SCHEDULE_2027 = {
    "year": 2027,
    "source": "测试用 2027 年节假日安排",
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"],
    "workdays": ["2027-01-09"],
}


@pytest.fixture
def case_into_2027(workspace, application):
    application["accountability"]["started_on"] = "2026-11-16"
    application["received_on"] = "2026-11-18"
    number = register_case(workspace, application).number
    perform_action(workspace, number, "accept", "2026-11-20", {})
    return number


def test_estimated_year_is_flagged_until_imported(workspace, case_into_2027):
    shown = case_details(workspace, case_into_2027)
    assert shown["estimated"] is True
    assert shown["estimated_years"] == [2027]
    assert any("2027" in w and "估算" in w for w in shown["warnings"])
    # 30 working days after Friday 2026-11-20: 29 in Nov–Dec, 1 January 2027 off, then Monday 4 January.
    assert shown["deadlines"]["report_limit"] == "2027-01-04"


def test_import_moves_open_deadlines_and_logs_each(workspace, case_into_2027):
    result = import_schedule(workspace, parse_schedule(SCHEDULE_2027))
    assert result.year == 2027 and not result.replaced
    # 4 January is now off too; Saturday 9 January does not matter for this deadline.
    assert result.moved[case_into_2027]["report_limit"] == ("2027-01-04", "2027-01-05")
    shown = case_details(workspace, case_into_2027)
    assert shown["estimated"] is False
    assert shown["deadlines"]["report_limit"] == "2027-01-05"
    assert not any("估算" in w for w in shown["warnings"])
    logged = AuditRecord.select().where(AuditRecord.action == "recompute_deadlines").get()
    assert '"report_limit":"2027-01-05"' in logged.after
    assert AuditRecord.select().where(AuditRecord.action == "calendar_import").count() == 1
    assert workspace.calendar.schedule(2027).source == "imported"
    assert workspace.audit.verify().ok


def test_reimport_replaces_the_year(workspace, case_into_2027):
    import_schedule(workspace, parse_schedule(SCHEDULE_2027))
    second = import_schedule(workspace, parse_schedule(SCHEDULE_2027 | {"holidays": ["2027-01-01"]}))
    assert second.replaced
    assert ImportedSchedule.get_by_id(2027).holidays == ["2027-01-01"]
    assert workspace.calendar.is_workday(date(2027, 1, 4))


def test_a_broken_file_is_refused_and_nothing_is_stored(workspace, tmp_path):
    bad = tmp_path / "2027.json"
    bad.write_text('{"year": 2027, "holidays": ["2027-13-01"], "workdays": [], "source": "x"}', encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        read_schedule_file(bad)
    assert "2027-13-01" in refused.value.message
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception) as refused_json:
        read_schedule_file(bad)
    assert "JSON" in str(refused_json.value)
    assert ImportedSchedule.select().count() == 0
