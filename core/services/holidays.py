"""Official holiday schedules: listing the years the program knows, importing a new year."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core.calendar import BUILTIN_YEARS, SOURCE_IMPORTED, SOURCE_LABELS, YearSchedule, parse_schedule
from core.errors import UserError
from core.services.deadline_refresh import refresh_open_cases
from core.services.workspace import Workspace
from models.calendar import ImportedSchedule


def imported_schedules() -> list[YearSchedule]:
    return [
        YearSchedule(row.year, frozenset(date.fromisoformat(d) for d in row.holidays),
                     frozenset(date.fromisoformat(d) for d in row.workdays), SOURCE_IMPORTED, row.source)
        for row in ImportedSchedule.select().order_by(ImportedSchedule.year)
    ]


@dataclass
class ImportResult:
    year: int
    replaced: bool
    moved: dict[str, dict[str, tuple[str | None, str | None]]]   # case number → {field: (before, after)}


def read_schedule_file(path: Path) -> YearSchedule:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(f"找不到文件：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"无法读取文件 {path}：{exc}") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"文件 {path.name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    return parse_schedule(data)


def import_schedule(ws: Workspace, schedule: YearSchedule) -> ImportResult:
    """Store an official schedule, then recompute every open deadline and log what moved."""
    row = {"holidays": [d.isoformat() for d in sorted(schedule.holidays)],
           "workdays": [d.isoformat() for d in sorted(schedule.workdays)],
           "source": schedule.note, "imported_by": ws.actor}
    try:
        with ws.change():
            existing = ImportedSchedule.get_or_none(ImportedSchedule.year == schedule.year)
            before = None
            if existing:
                before = {"holidays": existing.holidays, "workdays": existing.workdays,
                          "source": existing.source}
                ImportedSchedule.update(**row).where(ImportedSchedule.year == schedule.year).execute()
            else:
                ImportedSchedule.create(year=schedule.year, **row)
            ws.record("calendar_import", None, f"calendar:{schedule.year}", before, row)
            ws.calendar = ws.load_calendar()
            moved = refresh_open_cases(ws)
    except BaseException:
        ws.calendar = ws.load_calendar()   # the import was rolled back: so is the calendar
        raise
    return ImportResult(schedule.year, existing is not None, moved)


# --- the calendar as the settings page shows it -----------------------------------------------------

DAY_WORKDAY = "workday"
DAY_WEEKEND = "weekend"
DAY_HOLIDAY = "holiday"      # an official day off (放假), weekend days inside a holiday period included
DAY_MAKEUP = "makeup"        # a Saturday or Sunday worked instead (调休上班)


def calendar_years(ws: Workspace) -> list[dict[str, Any]]:
    """Every year from the first the built-in data covers to next year (and any later imported year),
    each with where its schedule comes from: built-in official data, an imported notice, or an estimate."""
    last = max([ws.today().year + 1, *(s.year for s in imported_schedules())])
    return [{"year": s.year, "source": s.source, "source_label": SOURCE_LABELS[s.source], "note": s.note}
            for s in ws.calendar.years(BUILTIN_YEARS.start, last)]


def year_days(ws: Workspace, year: int) -> dict[date, str]:
    """Every day of ``year`` → ``DAY_WORKDAY``, ``DAY_WEEKEND``, ``DAY_HOLIDAY`` or ``DAY_MAKEUP``, as the
    deadlines count it."""
    schedule = ws.calendar.schedule(year)
    first = date(year, 1, 1)
    days = (first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days))
    return {day: _day_kind(schedule, day) for day in days}


def _day_kind(schedule: YearSchedule, day: date) -> str:
    if day in schedule.workdays:
        return DAY_MAKEUP
    if day in schedule.holidays:
        return DAY_HOLIDAY
    return DAY_WEEKEND if day.weekday() >= 5 else DAY_WORKDAY
