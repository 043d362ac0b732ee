"""Working-day arithmetic against the State Council's published 2025 and 2026 arrangements."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import (
    BUILTIN_YEARS,
    SOURCE_BUILTIN,
    SOURCE_ESTIMATED,
    SOURCE_IMPORTED,
    SOURCE_LABELS,
    WorkCalendar,
    YearSchedule,
    builtin_schedule,
    estimated_schedule,
    parse_schedule,
)
from core.errors import ValidationError

D = date

# Written out by hand from 国务院办公厅关于2025年/2026年部分节假日安排的通知:
# (name, first day off, last day off, make-up working days, last working day before, first working day after)
HOLIDAY_PERIODS = [
    ("2025元旦", D(2025, 1, 1), D(2025, 1, 1), [], D(2024, 12, 31), D(2025, 1, 2)),
    (
        "2025春节",
        D(2025, 1, 28),
        D(2025, 2, 4),
        [D(2025, 1, 26), D(2025, 2, 8)],
        D(2025, 1, 27),
        D(2025, 2, 5),
    ),
    ("2025清明", D(2025, 4, 4), D(2025, 4, 6), [], D(2025, 4, 3), D(2025, 4, 7)),
    ("2025劳动节", D(2025, 5, 1), D(2025, 5, 5), [D(2025, 4, 27)], D(2025, 4, 30), D(2025, 5, 6)),
    ("2025端午", D(2025, 5, 31), D(2025, 6, 2), [], D(2025, 5, 30), D(2025, 6, 3)),
    (
        "2025国庆中秋",
        D(2025, 10, 1),
        D(2025, 10, 8),
        [D(2025, 9, 28), D(2025, 10, 11)],
        D(2025, 9, 30),
        D(2025, 10, 9),
    ),
    ("2026元旦", D(2026, 1, 1), D(2026, 1, 3), [D(2026, 1, 4)], D(2025, 12, 31), D(2026, 1, 4)),
    (
        "2026春节",
        D(2026, 2, 15),
        D(2026, 2, 23),
        [D(2026, 2, 14), D(2026, 2, 28)],
        D(2026, 2, 14),  # itself a make-up Saturday
        D(2026, 2, 24),
    ),
    ("2026清明", D(2026, 4, 4), D(2026, 4, 6), [], D(2026, 4, 3), D(2026, 4, 7)),
    ("2026劳动节", D(2026, 5, 1), D(2026, 5, 5), [D(2026, 5, 9)], D(2026, 4, 30), D(2026, 5, 6)),
    ("2026端午", D(2026, 6, 19), D(2026, 6, 21), [], D(2026, 6, 18), D(2026, 6, 22)),
    ("2026中秋", D(2026, 9, 25), D(2026, 9, 27), [D(2026, 9, 20)], D(2026, 9, 24), D(2026, 9, 28)),
    ("2026国庆", D(2026, 10, 1), D(2026, 10, 7), [D(2026, 10, 10)], D(2026, 9, 30), D(2026, 10, 8)),
]
PERIOD_IDS = [p[0] for p in HOLIDAY_PERIODS]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


OFFICIAL_OFF = {d for _, first, last, *_ in HOLIDAY_PERIODS for d in _days(first, last)}
OFFICIAL_MAKE_UP = {d for _, _, _, make_up, *_ in HOLIDAY_PERIODS for d in make_up}
HOLIDAY_DAYS = sorted(OFFICIAL_OFF)
MAKE_UP_DAYS = sorted(OFFICIAL_MAKE_UP)

CJK = re.compile(r"[\u4e00-\u9fff]")

CAL = WorkCalendar()


def _expected_workday(day: date) -> bool:
    if day in OFFICIAL_MAKE_UP:
        return True
    return day.weekday() < 5 and day not in OFFICIAL_OFF


# --- the official tables ------------------------------------------------------------------------


def test_hand_table_matches_chinesecalendar() -> None:
    for year in (2025, 2026):
        schedule = builtin_schedule(year)
        assert schedule is not None
        assert schedule.source == SOURCE_BUILTIN
        assert schedule.holidays == {d for d in OFFICIAL_OFF if d.year == year}
        assert schedule.workdays == {d for d in OFFICIAL_MAKE_UP if d.year == year}


@pytest.mark.parametrize("day", HOLIDAY_DAYS, ids=str)
def test_official_day_off_is_not_a_workday(day: date) -> None:
    assert not CAL.is_workday(day)


@pytest.mark.parametrize("day", MAKE_UP_DAYS, ids=str)
def test_make_up_day_is_a_workday(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_workday(day)


def test_every_day_of_2025_and_2026() -> None:
    for day in _days(D(2025, 1, 1), D(2026, 12, 31)):
        assert CAL.is_workday(day) == _expected_workday(day), day


@pytest.mark.parametrize("period", HOLIDAY_PERIODS, ids=PERIOD_IDS)
def test_add_one_workday_across_each_holiday(period: tuple) -> None:
    _, first, last, _, before, after = period
    assert CAL.is_workday(before)
    assert CAL.is_workday(after)
    assert CAL.add_workdays(before, 1) == after
    assert CAL.count_workdays(before, after) == 1
    for day in _days(first, last):
        assert CAL.add_workdays(day, 1) == after


def test_make_up_days_count_inside_spring_festival_2026() -> None:
    # 2.13 Fri -> 2.14 Sat (make-up) -> 2.24 Tue, 2.25, 2.26, 2.27 -> 2.28 Sat (make-up) -> 3.2 Mon
    assert CAL.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert CAL.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert CAL.add_workdays(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert CAL.add_workdays(D(2026, 2, 13), 7) == D(2026, 3, 2)
    assert CAL.count_workdays(D(2026, 2, 13), D(2026, 3, 2)) == 7


# --- add_workdays / count_workdays --------------------------------------------------------------


def test_new_year_2026_lands_on_make_up_sunday() -> None:
    assert CAL.add_workdays(D(2026, 1, 1), 1) == D(2026, 1, 4)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 3, 2), 10, D(2026, 3, 16)),
        (D(2026, 3, 11), 15, D(2026, 4, 1)),
        (D(2026, 3, 11), 30, D(2026, 4, 23)),
    ],
)
def test_known_deadlines(start: date, n: int, expected: date) -> None:
    assert CAL.add_workdays(start, n) == expected
    assert CAL.count_workdays(start, expected) == n


def test_start_day_is_not_counted() -> None:
    assert CAL.add_workdays(D(2026, 3, 2), 1) == D(2026, 3, 3)  # Monday -> Tuesday
    assert CAL.add_workdays(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday -> Monday
    assert CAL.add_workdays(D(2026, 3, 7), 1) == D(2026, 3, 9)  # Saturday -> Monday


def test_zero_returns_start_even_on_a_day_off() -> None:
    assert CAL.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_workdays(D(2026, 3, 2), -1)


def test_count_workdays_direction_and_bounds() -> None:
    assert CAL.count_workdays(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert CAL.count_workdays(D(2026, 3, 2), D(2026, 3, 6)) == 4  # Tue..Fri
    assert CAL.count_workdays(D(2026, 3, 6), D(2026, 3, 2)) == -4  # the same four days, 3.3..3.6
    assert CAL.count_workdays(D(2026, 3, 6), D(2026, 3, 8)) == 0  # weekend only


def test_from_2025_into_2026() -> None:
    assert CAL.add_workdays(D(2025, 12, 30), 1) == D(2025, 12, 31)
    assert CAL.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert CAL.add_workdays(D(2025, 12, 31), 2) == D(2026, 1, 5)
    assert CAL.count_workdays(D(2025, 12, 26), D(2026, 1, 5)) == 5  # 12.29, 12.30, 12.31, 1.4, 1.5
    assert CAL.estimated_years(D(2025, 12, 31), D(2026, 1, 5)) == []


def test_from_2026_into_estimated_2027() -> None:
    # 12.28–12.31 are 4 working days; 2027-01-01 (Friday) is New Year's Day; then Monday 1.4.
    assert CAL.add_workdays(D(2026, 12, 25), 4) == D(2026, 12, 31)
    assert CAL.add_workdays(D(2026, 12, 25), 5) == D(2027, 1, 4)
    assert CAL.count_workdays(D(2026, 12, 25), D(2027, 1, 4)) == 5
    assert CAL.estimated_years(D(2026, 12, 25), D(2027, 1, 4)) == [2027]
    assert CAL.estimated_years(D(2027, 1, 4), D(2026, 12, 25)) == [2027]
    assert CAL.estimated_years(D(2026, 12, 25), D(2026, 12, 31)) == []


def test_long_span_over_several_years() -> None:
    start = D(2024, 6, 3)
    end = CAL.add_workdays(start, 1000)
    assert end.year >= 2028
    assert CAL.count_workdays(start, end) == 1000
    assert CAL.estimated_years(start, end) == list(range(2027, end.year + 1))


# --- schedules ----------------------------------------------------------------------------------


def test_builtin_years_cover_2004_to_2026() -> None:
    assert BUILTIN_YEARS.start == 2004
    assert BUILTIN_YEARS.stop - 1 >= 2026
    assert builtin_schedule(2003) is None
    assert builtin_schedule(BUILTIN_YEARS.stop) is None


def test_schedule_sources() -> None:
    assert CAL.schedule(2026).source == SOURCE_BUILTIN
    assert CAL.schedule(2027).source == SOURCE_ESTIMATED
    assert CAL.schedule(2003).source == SOURCE_ESTIMATED
    assert [s.year for s in CAL.years(2025, 2028)] == [2025, 2026, 2027, 2028]
    assert set(SOURCE_LABELS) == {SOURCE_BUILTIN, SOURCE_IMPORTED, SOURCE_ESTIMATED}


def test_estimated_2027() -> None:
    schedule = estimated_schedule(2027)
    assert schedule.source == SOURCE_ESTIMATED
    assert schedule.workdays == frozenset()
    assert D(2027, 10, 1) in schedule.holidays
    assert D(2027, 2, 6) in schedule.holidays  # 春节 (a Saturday)
    assert D(2027, 10, 4) in schedule.holidays  # an observed day in the package
    assert CJK.search(schedule.note)
    assert not CAL.is_workday(D(2027, 10, 4))
    assert CAL.is_workday(D(2027, 10, 8))


IMPORTED_2027 = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-05", "2027-02-08"],
    "workdays": ["2027-02-20"],
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
}


def test_imported_2027_overrides_estimate() -> None:
    imported = parse_schedule(IMPORTED_2027)
    assert imported.source == SOURCE_IMPORTED
    assert imported.note == IMPORTED_2027["source"]
    cal = WorkCalendar([imported])
    assert cal.schedule(2027).source == SOURCE_IMPORTED
    assert cal.schedule(2027) == imported
    assert cal.is_workday(D(2027, 2, 20))  # Saturday make-up day
    assert cal.is_workday(D(2027, 10, 4))  # the estimate's day off is gone
    assert not cal.is_workday(D(2027, 2, 8))
    assert cal.estimated_years(D(2026, 12, 25), D(2027, 12, 31)) == []
    # 2.4 Thu -> 2.5 off -> 2.8 off -> 2.9 Tue
    assert cal.add_workdays(D(2027, 2, 4), 1) == D(2027, 2, 9)
    assert CAL.add_workdays(D(2027, 2, 4), 1) == D(2027, 2, 11)  # estimate: 2.5–2.10 off


def test_imported_year_overrides_builtin() -> None:
    imported = parse_schedule(
        {"year": 2026, "holidays": ["2026-03-02"], "workdays": [], "source": "测试用的 2026 年安排"}
    )
    cal = WorkCalendar([imported])
    assert cal.schedule(2026).source == SOURCE_IMPORTED
    assert not cal.is_workday(D(2026, 3, 2))
    assert not cal.is_workday(D(2026, 1, 4))  # builtin make-up Sunday no longer applies
    assert cal.is_workday(D(2026, 10, 1))
    assert cal.add_workdays(D(2026, 2, 27), 1) == D(2026, 3, 3)
    assert CAL.add_workdays(D(2026, 2, 27), 1) == D(2026, 2, 28)


def test_to_json_round_trips() -> None:
    builtin = builtin_schedule(2026)
    assert builtin is not None
    data = builtin.to_json()
    assert data["year"] == 2026
    assert data["workdays"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    again = parse_schedule(data)
    assert again.holidays == builtin.holidays
    assert again.workdays == builtin.workdays
    assert again.note == builtin.note
    assert parse_schedule(IMPORTED_2027).to_json() == IMPORTED_2027


def test_year_schedule_is_frozen() -> None:
    schedule = YearSchedule(2030, frozenset(), frozenset(), SOURCE_ESTIMATED)
    with pytest.raises(AttributeError):
        schedule.year = 2031  # type: ignore[misc]


# --- parse_schedule refusals --------------------------------------------------------------------


def _with(**changes: object) -> dict[str, object]:
    data: dict[str, object] = dict(IMPORTED_2027)
    for key, value in changes.items():
        if value is _MISSING:
            del data[key]
        else:
            data[key] = value
    return data


_MISSING = object()

BAD_INPUTS = {
    "not an object": (["2027-01-01"], "schedule"),
    "string": ("2027", "schedule"),
    "missing year": (_with(year=_MISSING), "year"),
    "year as string": (_with(year="2027"), "year"),
    "year as bool": (_with(year=True), "year"),
    "year too early": (_with(year=1899), "year"),
    "year too late": (_with(year=3000), "year"),
    "missing holidays": (_with(holidays=_MISSING), "holidays"),
    "holidays not a list": (_with(holidays="2027-01-01"), "holidays"),
    "date with slashes": (_with(holidays=["2027/01/01"]), "holidays"),
    "date without dashes": (_with(holidays=["20270101"]), "holidays"),
    "date not a string": (_with(holidays=[20270101]), "holidays"),
    "impossible date": (_with(holidays=["2027-02-30"]), "holidays"),
    "short date": (_with(holidays=["2027-1-1"]), "holidays"),
    "holiday outside the year": (_with(holidays=["2026-12-31"]), "holidays"),
    "workday outside the year": (_with(workdays=["2028-01-08"]), "workdays"),
    "both holiday and workday": (_with(workdays=["2027-01-02"]), "workdays"),
    "make-up on a weekday": (_with(workdays=["2027-02-19"]), "workdays"),
    "missing source": (_with(source=_MISSING), "source"),
    "empty source": (_with(source=""), "source"),
    "blank source": (_with(source="   "), "source"),
    "source not text": (_with(source=2027), "source"),
}


@pytest.mark.parametrize(("data", "field"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_parse_schedule_refuses(data: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_schedule(data)
    assert caught.value.field == field
    assert CJK.search(caught.value.message)


def test_parse_schedule_accepts_weekend_make_up_days() -> None:
    schedule = parse_schedule(_with(workdays=["2027-02-20", "2027-02-21"], holidays=[]))
    assert schedule.workdays == {D(2027, 2, 20), D(2027, 2, 21)}
    assert schedule.holidays == frozenset()


# --- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 31))
counts = st.integers(min_value=0, max_value=60)


@settings(deadline=None)
@given(dates, counts, counts)
def test_add_is_additive(day: date, n: int, m: int) -> None:
    assert CAL.add_workdays(CAL.add_workdays(day, n), m) == CAL.add_workdays(day, n + m)


@settings(deadline=None)
@given(dates, counts)
def test_count_inverts_add(day: date, n: int) -> None:
    assert CAL.count_workdays(day, CAL.add_workdays(day, n)) == n


@settings(deadline=None)
@given(dates, st.integers(min_value=1, max_value=60))
def test_add_lands_on_a_workday_with_none_skipped(day: date, n: int) -> None:
    result = CAL.add_workdays(day, n)
    assert result > day
    assert CAL.is_workday(result)
    between = _days(day + timedelta(days=1), result)
    assert sum(CAL.is_workday(d) for d in between) == n


@settings(deadline=None)
@given(dates, dates)
def test_count_is_antisymmetric(a: date, b: date) -> None:
    assert CAL.count_workdays(a, b) == -CAL.count_workdays(b, a)
