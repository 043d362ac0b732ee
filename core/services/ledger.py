"""The 台账: every case on one line of an XLSX workbook, ready to print.

One row per case, oldest case number first, with its dates (received, accepted, report,
determination, deliveries, archive), its deadlines (report and letter), status, outcome, cadres and
their units, the applicant, the accountability matter, the tolerance situations applied for, and
whether the case is overdue now (the same test as the case list: ``case_view.active_deadline``) and
whether its deadlines rest on an estimated holiday calendar.

Which record a column shows when a case has several: the latest investigation report and the
latest determination (the one in force after a reopening); a delivery only if made on or after that
determination (as ``case_details`` counts it); the archive date only while the case is archived
(a reopened case says so under 备注, as do a rejection or withdrawal with its date, a late
application, and a report or determination made after its deadline).

Built for 100,000 cases: the cases are read with one streaming query, and everything else about
them (cadres, reports, determinations, deliveries, archive records, reopenings) with one query per
table joined to the same filter, all inside one read transaction so the ledger is one consistent
snapshot; rows go straight to an openpyxl write-only workbook, one styled cell per column reused
for every row. Nothing is built case by case with ``case_details``. (100,000 cases take about half
a minute, most of it openpyxl's; see docs/performance.md.)

The sheet prints on A4 landscape, fitted to the page width, the header row repeated on every page,
with page numbers in the footer; the title row and the header stay in view when scrolling (frozen
panes), and the header has an auto-filter. Dates are real Excel dates (``yyyy-mm-dd``).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from core import validation as v
from core import workflow
from core.deadlines import OVERDUE
from core.errors import UserError, ValidationError
from core.policy import Policy
from core.services.case_view import active_deadline
from core.services.workspace import Workspace
from models.case import Applicant, Cadre, Case, CaseCadre
from models.procedure import ArchiveRecord, Delivery, Determination, InvestigationReport, Reopening

SHEET_TITLE = "案件台账"
DATE_FORMAT = "yyyy-mm-dd"
case_pk: Any = Case.id


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float          # Excel column width (characters of the default font)
    kind: str = "text"    # text | wrap | date | center | int


# The columns, in order. Widths are set for 10-point 宋体: long texts wrap inside their column; a
# header longer than its column is broken by hand where it reads well.
COLUMNS: tuple[Column, ...] = (
    Column("index", "序号", 6, "int"),
    Column("number", "案件编号", 9.5, "center"),
    Column("status", "状态", 8.5, "center"),
    Column("applicant", "申请人", 14, "wrap"),
    Column("cadres", "涉及干部", 9, "wrap"),
    Column("units", "干部单位", 15.5, "wrap"),
    Column("matter", "追责事项", 17.5, "wrap"),
    Column("situations", "申请适用的容错情形", 24, "wrap"),
    Column("received_on", "收到申请", 10.2, "date"),
    Column("accepted_on", "受理", 10.2, "date"),
    Column("report_due", "调查报告\n期限", 10.2, "date"),
    Column("reported_on", "出具调查\n报告", 10.2, "date"),
    Column("letter_due", "认定书期限", 10.2, "date"),
    Column("determined_on", "认定", 10.2, "date"),
    Column("outcome", "认定结果", 8.3, "center"),
    Column("delivered_organ", "送达问责\n实施机关", 10.2, "date"),
    Column("delivered_applicant", "送达申请人", 10.2, "date"),
    Column("archived_on", "归档", 10.2, "date"),
    Column("overdue", "超期", 4.8, "center"),
    Column("estimated", "期限\n估算", 4.8, "center"),
    Column("remarks", "备注", 15.5, "wrap"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
HEADER_ROW = 2            # row 1 is the title
FIRST_DATA_ROW = HEADER_ROW + 1
FREEZE_AT = f"C{FIRST_DATA_ROW}"    # title, header, 序号 and 案件编号 stay in view


@dataclass(frozen=True)
class LedgerResult:
    rows: int             # cases written
    path: Path


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 23 → 二十三 (1–99; other numbers as digits)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def situation_label(policy: Policy, no: int) -> str:
    """A tolerance situation as officers cite it: ``（四）容缺受理容缺审查``."""
    short = next((s.short for s in policy.situations if s.no == no), "")
    return f"（{chinese_number(no)}）{short}" if short else f"（{chinese_number(no)}）"


def ledger_title(ws: Workspace, as_of: date | None = None) -> str:
    organ = ws.office().organ_name.strip()
    return f"{organ}容错免责案件台账（截至 {(as_of or ws.today()).isoformat()}）"


def _filters(status: str | None, received_from: date | str | None,
             received_to: date | str | None) -> tuple[str | None, date | None, date | None]:
    if status:
        by_label = {label: code for code, label in workflow.STATUS_LABELS.items()}
        status = by_label.get(status.strip(), status.strip())
        choices = [f"{code}（{label}）" for code, label in workflow.STATUS_LABELS.items()]
        if status not in workflow.STATUS_LABELS:
            raise ValidationError("status", f"案件状态“{status[:20]}”不是可选项，请从以下选择：{'、'.join(choices)}")
    first = v.parse_date(received_from, "received_from", "收到申请日期（起）", allow_future=True) \
        if received_from else None
    last = v.parse_date(received_to, "received_to", "收到申请日期（止）", allow_future=True) if received_to else None
    if first and last and last < first:
        raise ValidationError("received_to", f"收到申请日期（止）{last.isoformat()} 早于（起）{first.isoformat()}，请核对")
    return status or None, first, last


def describe_filters(status: str | None, received_from: date | None, received_to: date | None) -> str:
    """The filters in words, for the sheet's title (empty when the ledger has every case)."""
    parts = []
    if status:
        parts.append(f"状态：{workflow.status_label(status)}")
    if received_from and received_to:
        parts.append(f"收到申请日期：{received_from.isoformat()} 至 {received_to.isoformat()}")
    elif received_from:
        parts.append(f"收到申请日期：{received_from.isoformat()} 起")
    elif received_to:
        parts.append(f"收到申请日期：至 {received_to.isoformat()}")
    return "；".join(parts)


