"""The append-only audit table. Rows are written only by ``core.audit``."""
from __future__ import annotations

import peewee

from models.base import BaseModel


class AuditRecord(BaseModel):
    """One change: who, when, what, before and after, chained by HMAC-SM3 to the record before."""

    seq = peewee.IntegerField(primary_key=True)
    at = peewee.TextField()                 # ISO 8601 with offset
    actor = peewee.TextField()
    action = peewee.TextField()
    case_uuid = peewee.CharField(max_length=36, null=True, index=True)
    entity = peewee.TextField(default="")
    before = peewee.TextField(default="null")   # canonical JSON, hashed as stored
    after = peewee.TextField(default="null")
    mac = peewee.CharField(max_length=64)
