"""Issuing a case's documents as DOCX or PDF: number, wording from the template, layout.

``render_letter`` issues one document of a case (or, for a kind issued about a cadre, of a cadre);
``render_blank`` prints a form with nothing filled in, to fill by hand.

The document libraries are imported only here, when a letter is first asked for, so that the
program starts quickly.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ActionRefused, UserError
from core.services.case_view import case_details
from core.services.office import determination_letters, letter_format, office_profile
from core.services.workspace import Workspace

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from core.policy import Policy
    from documents.fonts import FontSet
    from documents.kinds import Kind
    from documents.model import Document
    from models.documents import IssuedNumber

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
    "extension-approval": ("extensions", "approved_on"),
    "interview-record": ("notes", "held_on"),
    "expert-opinion": ("assessments", "held_on"),
}
RECIPIENTS = ("organ", "applicant")     # 送达回证, and 认定书 when issued as two letters
RECIPIENT_KINDS = ("determination-letter", "delivery-receipt")     # the kinds ``recipient`` applies to
RECIPIENT_LABELS = {"organ": "问责实施机关", "applicant": "申请单位或个人"}
DOCUMENTS_DIR = "documents"       # issued files, in the data folder: documents/<case number>/, documents/干部/<ID>/
CADRES_DIR = "干部"


def decision_date(kind: str, details: dict[str, Any], today: date) -> date:
    """The date a case's letter of ``kind`` bears when it has no number of its own yet: the date of
    the decision it records (acceptance, report, determination …), else ``today``."""
    key, field = _DECISION_DATES.get(kind, (None, None))
    value = details.get(key) if key else None
    if value and field:
        value = value[-1][field]
    return date.fromisoformat(value) if value else today


def _spec(kind: str, fmt: str) -> Kind:
    from documents.kinds import KINDS
    from documents.templates import template_kinds

    if fmt not in FORMATS:
        raise UserError(f"格式“{fmt}”无效，应为 pdf 或 docx")
    spec = KINDS.get(kind)
    if spec is None:
        raise UserError(f"未知的文书种类“{kind}”。可用：{'、'.join(KINDS)}")
    if kind not in template_kinds():
        ready = "、".join(f"{k}（{KINDS[k].label}）" for k in template_kinds())
        raise UserError(f"本版本尚未提供“{spec.label}”的模板。目前可出具：{ready}")
    return spec


def render_letter(ws: Workspace, case_number: str, kind: str, fmt: str, out: Path, *,
                  recipient: str | None = None) -> IssuedLetter:
    """Write one document of a case to ``out``; refused when the case is not ready for it.

    For a kind issued about a cadre (``Kind.per_cadre``) ``case_number`` is the cadre's ID number
    (or a case number, when the case concerns one cadre). ``recipient`` (organ | applicant, by
    default organ) says whose 送达回证 it is, and which determination letter when the office issues
    the determination as two letters (one 主送 each, each with its own 发文字号); with one letter
    (主送 the organ, 抄送 the applicant) a letter to the applicant is refused."""
    from core.numbering import issue_number
    from documents.context import letter_context

    spec = _spec(kind, fmt)
    if recipient is not None and recipient not in RECIPIENTS:
        raise UserError(f"主送或受送达对象“{recipient}”无效，应为 organ（问责实施机关）或 applicant（申请人）")
    if recipient is not None and kind not in RECIPIENT_KINDS:
        raise UserError(f"主送或受送达对象只用于认定书和送达回证，{spec.label}不需要选择")
    separate = determination_letters(ws) == 2
    if kind == "determination-letter" and recipient == "applicant" and not separate:
        raise ActionRefused("本机关设置为只出具一份认定书（主送问责实施机关，抄送申请人），没有单独致申请人的认定书；"
                            "请出具主送问责实施机关的认定书，或先在设置中将认定书份数改为两份（determination_letters=2）")
    if spec.per_cadre:
        return _render_about_cadre(ws, case_number, spec, fmt, out)
    details = case_details(ws, case_number)
    reason = spec.not_ready(details)
    if reason:
        raise ActionRefused(reason)
    number, issued_on = "", decision_date(kind, details, ws.today())
    if kind == "determination-letter":
        issued = _determination_number(ws, details["uuid"], spec, recipient or "organ", separate, issued_on)
        number, issued_on = issued.number, issued.issued_on
    elif spec.number_code:
        issued = issue_number(ws, kind=kind, kind_code=spec.number_code, case_uuid_or_number=details["uuid"],
                              issued_on=issued_on)
        number, issued_on = issued.number, issued.issued_on
    policy = ws.policy(details["policy"])
    context = letter_context(with_form_data(ws, details, policy), office_profile(ws), policy, number=number,
                             issued_on=issued_on, recipient=recipient or "organ", separate_letters=separate)
    write_atomically(out, _document(ws, kind, context, fmt))
    return IssuedLetter(kind, spec.label, fmt, out, number, issued_on)


def _determination_number(ws: Workspace, case_uuid: str, spec: Kind, recipient: str, separate: bool,
                          issued_on: date) -> IssuedNumber:
    """The 发文字号 of the determination letter to ``recipient``: registered for recipient ``""`` when
    the office issues one letter, ``organ`` / ``applicant`` when it issues two. The letter to the organ
    is the same letter in both settings, so after the setting changed it keeps the number it has."""
    from core.numbering import issue_number, numbers_for_case

    keys: tuple[str, ...] = ("organ", "") if separate else ("", "organ")
    if recipient == "applicant":
        keys = ("applicant",)
    live = {row.recipient: row for row in numbers_for_case(ws, case_uuid)
            if row.kind == spec.code and row.voided_at is None}
    existing = next((live[key] for key in keys if key in live), None)
    if existing is not None:
        return existing
    assert spec.number_code
    return issue_number(ws, kind=spec.code, kind_code=spec.number_code, case_uuid_or_number=case_uuid,
                        issued_on=issued_on, recipient=keys[0])


def render_blank(ws: Workspace, kind: str, fmt: str, out: Path) -> IssuedLetter:
    """Write a blank form of ``kind`` (the same template, nothing filled in) to ``out``."""
    from documents.context import blank_context
    from documents.kinds import KINDS

    spec = _spec(kind, fmt)
    if spec.format != "form":
        forms = "、".join(f"{k}（{s.label}）" for k, s in KINDS.items() if s.format == "form")
        raise UserError(f"“{spec.label}”不是表格，没有空白表。可出具空白表的：{forms}")
    write_atomically(out, _document(ws, kind, blank_context(office_profile(ws), ws.policy()), fmt))
    return IssuedLetter(kind, spec.label, fmt, out, "", ws.today())


def _live_numbers(ws: Workspace, case: str) -> dict[str, str]:
    """The case's live 发文字号 by kind (letters to one recipient each; of two determination letters,
    the one to the accountability organ)."""
    from core.numbering import numbers_for_case

    return {row.kind: row.number for row in numbers_for_case(ws, case)
            if row.voided_at is None and row.recipient in ("", "organ")}


def _determination_numbers(ws: Workspace, case: str) -> dict[str, str]:
    """The live 发文字号 of the determination letter by recipient (organ | applicant)."""
    from core.numbering import numbers_for_case

    return {(row.recipient or "organ"): row.number for row in numbers_for_case(ws, case)
            if row.voided_at is None and row.kind == "determination-letter"}


def with_form_data(ws: Workspace, details: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """``details`` (``case_details``) with what the forms need besides the case: the letters' numbers,
    and the report deadline before and after each extension (working days from acceptance, never past
    the verification limit)."""
    accepted = details.get("accepted_on")
    extensions, total = [], 0
    for row in details.get("extensions") or []:
        dates = {}
        for key, days in (("due_before", total), ("due_after", total + int(row.get("days") or 0))):
            limit = min(policy.report_days + days, policy.verification_limit_days)
            dates[key] = ws.calendar.add_workdays(date.fromisoformat(accepted), limit).isoformat() if accepted else None
        total += int(row.get("days") or 0)
        extensions.append(row | dates)
    return details | {"issued_numbers": _live_numbers(ws, details["uuid"]),
                      "determination_numbers": _determination_numbers(ws, details["uuid"]), "extensions": extensions}


def _render_about_cadre(ws: Workspace, key: str, spec: Kind, fmt: str, out: Path) -> IssuedLetter:
    from core.numbering import issue_number
    from core.services.cadres import cadre_record
    from documents.context import cadre_context

    record = cadre_record(ws, _cadre_key(key))
    reason = spec.not_ready(record)
    if reason:
        raise ActionRefused(reason)
    cases = []
    for case in record["cases"]:
        details = case_details(ws, case["number"])
        cases.append(case | {"applicant": details["applicant"],
                             "letter_number": _live_numbers(ws, details["uuid"]).get("determination-letter", "")})
    number, issued_on = "", ws.today()
    if spec.number_code:
        recipient = f"cadre:{record['uuid']}"
        issued = _issued_today(spec.code, recipient, issued_on) or issue_number(
            ws, kind=spec.code, kind_code=spec.number_code, issued_on=issued_on, recipient=recipient)
        number, issued_on = issued.number, issued.issued_on
    context = cadre_context(record | {"cases": cases}, office_profile(ws), ws.policy(), number=number,
                            issued_on=issued_on)
    write_atomically(out, _document(ws, spec.code, context, fmt))
    return IssuedLetter(spec.code, spec.label, fmt, out, number, issued_on)


def _cadre_key(key: str) -> str:
    """A cadre's ID number as given, or the one cadre of the case numbered ``key``."""
    from models.case import Cadre, Case, CaseCadre

    case = Case.get_or_none(Case.number == key.strip())
    if case is None:
        return key
    cadres = list(Cadre.select().join(CaseCadre).where(CaseCadre.case == case).order_by(CaseCadre.id))
    if len(cadres) != 1:
        listed = "、".join(f"{c.name}（{c.id_number or c.uuid}）" for c in cadres)
        raise UserError(f"案件 {case.number} 涉及{len(cadres)}名干部：{listed}。情况说明按干部出具，请改用干部的身份证号码")
    return str(cadres[0].id_number or cadres[0].uuid)