def _conditions(status: str | None, first: date | None, last: date | None) -> list[Any]:
    conditions = []
    if status:
        conditions.append(Case.status == status)
    if first:
        conditions.append(Case.received_on >= first)
    if last:
        conditions.append(Case.received_on <= last)
    return conditions


def _case_query(conditions: list[Any]) -> Any:
    query = (Case.select(case_pk, Case.number, Case.year, Case.seq, Case.status, Case.policy_id, Case.received_on,
                         Case.accepted_on, Case.rejected_on, Case.withdrawn_on, Case.report_due, Case.letter_due,
                         Case.deadlines_estimated, Case.late_application, Case.situations, Case.accountability_matter,
                         Applicant.name.alias("applicant_name"))
             .join(Applicant, on=(Applicant.case == case_pk)))
    if conditions:
        query = query.where(*conditions)
    return query.order_by(Case.year, Case.seq)


@dataclass
class _Related:
    """What the ledger's cases have beside the case row, by case id."""

    cadres: dict[int, list[tuple[str, str]]]                 # (name, unit) in registration order
    reported: dict[int, date]                                # latest report
    determined: dict[int, tuple[date, str]]                  # latest determination: date, outcome code
    delivered: dict[int, dict[str, date]]                    # recipient → latest delivery since it
    archived: dict[int, date]                                # latest archive record
    reopened: dict[int, list[date]]


