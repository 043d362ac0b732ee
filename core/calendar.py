"""Chinese working days (工作日) for deadline arithmetic.

A day is a working day if it is a make-up day (调休上班), or a Monday–Friday that is not an
official day off. Each year's schedule comes from, in order of preference: an imported official
notice, the data built into chinesecalendar, or an estimate from the statutory holiday rules
(the `holidays` package) when the State Council has not yet published that year's arrangement.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_pkg
from chinese_calendar import constants as cc_constants

from core.errors import ValidationError

SOURCE_BUILTIN = "builtin"
SOURCE_IMPORTED = "imported"
SOURCE_ESTIMATED = "estimated"
SOURCE_LABELS = {
    SOURCE_BUILTIN: "内置官方数据",
    SOURCE_IMPORTED: "导入的官方安排",
    SOURCE_ESTIMATED: "估算（尚无官方安排）",
}

_SATURDAY = 5

# chinesecalendar keys its data by date; derive the covered years so a package upgrade extends them.
_CC_HOLIDAYS: frozenset[date] = frozenset(cc_constants.holidays)
_CC_WORKDAYS: frozenset[date] = frozenset(cc_constants.workdays)
BUILTIN_YEARS: range = range(
    min(d.year for d in _CC_HOLIDAYS | _CC_WORKDAYS),
    max(d.year for d in _CC_HOLIDAYS | _CC_WORKDAYS) + 1,
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class YearSchedule:
    """One calendar year's official days off and make-up working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    note: str = ""

    def to_json(self) -> dict[str, object]:
        """The same shape `parse_schedule` reads, so an exported year can be re-imported."""
        return {
            "year": self.year,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
            "source": self.note,
        }


def builtin_schedule(year: int) -> YearSchedule | None:
    """The official schedule shipped with chinesecalendar, or None for a year it does not cover."""
    if year not in BUILTIN_YEARS:
        return None
    return YearSchedule(
        year=year,
        holidays=frozenset(d for d in _CC_HOLIDAYS if d.year == year),
        workdays=frozenset(d for d in _CC_WORKDAYS if d.year == year),
        source=SOURCE_BUILTIN,
        note=f"国务院办公厅关于{year}年部分节假日安排的通知（chinesecalendar 内置数据）",
    )


def estimated_schedule(year: int) -> YearSchedule:
    """Statutory holidays (with the package's observed days) as days off and no make-up days.

    Real arrangements move days around with 调休, so deadlines in such a year are provisional.
    """
    days_off = frozenset(d for d in holidays_pkg.China(years=year, observed=True) if d.year == year)
    if days_off:
        note = f"{year}年尚无国务院办公厅节假日安排，按法定节假日规则估算，未计调休，仅供参考"
    else:
        note = f"{year}年尚无国务院办公厅节假日安排，且无法估算法定节假日，仅按周末计算"
    return YearSchedule(
        year=year, holidays=days_off, workdays=frozenset(), source=SOURCE_ESTIMATED, note=note
    )


def _parse_dates(data: dict[object, object], key: str, label: str, year: int) -> frozenset[date]:
    raw = data.get(key)
    if not isinstance(raw, list):
        raise ValidationError(key, f"节假日安排的“{key}”（{label}）缺失或不是列表")
    days = set()
    for item in raw:
        if not isinstance(item, str) or not _ISO_DATE.fullmatch(item):
            raise ValidationError(key, f"{label}中的“{item}”不是 YYYY-MM-DD 格式的日期")
        try:
            day = date.fromisoformat(item)
        except ValueError:
            raise ValidationError(key, f"{label}中的“{item}”不是有效日期") from None
        if day.year != year:
            raise ValidationError(key, f"{label}中的 {item} 不在 {year} 年内")
        days.add(day)
    return frozenset(days)


