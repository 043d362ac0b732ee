"""Support for cadres outside a case: clearing names (澄清正名) and follow-up visits (回访)."""
from __future__ import annotations

import peewee

from models.base import BaseModel, now
from models.case import Cadre, Case


class Clarification(BaseModel):
    """A cadre falsely accused (造谣、诬陷、诽谤), investigated and cleared."""

    cadre = peewee.ForeignKeyField(Cadre, backref="clarifications", on_delete="CASCADE")
    opened_on = peewee.DateField()
    matter = peewee.TextField()
    outcome = peewee.TextField(default="")
    concluded_on = peewee.DateField(null=True)
    created_at = peewee.DateTimeField(default=now)


class FollowUp(BaseModel):
    """A follow-up visit to a cadre held accountable or exempted."""

    cadre = peewee.ForeignKeyField(Cadre, backref="follow_ups", on_delete="CASCADE")
    case = peewee.ForeignKeyField(Case, null=True, backref="follow_ups", on_delete="SET NULL")
    visited_on = peewee.DateField()
    visitors = peewee.TextField(default="")
    content = peewee.TextField()
    created_at = peewee.DateTimeField(default=now)