def _related(conditions: list[Any]) -> _Related:
    """Everything else the ledger shows, for every case matching ``conditions``: one query per table,
    joined to the cases with the same filter (no list of ids to send)."""

    def of_cases(query: Any) -> Any:
        query = query.join(Case, on=(query.model.case == case_pk))
        return query.where(*conditions) if conditions else query

    rel = _Related({}, {}, {}, {}, {}, {})
    rows: Any = of_cases(CaseCadre.select(CaseCadre.case, Cadre.name, CaseCadre.unit).join(Cadre).switch(CaseCadre)) \
        .order_by(CaseCadre.id).tuples()
    for case_id, name, unit in rows:
        rel.cadres.setdefault(case_id, []).append((name, unit))
    rows = of_cases(InvestigationReport.select(InvestigationReport.case, InvestigationReport.reported_on)) \
        .order_by(InvestigationReport.reported_on, InvestigationReport.id).tuples()
    for case_id, on in rows:
        rel.reported[case_id] = on
    rows = of_cases(Determination.select(Determination.case, Determination.determined_on, Determination.outcome)) \
        .order_by(Determination.determined_on, Determination.id).tuples()
    for case_id, on, outcome in rows:
        rel.determined[case_id] = (on, outcome)
    rows = of_cases(Delivery.select(Delivery.case, Delivery.recipient, Delivery.delivered_on)) \
        .order_by(Delivery.delivered_on, Delivery.id).tuples()
    for case_id, recipient, on in rows:
        determination = rel.determined.get(case_id)
        if determination and on >= determination[0]:
            rel.delivered.setdefault(case_id, {})[recipient] = on
    rows = of_cases(ArchiveRecord.select(ArchiveRecord.case, ArchiveRecord.archived_on)) \
        .order_by(ArchiveRecord.archived_on, ArchiveRecord.id).tuples()
    for case_id, on in rows:
        rel.archived[case_id] = on
    rows = of_cases(Reopening.select(Reopening.case, Reopening.reopened_on)) \
        .order_by(Reopening.reopened_on, Reopening.id).tuples()
    for case_id, on in rows:
        rel.reopened.setdefault(case_id, []).append(on)
    return rel


def ledger_rows(ws: Workspace, *, status: str | None = None, received_from: date | str | None = None,
                received_to: date | str | None = None) -> Iterator[dict[str, Any]]:
    """The ledger's rows as plain data, keyed by ``COLUMN_KEYS`` (dates as ``date``, flags as
    ``bool``), oldest case number first. Filters as ``write_ledger``. A generator: run it inside a
    read transaction (``write_ledger`` does) for one consistent snapshot."""
    status, first, last = _filters(status, received_from, received_to)
    yield from _rows(ws, status, first, last)


def count_ledger_rows(status: str | None, first: date | None, last: date | None) -> int:
    conditions = _conditions(status, first, last)
    query = Case.select(case_pk)
    return int((query.where(*conditions) if conditions else query).count())


def _rows(ws: Workspace, status: str | None, first: date | None, last: date | None) -> Iterator[dict[str, Any]]:
    conditions = _conditions(status, first, last)
    rel = _related(conditions)
    policies: dict[str, Policy] = {}
    for index, case in enumerate(_case_query(conditions).objects().iterator(), start=1):
        policy = policies.get(case.policy_id) or policies.setdefault(case.policy_id, ws.policy(case.policy_id))
        yield _row(ws, policy, case, rel, index)


