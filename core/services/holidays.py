"""Official holiday schedules: listing the years the program knows, importing a new year."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.calendar import SOURCE_IMPORTED, YearSchedule, parse_schedule
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
