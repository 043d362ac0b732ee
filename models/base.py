"""The database proxy and the base model every table inherits.

The proxy is bound at start-up (``models.database.open_database``) to SQLite or, later, PostgreSQL;
models never name a database themselves.
"""
from __future__ import annotations

import uuid
from datetime import datetime

import peewee

database_proxy = peewee.DatabaseProxy()


def new_uuid() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    """Local wall-clock time, second precision: what an officer reads in the timeline."""
    return datetime.now().replace(microsecond=0)


class BaseModel(peewee.Model):
    id: int   # the implicit auto-increment key, for the type checker (peewee adds it at run time)

    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """One row per migration step applied."""

    version = peewee.IntegerField(primary_key=True)
    description = peewee.TextField()
    applied_at = peewee.DateTimeField(default=now)