def _row(ws: Workspace, policy: Policy, case: Any, rel: _Related, index: int) -> dict[str, Any]:
    cid = case.id
    cadres = rel.cadres.get(cid, [])
    determination = rel.determined.get(cid)
    delivered = rel.delivered.get(cid, {})
    reported_on = rel.reported.get(cid)
    active = active_deadline(ws, case, set(delivered))
    overdue = bool(active and active.state == OVERDUE)
    outcome = ""
    if determination:
        try:
            outcome = policy.outcome(determination[1]).label
        except KeyError:
            outcome = determination[1]
    remarks = []
    if case.rejected_on:
        remarks.append(f"{case.rejected_on.isoformat()} 不予受理")
    if case.withdrawn_on:
        remarks.append(f"{case.withdrawn_on.isoformat()} 撤回申请")
    if case.late_application:
        remarks.append("逾期申请")
    if overdue and active:
        remarks.append("已超过出具调查报告期限" if active.name == "report_due" else "已超过下发认定书期限")
    if reported_on and case.report_due and reported_on > case.report_due:
        remarks.append("调查报告晚于期限出具")
    if determination and case.letter_due and determination[0] > case.letter_due:
        remarks.append("认定晚于期限作出")
    remarks += [f"{on.isoformat()} 重新打开" for on in rel.reopened.get(cid, [])]
    return {
        "index": index,
        "number": case.number,
        "status": workflow.status_label(case.status),
        "applicant": case.applicant_name,
        "cadres": "、".join(name for name, _unit in cadres),
        "units": "、".join(dict.fromkeys(unit for _name, unit in cadres if unit)),
        "matter": case.accountability_matter,
        "situations": "\n".join(situation_label(policy, int(n)) for n in case.situations or []),   # one a line
        "received_on": case.received_on,
        "accepted_on": case.accepted_on,
        "report_due": case.report_due,
        "reported_on": reported_on,
        "letter_due": case.letter_due,
        "determined_on": determination[0] if determination else None,
        "outcome": outcome,
        "delivered_organ": delivered.get("organ"),
        "delivered_applicant": delivered.get("applicant"),
        "archived_on": rel.archived.get(cid) if case.status == "archived" else None,
        "overdue": overdue,
        "estimated": bool(case.deadlines_estimated),
        "remarks": "；".join(remarks),
    }


# --- the workbook ---------------------------------------------------------------------------------

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000


def write_ledger(ws: Workspace, out: Path, *, status: str | None = None, received_from: date | str | None = None,
                 received_to: date | str | None = None, progress: Progress | None = None) -> LedgerResult:
    """Write the ledger of every case (or those with ``status`` and received within the dates given,
    inclusive) to ``out`` (``.xlsx``), atomically: a file already there is replaced only once the
    new one is complete. ``progress(done, total)`` is called every ``PROGRESS_EVERY`` rows and at
    the end, in the calling thread."""
    out = Path(out).expanduser()
    if out.is_dir():
        raise UserError(f"输出位置 {out} 是一个文件夹，请给出文件名")
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"台账文件名应以 .xlsx 结尾：{out.name}")
    status, first, last = _filters(status, received_from, received_to)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建文件夹 {out.parent}：{exc.strerror or exc}") from None
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with ws.adapter.db.atomic():         # one snapshot of the database for the whole ledger
            total = count_ledger_rows(status, first, last) if progress else 0
            count = _write_workbook(tmp, ledger_title(ws), describe_filters(status, first, last),
                                    _rows(ws, status, first, last), progress, total)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"无法写入 {out}：{exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return LedgerResult(count, out)


# Row heights. Spreadsheet programs do not agree on growing a row to fit wrapped text (LibreOffice
# keeps the default height of a row written without one), so each row gets the height its longest
# wrapped cell needs, measured as 10-point 宋体 sets it: a 汉字 or full-width sign is one em (10 pt,
# 13.3 px at 96 dpi), other characters half an em; a column ``width`` wide is ``7 × width + 5`` px.
LINE_PT = 13.5            # one line of 10-point text
ROW_PAD_PT = 4.5
_HALF_EM_PX = 10 * 96 / 72 / 2
_CELL_PAD_PX = 4


def _capacity(width: float) -> int:
    """Half-em units that fit on one line of a column ``width`` wide."""
    return max(2, int((width * 7 + 5 - _CELL_PAD_PX) / _HALF_EM_PX))


