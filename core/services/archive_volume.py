"""A case's archive volume (建档, 装订成册): one PDF with the cover, the 卷内文件目录, every document
and evidence file of the case in binding order, and the 卷内备考表 (layout: ``documents.volume``).

Binding order (装卷顺序, LETTERS.md §11), conclusion first: the determination letter (both letters
when the office issues two), or the non-acceptance notice; the 送达回证; the investigation report;
the expert (department) assessments; the 谈话笔录 and the evidence, together in date order; the
suspension notice; the acceptance notice; the application form; the extension approval forms. Only
the documents the case is ready for are bound (``documents.kinds``); each 笔录, assessment and
extension is a document of its own.

Building a volume changes nothing: no 发文字号 is issued and no audit record is written (it only
reads, like printing a list). A letter is bound with the number it was issued under and that
number's date. A numbered letter that was never issued (the office printed it elsewhere, or not
yet) is bound without a number, dated by its decision, with the 备注 “未编发文字号”: issuing a number
while binding would put a number on file that no letter sent out ever carried.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from core.errors import UserError
from core.services.actions import stored_file_path
from core.services.case_view import case_details
from core.services.letters import LetterBuilds, decision_date, letter_model, with_form_data, write_atomically
from core.services.office import determination_letters, office_profile
from core.services.workspace import Workspace
from core.workflow import status_label

if TYPE_CHECKING:
    from documents.model import Document
    from documents.volume import VolumeCover, VolumeEntry

NOT_ISSUED = "未编发文字号"
DEFAULT_RETENTION = "永久"
VOLUME_TOPIC = "容错"             # the middle of a default 案卷号: 贺纪·容错·2026·0017


class VolumeItem(NamedTuple):
    """One item (件) as the 目录 lists it: 页号 of its first and last page (None: nothing bound)."""

    title: str
    first_page: int | None
    last_page: int | None
    note: str


@dataclass
class VolumeInfo:
    path: Path
    pages: int                  # pages in the file (cover, 目录 and 备考表 included)
    items: list[VolumeItem]
    bound_pages: int            # the numbered pages, 页号 1 … bound_pages
    page_offset: int            # the file's page = page_offset + 页号 (1-based)
    volume_number: str          # 案卷号 (档号)


def build_volume(ws: Workspace, case_number: str, out: Path, *, details: dict[str, Any] | None = None,
                 builds: LetterBuilds | None = None) -> VolumeInfo:
    """Write the archive volume of a case to ``out`` (atomically: a temporary file, then renamed).

    Any case may be bound; one not yet archived says so in the 备考表. Reads only (see the module
    docstring). Refusals (no such case, a character no font has, ``out`` unwritable) are ``UserError``.
    An export passes the case's ``details`` (``case_details``) and ``builds``, which it also uses
    for the letters' DOCX files, so that nothing is read or built twice."""
    from documents.fonts import load_fonts
    from documents.pdf_render import MissingGlyphError
    from documents.volume import build_volume_pdf

    binder = _Binder(ws, details or case_details(ws, case_number), builds or LetterBuilds(ws))
    entries = binder.entries()
    cover = binder.cover()
    try:
        built = build_volume_pdf(cover, entries, load_fonts())
    except MissingGlyphError as exc:
        raise UserError(str(exc)) from None
    write_atomically(out, built.data)
    return VolumeInfo(out, built.pages, [VolumeItem(i.title, i.first_page, i.last_page, i.note) for i in built.items],
                      built.bound_pages, built.page_offset, cover.volume_number)