def _issued_today(kind: str, recipient: str, on: date) -> IssuedNumber | None:
    """A statement about a cadre printed again the same day keeps its number (not tied to a case,
    ``issue_number`` would give a new one each time)."""
    from models.documents import IssuedNumber

    row: IssuedNumber | None = (IssuedNumber.select()
                                .where(IssuedNumber.case.is_null() & (IssuedNumber.kind == kind)
                                       & (IssuedNumber.recipient == recipient) & (IssuedNumber.issued_on == on)
                                       & IssuedNumber.voided_at.is_null())
                                .order_by(IssuedNumber.seq.desc()).first())
    return row


def _fonts() -> FontSet:
    from documents.fonts import load_fonts

    return load_fonts()


def _families(fonts: FontSet) -> dict[str, str]:
    from documents.layout import FONT_ROLES

    return {role: fonts.docx_family(role) for role in FONT_ROLES}


class LetterBuilds:
    """One case's letters, each built from its template once and kept (by kind and context).

    An export binds every letter into the archive volume (laid out as PDF) and carries it as DOCX
    too: with one ``LetterBuilds`` for both, each letter is filled in once instead of twice
    (``bench/bench_exchange.py`` measured the template work as most of an export's time). Keep one
    per case: the built documents stay in memory."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._built: dict[tuple[str, str], DocxDocument] = {}

    def document(self, kind: str, context: dict[str, Any]) -> DocxDocument:
        from documents.templates import build_kind

        key = (kind, json.dumps(context, sort_keys=True, ensure_ascii=False, default=str))
        if key not in self._built:
            self._built[key] = build_kind(kind, context, self.ws.data_dir, _families(_fonts()),
                                          letter_format(self.ws, kind))
        return self._built[key]


def letter_model(ws: Workspace, kind: str, context: dict[str, Any], builds: LetterBuilds | None = None) -> Document:
    """The letter of ``kind`` filled in with ``context`` (``letter_context``), in the layout the office
    chose, read into the model the PDF renderer lays out. Issues nothing and writes nothing: the
    archive volume binds a case's letters with the numbers they already have."""
    from documents.docx_render import read_model

    return read_model((builds or LetterBuilds(ws)).document(kind, context), kind)