def parse_schedule(data: object) -> YearSchedule:
    """Validate an imported official arrangement, e.g. read from a JSON file the officer supplies."""
    if not isinstance(data, dict):
        raise ValidationError("schedule", "节假日安排应为 JSON 对象，包含 year、holidays、workdays、source")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValidationError("year", "节假日安排的“year”缺失或无效，应为 1900 至 2999 之间的整数年份")
    days_off = _parse_dates(data, "holidays", "放假日期", year)
    make_up = _parse_dates(data, "workdays", "调休上班日期", year)
    both = sorted(days_off & make_up)
    if both:
        raise ValidationError("workdays", f"{both[0].isoformat()} 不能既是放假日期又是调休上班日期")
    for day in sorted(make_up):
        if day.weekday() < _SATURDAY:
            raise ValidationError(
                "workdays", f"调休上班日期 {day.isoformat()} 不是星期六或星期日，本来就是工作日"
            )
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValidationError("source", "节假日安排缺少“source”，请注明出处（如国务院办公厅通知名称）")
    return YearSchedule(
        year=year, holidays=days_off, workdays=make_up, source=SOURCE_IMPORTED, note=source.strip()
    )


class WorkCalendar:
    """Working-day arithmetic; imported schedules override builtin data for their year."""

    def __init__(self, imported: Iterable[YearSchedule] = ()) -> None:
        # A later schedule for the same year replaces an earlier one.
        self._imported: dict[int, YearSchedule] = {s.year: s for s in imported}
        self._schedules: dict[int, YearSchedule] = {}
        # Per year: sorted ordinals of its working days, for bisect in add/count.
        self._ordinals: dict[int, list[int]] = {}

    def schedule(self, year: int) -> YearSchedule:
        """Imported, else builtin, else estimated; cached per year."""
        cached = self._schedules.get(year)
        if cached is None:
            cached = self._imported.get(year) or builtin_schedule(year) or estimated_schedule(year)
            self._schedules[year] = cached
        return cached

    def is_workday(self, day: date) -> bool:
        s = self.schedule(day.year)
        if day in s.workdays:
            return True
        return day.weekday() < _SATURDAY and day not in s.holidays

    def _year_ordinals(self, year: int) -> list[int]:
        cached = self._ordinals.get(year)
        if cached is None:
            first = date(year, 1, 1)
            length = date(year, 12, 31).toordinal() - first.toordinal() + 1
            days = (first + timedelta(days=i) for i in range(length))
            cached = [d.toordinal() for d in days if self.is_workday(d)]
            self._ordinals[year] = cached
        return cached

    def add_workdays(self, start: date, n: int) -> date:
        """The Nth working day after `start`; `start` itself is not counted."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return start
        year = start.year
        ordinals = self._year_ordinals(year)
        index = bisect_right(ordinals, start.toordinal()) + n - 1
        while index >= len(ordinals):
            index -= len(ordinals)
            year += 1
            ordinals = self._year_ordinals(year)
        return date.fromordinal(ordinals[index])

    def _count_after(self, start: date, end: date) -> int:
        """Working days in (start, end], for start <= end."""
        if start.year == end.year:
            ordinals = self._year_ordinals(start.year)
            return bisect_right(ordinals, end.toordinal()) - bisect_right(ordinals, start.toordinal())
        first = self._year_ordinals(start.year)
        total = len(first) - bisect_right(first, start.toordinal())
        for year in range(start.year + 1, end.year):
            total += len(self._year_ordinals(year))
        return total + bisect_right(self._year_ordinals(end.year), end.toordinal())

    def count_workdays(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative if `end` is before `start`."""
        if end < start:
            return -self._count_after(end, start)
        return self._count_after(start, end)

    def estimated_years(self, start: date, end: date) -> list[int]:
        """Years touched by the range whose schedule is only an estimate, to warn the officer."""
        low, high = min(start, end), max(start, end)
        return [
            y for y in range(low.year, high.year + 1) if self.schedule(y).source == SOURCE_ESTIMATED
        ]

    def years(self, first: int, last: int) -> list[YearSchedule]:
        return [self.schedule(y) for y in range(first, last + 1)]