def default_volume_number(prefix: str, case_number: str) -> str:
    """``贺纪·容错·2026·0017`` for case 2026-0017 (without a 机关代字: ``容错·2026·0017``)."""
    return "·".join(p for p in (prefix.strip(), VOLUME_TOPIC, *case_number.split("-")) if p)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class _Binder:
    """Gathers one case's items, in binding order, from plain data; reads and writes nothing else."""

    def __init__(self, ws: Workspace, details: dict[str, Any], builds: LetterBuilds) -> None:
        from core.numbering import numbers_for_case
        from documents.kinds import KINDS
        from documents.templates import template_kinds

        self.ws = ws
        self.details = details
        self.builds = builds
        self.policy = ws.policy(details["policy"])
        self.office = office_profile(ws)
        self.form = with_form_data(ws, details, self.policy)
        self.separate = determination_letters(ws) == 2
        self.author = self.office["letterhead"] or self.office["organ_name"]
        self.live = {(row.kind, row.recipient): row for row in numbers_for_case(ws, details["uuid"])
                     if row.voided_at is None}
        with_template = set(template_kinds())
        self.ready = {code for code, spec in KINDS.items()
                      if not spec.per_cadre and code in with_template and spec.not_ready(details) is None}

    # -- the letters ----------------------------------------------------------------------------

    def _number(self, kind: str, keys: tuple[str, ...]) -> Any:
        return next((self.live[(kind, key)] for key in keys if (kind, key) in self.live), None)

    def _letter(self, kind: str, *, recipient: str = "organ", keys: tuple[str, ...] = ("",),
                details: dict[str, Any] | None = None, title_suffix: str = "",
                on: date | None = None, author: str | None = None) -> VolumeEntry:
        """One of the case's documents, as issued (its live number and date) or, for a numbered kind
        never issued, without a number."""
        from documents.context import letter_context
        from documents.kinds import KINDS
        from documents.volume import VolumeEntry

        spec = KINDS[kind]
        data = details if details is not None else self.form
        issued = self._number(kind, keys) if spec.number_code else None
        number = issued.number if issued is not None else ""
        issued_on = issued.issued_on if issued is not None else on or decision_date(kind, data, self.ws.today())
        context = letter_context(data, self.office, self.policy, number=number, issued_on=issued_on,
                                 recipient=recipient, separate_letters=self.separate)
        document = letter_model(self.ws, kind, context, self.builds)
        notes = [NOT_ISSUED] if spec.number_code and issued is None else []
        return VolumeEntry(_title(document, spec.label) + title_suffix, author if author is not None else self.author,
                           number, issued_on, [document], notes=notes,
                           remarks=[f"{spec.label}{title_suffix}未在本系统编发文字号，卷内文本不带文号。"] if notes else [])

    def _determinations(self) -> list[VolumeEntry]:
        if "determination-letter" not in self.ready:
            return []
        if not self.separate:
            return [self._letter("determination-letter", keys=("", "organ"))]
        return [self._letter("determination-letter", recipient="organ", keys=("organ", ""),
                             title_suffix="（主送问责实施机关）"),
                self._letter("determination-letter", recipient="applicant", keys=("applicant",),
                             title_suffix="（主送申请人）")]

    def _receipts(self) -> list[VolumeEntry]:
        from core.services.letters import RECIPIENTS

        if "delivery-receipt" not in self.ready:
            return []
        since = self.details["determinations"][-1]["determined_on"]
        names = {"organ": self.details["accountability"]["organ"], "applicant": self.details["applicant"]["name"]}
        entries = []
        for recipient in RECIPIENTS:
            done = [d for d in self.details["deliveries"] if d["recipient"] == recipient and d["delivered_on"] >= since]
            name = (done[-1]["recipient_name"] if done else "") or names[recipient]
            entry = self._letter("delivery-receipt", recipient=recipient, title_suffix=f"（{name}）",
                                 on=_day(done[-1]["delivered_on"]) if done else _day(since))
            if not done:
                entry.notes.append("尚未登记送达")
            entries.append(entry)
        return entries

    def _each(self, kind: str, key: str, date_field: str, suffix: str) -> list[tuple[str, VolumeEntry]]:
        """A form per record (笔录, assessment, extension): the template shows a case's latest record,
        so each is rendered from the case with the records up to it. Paired with its ISO date;
        ``suffix`` (a format of the record's fields, and ``n``) tells the records apart in the 题名."""
        if kind not in self.ready:
            return []
        rows = self.form[key]
        out = []
        for k, row in enumerate(rows):
            data = self.form | {key: rows[:k + 1]}
            words = suffix.format(n=k + 1, **row) if len(rows) > 1 or "{n}" not in suffix else ""
            out.append((row[date_field], self._letter(kind, details=data, on=_day(row[date_field]),
                                                      title_suffix=words.replace("（）", ""))))
        return out

    def _evidence(self) -> list[tuple[str, VolumeEntry]]:
        from documents.volume import AttachedFile, VolumeEntry

        out = []
        for ev in self.details["evidence"]:
            files = []
            for f in ev["files"]:
                path = stored_file_path(self.ws.files_dir, f["sha256"])
                files.append(AttachedFile(f["original_name"], path if path.is_file() else None))
            title = str(ev["title"])
            notes, remarks = [], []
            if not files:
                pages = int(ev.get("pages") or 0)
                paper = f"纸质材料{pages}页" if pages else "纸质材料"
                notes.append(f"{paper}，未附电子文件")
                remarks.append(f"“{title}”为{paper}，本系统中没有它的电子文件。")
            out.append((ev["received_on"], VolumeEntry(title, str(ev.get("source") or ""), "", _day(ev["received_on"]),
                                                       files=files, notes=notes, remarks=remarks)))
        return out

    def entries(self) -> list[VolumeEntry]:
        items: list[VolumeEntry] = []
        items += self._determinations()
        if "rejection-notice" in self.ready:
            items.append(self._letter("rejection-notice"))
        items += self._receipts()
        if "investigation-report" in self.ready:
            items.append(self._letter("investigation-report"))
        items += [entry for _, entry in self._each("expert-opinion", "assessments", "held_on", "（{kind_label}）")]
        # 笔录 and evidence together by date, a 笔录 first on the same day (sorted is stable)
        dated = self._each("interview-record", "notes", "held_on", "（{interviewee}）") + self._evidence()
        items += [entry for _, entry in sorted(dated, key=lambda pair: pair[0])]
        if "suspension-notice" in self.ready:
            items.append(self._letter("suspension-notice"))
        if "acceptance-notice" in self.ready:
            items.append(self._letter("acceptance-notice"))
        if "application-form" in self.ready:
            items.append(self._letter("application-form", author=self.details["applicant"]["name"],
                                      on=_day(self.details["received_on"])))
        items += [entry for _, entry in self._each("extension-approval", "extensions", "approved_on", "（第{n}次）")]
        return items

    # -- the cover ------------------------------------------------------------------------------

    def cover(self) -> VolumeCover:
        from documents.volume import VolumeCover

        d = self.details
        record = d["archive"][-1] if d["archive"] else {}
        remarks = []
        if d["status"] == "rejected":
            remarks.append(f"本案于{_chinese(d['rejected_on'])}决定不予受理。")
        elif d["status"] == "withdrawn":
            remarks.append(f"申请人于{_chinese(d['withdrawn_on'])}撤回申请。")
        elif d["status"] != "archived":
            remarks.append(f"本案尚未归档（当前状态：{status_label(d['status'])}），本卷收入截至"
                           f"{_chinese(self.ws.today().isoformat())}的办理材料。")
        for reopening in d["reopenings"]:
            remarks.append(f"本案曾于{_chinese(reopening['reopened_on'])}重新打开，理由：{reopening['reason']}。")
        return VolumeCover(
            title=f"{d['applicant']['name']}容错免责申请办理材料",
            unit=self.office["organ_name"] or self.author,
            volume_number=str(record.get("volume_number") or "")
            or default_volume_number(self.office["code_prefix"] or "", d["number"]),
            case_number=d["number"],
            retention=str(record.get("retention_period") or "") or DEFAULT_RETENTION,
            classification=str(record.get("classification") or ""),
            compiled_on=_day(record.get("archived_on")) or self.ws.today(),
            generated_on=self.ws.today(),
            remarks=remarks,
        )


def _chinese(value: str) -> str:
    d = date.fromisoformat(value)
    return f"{d.year}年{d.month}月{d.day}日"


def _title(document: Document, fallback: str) -> str:
    """The document's own title (its 标题 or form title), on one line."""
    from documents.model import Paragraph

    for block in document.blocks:
        if isinstance(block, Paragraph) and block.role in ("title", "form_title") and block.text.strip():
            return "".join(block.text.replace("\u200b", "").split())
    return fallback
