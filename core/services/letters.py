"""Issuing a case's documents as DOCX or PDF: number, wording from the template, layout.

The document libraries are imported only here, when a letter is first asked for, so that the
program starts quickly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ActionRefused, UserError
from core.services.case_view import case_details
from core.services.office import office_profile
from core.services.workspace import Workspace

if TYPE_CHECKING:
    from documents.fonts import FontSet

FORMATS = ("pdf", "docx")


@dataclass
class IssuedLetter:
    kind: str
    label: str
    format: str
    path: Path
    number: str          # 发文字号, "" for documents that are not numbered
    issued_on: date


# The date a letter bears is the date of the decision it records, not the day it is printed.
_DECISION_DATES = {
    "acceptance-notice": ("accepted_on", None),
    "rejection-notice": ("rejected_on", None),
    "suspension-notice": ("suspensions", "suspended_on"),
    "investigation-report": ("reports", "reported_on"),
    "determination-letter": ("determinations", "determined_on"),
}


def _issued_on(kind: str, details: dict[str, Any], today: date) -> date:
    key, field = _DECISION_DATES.get(kind, (None, None))
    value = details.get(key) if key else None
    if value and field:
        value = value[-1][field]
    return date.fromisoformat(value) if value else today


def render_letter(ws: Workspace, case_number: str, kind: str, fmt: str, out: Path) -> IssuedLetter:
    """Write one document of a case to ``out``; refused when the case is not ready for it."""
    from core.numbering import issue_number
    from documents.context import letter_context
    from documents.kinds import KINDS
    from documents.templates import render_kind, template_kinds

    if fmt not in FORMATS:
        raise UserError(f"格式“{fmt}”无效，应为 pdf 或 docx")
    spec = KINDS.get(kind)
    if spec is None:
        raise UserError(f"未知的文书种类“{kind}”。可用：{'、'.join(KINDS)}")
    if kind not in template_kinds():
        ready = "、".join(f"{k}（{KINDS[k].label}）" for k in template_kinds())
        raise UserError(f"本版本尚未提供“{spec.label}”的模板。目前可出具：{ready}")
    details = case_details(ws, case_number)
    reason = spec.not_ready(details)
    if reason:
        raise ActionRefused(reason)
    number, issued_on = "", _issued_on(kind, details, ws.today())
    if spec.number_code:
        issued = issue_number(ws, kind=kind, kind_code=spec.number_code, case_uuid_or_number=details["uuid"],
                              issued_on=issued_on)
        number, issued_on = issued.number, issued.issued_on
    context = letter_context(details, office_profile(ws), ws.policy(details["policy"]), number=number,
                             issued_on=issued_on)
    fonts = _fonts()
    docx = render_kind(kind, context, ws.data_dir, _families(fonts))
    data = docx if fmt == "docx" else _pdf(docx, kind, fonts)
    _write_atomically(out, data)
    return IssuedLetter(kind, spec.label, fmt, out, number, issued_on)


def _fonts() -> FontSet:
    from documents.fonts import load_fonts

    return load_fonts()


def _families(fonts: FontSet) -> dict[str, str]:
    from documents.layout import FONT_ROLES

    return {role: fonts.docx_family(role) for role in FONT_ROLES}


def _pdf(docx: bytes, kind: str, fonts: FontSet) -> bytes:
    from documents.docx_render import read_model
    from documents.pdf_render import MissingGlyphError, render_pdf

    try:
        return render_pdf(read_model(docx, kind), fonts)
    except MissingGlyphError as exc:
        raise UserError(str(exc)) from None


def _write_atomically(out: Path, data: bytes) -> None:
    out = out.expanduser()
    if out.is_dir():
        raise UserError(f"输出位置 {out} 是一个文件夹，请给出文件名")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from None
