"""The office that runs the procedure, and its settings."""
from __future__ import annotations

import peewee

from models.base import BaseModel, now

ORGAN_KINDS = ("纪检监察机关", "组织部门")


class OfficeProfile(BaseModel):
    """A single row: who this installation is."""

    organ_name = peewee.TextField(default="")          # e.g. 中共贺兰县纪律检查委员会
    letterhead = peewee.TextField(default="")          # 发文机关标志, e.g. 中共贺兰县纪委 贺兰县监委
    code_prefix = peewee.TextField(default="")         # 机关代字 for document numbers, e.g. 贺纪
    organ_kind = peewee.TextField(default=ORGAN_KINDS[0])
    policy_id = peewee.TextField(default="yinchuan")
    updated_at = peewee.DateTimeField(default=now)


class Setting(BaseModel):
    """Small named settings that do not deserve a column (JSON values)."""

    key = peewee.TextField(primary_key=True)
    value = peewee.JSONField()
