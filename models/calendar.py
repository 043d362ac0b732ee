"""Official holiday schedules imported by the office for years the built-in data does not know."""
from __future__ import annotations

import peewee

from models.base import BaseModel, now


class ImportedSchedule(BaseModel):
    year = peewee.IntegerField(primary_key=True)
    holidays = peewee.JSONField()   # ISO dates
    workdays = peewee.JSONField()   # ISO dates of make-up working days
    source = peewee.TextField()
    imported_at = peewee.DateTimeField(default=now)
    imported_by = peewee.TextField(default="")