def letter_docx(ws: Workspace, kind: str, context: dict[str, Any], builds: LetterBuilds | None = None) -> bytes:
    """The letter of ``kind`` filled in with ``context`` (``letter_context``) as DOCX bytes, in the
    layout the office chose. Issues nothing and writes nothing: an export package carries a case's
    letters with the numbers they already have (``core.services.exchange``)."""
    from documents.docx_render import docx_bytes

    return docx_bytes((builds or LetterBuilds(ws)).document(kind, context))


def _document(ws: Workspace, kind: str, context: dict[str, Any], fmt: str) -> bytes:
    """The file's bytes: the template filled in, in the layout the office chose for ``kind`` (文件格式
    or 信函格式), saved as DOCX, or read into the model and laid out as PDF (straight from the
    document in memory: no save and parse in between; the model carries the layout)."""
    from documents.pdf_render import MissingGlyphError, render_pdf

    if fmt == "docx":
        return letter_docx(ws, kind, context)
    try:
        return render_pdf(letter_model(ws, kind, context), _fonts())
    except MissingGlyphError as exc:
        raise UserError(str(exc)) from None


def write_atomically(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` through a temporary file in the same folder, synced, then renamed:
    a reader sees the old file or the whole new one. Refusals are ``UserError``."""
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


# --- issued files in the data folder, and the case's numbers (for the GUI) -------------------------

@dataclass(frozen=True)
class DocumentChoice:
    """One document a case can be issued: ``reason`` says why not now (None when it can);
    ``recipients`` are whom it may be addressed to, the default first (empty: no choice)."""

    kind: str
    label: str
    reason: str | None
    recipients: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return self.reason is None


def case_documents(ws: Workspace, case_number: str) -> list[DocumentChoice]:
    """Every document of a case (the per-cadre statement is issued from the cadre, not here), each
    with whether the case is ready for it in its current state."""
    from documents.kinds import KINDS
    from documents.templates import template_kinds

    details = case_details(ws, case_number)
    with_template = set(template_kinds())
    separate = determination_letters(ws) == 2
    choices = []
    for spec in KINDS.values():
        if spec.per_cadre:
            continue
        reason = spec.not_ready(details) if spec.code in with_template else f"本版本尚未提供“{spec.label}”的模板"
        addressed = spec.code == "delivery-receipt" or (spec.code == "determination-letter" and separate)
        choices.append(DocumentChoice(spec.code, spec.label, reason, RECIPIENTS if addressed else ()))
    return choices


def documents_folder(ws: Workspace, key: str, kind: str) -> Path:
    """Where the issued files of a case (or, for a kind issued about a cadre, of the cadre) are kept."""
    from documents.kinds import KINDS

    folder = ws.data_dir / DOCUMENTS_DIR
    if kind in KINDS and KINDS[kind].per_cadre:
        folder = folder / CADRES_DIR
    return folder / _safe_part(key)


def file_name(issued: IssuedLetter, recipient: str | None = None) -> str:
    """``容错免责认定书-贺纪容认〔2026〕3号.pdf``; unnumbered documents by date, with the recipient
    when the same document goes to two (送达回证)."""
    to = f"（{RECIPIENT_LABELS[recipient]}）" if recipient in RECIPIENT_LABELS else ""
    return _safe_part(f"{issued.label}{to}-{issued.number or issued.issued_on.isoformat()}.{issued.format}")


def issue_to_folder(ws: Workspace, key: str, kind: str, fmt: str, *,
                    recipient: str | None = None) -> IssuedLetter:
    """``render_letter`` into the data folder's documents folder, named by the letter's 发文字号 (or
    date): issuing the same letter again replaces its file rather than piling up copies."""
    folder = documents_folder(ws, key, kind)
    draft = folder / f".正在生成-{kind}.{fmt}"
    issued = render_letter(ws, key, kind, fmt, draft, recipient=recipient)
    final = folder / file_name(issued, recipient)
    try:
        os.replace(draft, final)
    except OSError as exc:
        draft.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):
            raise UserError(f"文件 {final.name} 正被其他程序（如 Word、WPS 或 PDF 阅读器）打开，请关闭后再生成") from None
        raise UserError(f"无法写入 {final}：{exc.strerror or exc}") from None
    issued.path = final
    return issued


def case_numbers(ws: Workspace, case_number: str) -> list[dict[str, Any]]:
    """Every 发文字号 issued for a case (voided ones too), oldest first, as plain data with the
    document's name and recipient in words."""
    from core.numbering import number_row, numbers_for_case
    from documents.kinds import KINDS

    rows = []
    for row in numbers_for_case(ws, case_number):
        data = number_row(row)
        spec = KINDS.get(data["kind"])
        data["kind_label"] = spec.label if spec else data["kind"]
        data["recipient_label"] = RECIPIENT_LABELS.get(data["recipient"], "")
        rows.append(data)
    return rows


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _safe_part(name: str) -> str:
    """A name that every file system takes (FAT32 and exFAT on USB sticks too), never a path."""
    cleaned = _UNSAFE.sub("_", name).strip().strip(".")
    return cleaned or "_"
