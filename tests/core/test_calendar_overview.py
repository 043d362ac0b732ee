"""The calendar as the settings page shows it: which years are official, and what kind each day is."""
from __future__ import annotations

from datetime import date

from core.calendar import parse_schedule
from core.services.holidays import (
    DAY_HOLIDAY,
    DAY_MAKEUP,
    DAY_WEEKEND,
    DAY_WORKDAY,
    calendar_years,
    import_schedule,
    year_days,
)

SCHEDULE_2029 = {"year": 2029, "source": "测试用 2029 年节假日安排",
                 "holidays": ["2029-01-01"], "workdays": ["2029-01-06"]}


def test_years_run_from_the_first_builtin_year_to_next_year_with_their_source(workspace):
    years = calendar_years(workspace)
    assert years[0]["year"] == 2004 and years[-1]["year"] == 2027      # today is 2026-11-27
    by_year = {y["year"]: y for y in years}
    assert by_year[2026]["source"] == "builtin" and by_year[2026]["source_label"] == "内置官方数据"
    assert by_year[2027]["source"] == "estimated" and "估算" in by_year[2027]["note"]


def test_an_imported_later_year_is_listed_as_imported(workspace):
    import_schedule(workspace, parse_schedule(SCHEDULE_2029))
    by_year = {y["year"]: y for y in calendar_years(workspace)}
    assert list(by_year)[-1] == 2029
    assert by_year[2029]["source"] == "imported" and by_year[2029]["note"] == "测试用 2029 年节假日安排"
    assert by_year[2028]["source"] == "estimated"


def test_every_day_of_the_year_has_its_kind(workspace):
    days = year_days(workspace, 2026)
    assert len(days) == 365
    assert days[date(2026, 1, 1)] == DAY_HOLIDAY          # 元旦
    assert days[date(2026, 1, 4)] == DAY_MAKEUP           # Sunday worked instead
    assert days[date(2026, 1, 10)] == DAY_WEEKEND
    assert days[date(2026, 1, 5)] == DAY_WORKDAY
    assert days[date(2026, 10, 3)] == DAY_HOLIDAY         # a Saturday inside 国庆 counts as a holiday


def test_a_leap_year_has_366_days(workspace):
    assert len(year_days(workspace, 2028)) == 366
