"""The register of document numbers (发文字号) the office has issued.

A number is ``机关代字 + 类别代字〔年份〕序号号``, e.g. ``贺纪容认〔2026〕3号``: per organ (prefix), per
kind of letter (kind code), per year of the letter's 成文日期, consecutive from 1. Rows are never
deleted: a number issued in error is voided with a reason, stays in the register and still counts,
so it is never issued again. Allocation lives in ``core.numbering``.
"""
from __future__ import annotations

import peewee

from models.base import BaseModel, now
from models.case import Case


class IssuedNumber(BaseModel):
    """One 发文字号, as issued to one letter (for one case and recipient, or for no case)."""

    prefix = peewee.TextField()                          # 机关代字, e.g. 贺纪
    kind_code = peewee.TextField()                       # 类别代字, e.g. 容认
    year = peewee.IntegerField()                         # year of issued_on
    seq = peewee.IntegerField()                          # 1, 2, 3 … per (prefix, kind_code, year)
    number = peewee.TextField(unique=True)               # the full text, e.g. 贺纪容认〔2026〕3号
    kind = peewee.TextField(index=True)                  # document kind, e.g. determination-letter
    case = peewee.ForeignKeyField(Case, backref="issued_numbers", null=True, on_delete="RESTRICT")
    recipient = peewee.TextField(default="")             # one case may send the same kind to two recipients
    issued_on = peewee.DateField()                       # the letter's 成文日期
    issued_at = peewee.DateTimeField(default=now)
    issued_by = peewee.TextField()
    voided_at = peewee.DateTimeField(null=True)
    void_reason = peewee.TextField(default="")
    voided_by = peewee.TextField(default="")

    class Meta:
        indexes = ((("prefix", "kind_code", "year", "seq"), True),)


# At most one live (not voided) number per case, kind and recipient: a re-rendered letter keeps its
# number. Rows without a case are not constrained (NULLs are distinct in a unique index).
IssuedNumber.add_index(
    IssuedNumber.index(IssuedNumber.case, IssuedNumber.kind, IssuedNumber.recipient, unique=True,
                       where=IssuedNumber.voided_at.is_null(), name="issued_number_live_per_case_kind")
)
