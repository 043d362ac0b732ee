"""Document numbers (发文字号): issue, void and list them.

A number reads ``机关代字 + 类别代字〔年份〕序号号`` (GB/T 9704-2012 7.2.2), e.g. ``贺纪容认〔2026〕3号``:
full year in hexagonal brackets (U+3014/U+3015), no leading zeros, no 第. Sequence numbers run per
(机关代字, 类别代字, year of the 成文日期) from 1, consecutive, never reused and never duplicated:

- the next number is allocated inside the same exclusive (BEGIN IMMEDIATE) transaction that inserts
  it, so two processes issuing at once wait for each other instead of taking the same number;
- a voided number stays in the register and still counts, so it is never issued again;
- a letter re-rendered for the same case, kind and recipient gets back its live number and date
  unchanged (and nothing is written: no row, no audit record).

Each issue and each void writes one audit record.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import peewee

from core import validation as v
from core.errors import ActionRefused, NotFound, UserError, ValidationError
from core.services.workspace import Workspace
from models.base import now
from models.case import Case
from models.documents import IssuedNumber

OPEN_BRACKET = "\u3014"    # 〔
CLOSE_BRACKET = "\u3015"   # 〕

# Brackets officers type instead of 〔〕 when looking a number up.
_LOOKALIKE_BRACKETS = str.maketrans({
    "[": OPEN_BRACKET, "［": OPEN_BRACKET, "【": OPEN_BRACKET, "(": OPEN_BRACKET, "（": OPEN_BRACKET,
    "﹝": OPEN_BRACKET, "〘": OPEN_BRACKET,
    "]": CLOSE_BRACKET, "］": CLOSE_BRACKET, "】": CLOSE_BRACKET, ")": CLOSE_BRACKET, "）": CLOSE_BRACKET,
    "﹞": CLOSE_BRACKET, "〙": CLOSE_BRACKET,
})
_FORBIDDEN_IN_CODES = set("〔〕[]［］【】()（）﹝﹞〘〙")


def format_number(prefix: str, kind_code: str, year: int, seq: int) -> str:
    """``贺纪``, ``容认``, 2026, 3 → ``贺纪容认〔2026〕3号``."""
    return f"{prefix}{kind_code}{OPEN_BRACKET}{year}{CLOSE_BRACKET}{seq}号"


def normalise_number(text: str) -> str:
    """A number as typed (spaces, [] or （） for 〔〕) in the form stored in the register."""
    return "".join(text.split()).translate(_LOOKALIKE_BRACKETS)


def _check_code(value: str, field: str, label: str) -> str:
    if any(ch.isspace() for ch in value):
        raise ValidationError(field, f"{label}“{value}”中不能有空格，请修改")
    bad = sorted({ch for ch in value if ch in _FORBIDDEN_IN_CODES})
    if bad:
        raise ValidationError(field, f"{label}“{value}”中不能有括号“{''.join(bad)}”，请修改")
    return value


def office_prefix(ws: Workspace) -> str:
    """The 机关代字 from the office settings; refuses when it has not been filled in."""
    prefix = (ws.office().code_prefix or "").strip()
    if not prefix:
        raise UserError("请先在设置中填写机关代字（如“贺纪”），才能编发文字号")
    return _check_code(prefix, "code_prefix", "机关代字")


def _find_case(case_uuid_or_number: str | Case) -> Case:
    if isinstance(case_uuid_or_number, Case):
        return case_uuid_or_number
    key = str(case_uuid_or_number).strip()
    case = Case.get_or_none((Case.number == key) | (Case.uuid == key))
    if case is None:
        raise NotFound(f"没有找到编号为 {key} 的案件")
    return case


def _live_number(case: Case, kind: str, recipient: str) -> IssuedNumber | None:
    return (IssuedNumber.select()
            .where((IssuedNumber.case == case) & (IssuedNumber.kind == kind)
                   & (IssuedNumber.recipient == recipient) & IssuedNumber.voided_at.is_null())
            .first())   # at most one: a partial unique index guards it


def _next_seq(prefix: str, kind_code: str, year: int) -> int:
    last = (IssuedNumber.select(peewee.fn.MAX(IssuedNumber.seq))
            .where((IssuedNumber.prefix == prefix) & (IssuedNumber.kind_code == kind_code)
                   & (IssuedNumber.year == year)).scalar())
    return int(last or 0) + 1


def _case_of(row: IssuedNumber) -> Case | None:
    case: Case | None = row.case
    return case


def _audit_view(row: IssuedNumber) -> dict[str, Any]:
    case = _case_of(row)
    return {
        "number": row.number, "prefix": row.prefix, "kind_code": row.kind_code, "year": row.year,
        "seq": row.seq, "kind": row.kind, "case_number": case.number if case else None,
        "recipient": row.recipient, "issued_on": row.issued_on.isoformat(),
    }


def issue_number(ws: Workspace, *, kind: str, kind_code: str, case_uuid_or_number: str | Case | None = None,
                 issued_on: date | str, recipient: str = "") -> IssuedNumber:
    """The 发文字号 of one letter: the live one already issued to this case, kind and recipient, or a
    new one, the next in its (机关代字, 类别代字, year of ``issued_on``) series.

    ``issued_on`` is the letter's 成文日期 and may not be later than today. A returned existing number
    keeps its own date (even when ``issued_on`` differs) and writes nothing. Letters without a case
    always get a new number. Refusals raise ``UserError`` and change nothing.
    """
    kind = v.require_text(kind, "kind", "文书种类", max_length=64)
    kind_code = _check_code(v.require_text(kind_code, "kind_code", "文书类别代字", max_length=16),
                            "kind_code", "文书类别代字")
    recipient = v.optional_text(recipient, "recipient", "主送（受送达）对象", max_length=200)
    on = v.parse_date(issued_on, "issued_on", "成文日期", today=ws.today())
    with ws.change():
        prefix = office_prefix(ws)
        case = _find_case(case_uuid_or_number) if case_uuid_or_number is not None else None
        if case is not None:
            existing = _live_number(case, kind, recipient)
            if existing is not None:
                return existing
        seq = _next_seq(prefix, kind_code, on.year)
        number = format_number(prefix, kind_code, on.year, seq)
        if IssuedNumber.select().where(IssuedNumber.number == number).exists():
            # Only possible when two code splits spell the same text, e.g. 贺纪+容认 and 贺纪容+认.
            raise ActionRefused(f"发文字号 {number} 已被另一类文书使用（机关代字与类别代字的组合重复），"
                                "请修改文书类别代字")
        row = IssuedNumber(prefix=prefix, kind_code=kind_code, year=on.year, seq=seq, number=number,
                           kind=kind, case=case, recipient=recipient, issued_on=on, issued_at=now(),
                           issued_by=ws.actor)
        row.save(force_insert=True)
        ws.record("issue_number", case.uuid if case is not None else None, "issued_number", None,
                  _audit_view(row))
    return row


def find_number(number: str) -> IssuedNumber:
    text = normalise_number(number)
    row = IssuedNumber.get_or_none(IssuedNumber.number == text) if text else None
    if row is None:
        raise NotFound(f"没有找到发文字号 {number.strip() or '（空）'}，请核对")
    return row


def void_number(ws: Workspace, number: str, reason: str) -> IssuedNumber:
    """Mark an issued number void (作废). The row stays in the register and the number is never
    issued again; the next letter of its series gets the next higher number."""
    reason = v.require_text(reason, "reason", "作废理由", max_length=1000)
    with ws.change():
        row = find_number(number)
        if row.voided_at is not None:
            raise ActionRefused(f"发文字号 {row.number} 已于 {row.voided_at:%Y-%m-%d} 作废（{row.void_reason}），"
                                "无需重复作废")
        row.voided_at = now()
        row.void_reason = reason
        row.voided_by = ws.actor
        row.save()
        case = _case_of(row)
        ws.record("void_number", case.uuid if case else None, "issued_number",
                  {"number": row.number, "voided": False},
                  {"number": row.number, "voided": True, "voided_at": row.voided_at.isoformat(sep=" "),
                   "void_reason": reason})
    return row


def numbers_for_case(ws: Workspace, case: str | Case) -> list[IssuedNumber]:
    """Every number issued for a case (voided ones too), oldest first."""
    found = _find_case(case)
    return list(IssuedNumber.select().where(IssuedNumber.case == found)
                .order_by(IssuedNumber.issued_on, IssuedNumber.id))


def number_row(row: IssuedNumber) -> dict[str, Any]:
    """One register line as plain data (ISO dates) for the GUI and the CLI's JSON."""
    case = _case_of(row)
    return {
        "number": row.number,
        "prefix": row.prefix,
        "kind_code": row.kind_code,
        "year": row.year,
        "seq": row.seq,
        "kind": row.kind,
        "case_number": case.number if case else None,
        "case_uuid": case.uuid if case else None,
        "recipient": row.recipient,
        "issued_on": row.issued_on.isoformat(),
        "issued_by": row.issued_by,
        "voided": row.voided_at is not None,
        "voided_at": row.voided_at.isoformat(sep=" ") if row.voided_at else None,
        "void_reason": row.void_reason,
        "voided_by": row.voided_by,
    }


def list_numbers(ws: Workspace, year: int | None = None, prefix: str | None = None,
                 include_voided: bool = True) -> list[dict[str, Any]]:
    """The register (发文登记簿): by year, 机关代字, 类别代字 and sequence number."""
    query = IssuedNumber.select(IssuedNumber, Case).join(Case, peewee.JOIN.LEFT_OUTER)
    if year is not None:
        query = query.where(IssuedNumber.year == year)
    if prefix:
        query = query.where(IssuedNumber.prefix == prefix.strip())
    if not include_voided:
        query = query.where(IssuedNumber.voided_at.is_null())
    query = query.order_by(IssuedNumber.year, IssuedNumber.prefix, IssuedNumber.kind_code, IssuedNumber.seq)
    return [number_row(row) for row in query]