def _lines(text: object, capacity: int) -> int:
    """Lines ``text`` wraps to in a column of ``capacity`` half-em units."""
    if not text:
        return 1
    total = 0
    for part in str(text).split("\n"):
        # GBK spends two bytes on a 汉字 or full-width sign and one on ASCII: the width in half-ems,
        # counted at C speed. A line wastes up to one unit where a 汉字 does not fit at its end.
        units = len(part.encode("gbk", errors="replace"))
        total += max(1, -(-units // (capacity - 1)))
    return total


def _write_workbook(path: Path, title: str, filters: str, rows: Iterator[dict[str, Any]],
                    progress: Progress | None, total: int) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook(write_only=True)
    sheet: Any = wb.create_sheet(SHEET_TITLE)
    last_col = get_column_letter(len(COLUMNS))
    for i, col in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = col.width

    # Printing: A4 landscape, fitted to the page width, as many pages down as it takes, header on each.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"          # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = 0.5
    sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = 0.2
    sheet.page_margins.footer = 0.25
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.freeze_panes = FREEZE_AT
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.size = 9

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name="宋体", size=10)

    def cell(value: Any = None, *, font: Any = body_font, horizontal: str = "left", wrap: bool = False,
             number_format: str | None = None, fill: Any = None, bordered: bool = True) -> Any:
        c = WriteOnlyCell(sheet, value)
        c.font = font
        c.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
        if bordered:
            c.border = border
        if number_format:
            c.number_format = number_format
        if fill is not None:
            c.fill = fill
        return c

    sheet.sheet_format.defaultRowHeight = LINE_PT + ROW_PAD_PT
    sheet.sheet_format.customHeight = True
    # Row 1: the title, across every column.
    title_text = f"{title}\n{filters}" if filters else title
    sheet.row_dimensions[1].height = 46 if filters else 32
    sheet.merged_cells.add(f"A1:{last_col}1")
    sheet.append([cell(title_text, font=Font(name="黑体", size=16), horizontal="center", wrap=True,
                       bordered=False)])
    # Row 2: the header.
    sheet.row_dimensions[HEADER_ROW].height = 30
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    sheet.append([cell(col.header, font=Font(name="黑体", size=10), horizontal="center", wrap=True, fill=header_fill)
                  for col in COLUMNS])

    # One styled cell per column, reused for every row: the write-only sheet serialises a row as it
    # is appended, and a cell passed in is written as it is (a fresh cell per value would cost 2.3
    # million style look-ups on 100,000 cases).
    templates = []
    for col in COLUMNS:
        if col.kind == "date":
            templates.append(cell(horizontal="center", number_format=DATE_FORMAT))
        elif col.kind in ("center", "int"):
            templates.append(cell(horizontal="center"))
        else:
            templates.append(cell(wrap=col.kind == "wrap"))
    flags = {"overdue", "estimated"}
    wrapped = [(col.key, _capacity(col.width)) for col in COLUMNS if col.kind == "wrap"]
    dims = sheet.row_dimensions
    count = 0
    for row in rows:
        lines = max(_lines(row[key], capacity) for key, capacity in wrapped)
        row_number = FIRST_DATA_ROW + count
        if lines > 1:
            dims[row_number].height = lines * LINE_PT + ROW_PAD_PT
        values = []
        for col, template in zip(COLUMNS, templates, strict=True):
            value = row[col.key]
            if col.key in flags:
                value = "是" if value else None
            elif value == "":
                value = None
            elif isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            template.value = value
            if template.data_type in ("f", "e"):
                template.data_type = "s"    # text such as "=…" or "#N/A" stays text, never a formula
            values.append(template)
        sheet.append(values)
        dims.pop(row_number, None)      # written: keep memory flat on 100,000 rows
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, max(total, count))
    if count:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{HEADER_ROW + count}"
    sheet.oddFooter.left.text = f"共 {count} 件"
    sheet.oddFooter.left.size = 9
    wb.save(str(path))
    if progress:
        progress(count, max(total, count))
    return count
