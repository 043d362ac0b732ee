"""The procedure's actions on a registered case. Each one: check the status and every field first,
then change the case in one transaction with one audit record. A refused action changes nothing."""
from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import peewee
from playhouse.shortcuts import model_to_dict

from core import validation as v
from core import workflow
from core.errors import ActionRefused, NotFound, UserError, ValidationError
from core.policy import Policy
from core.services.deadline_refresh import DEADLINE_FIELDS, apply_deadlines, extension_days
from core.services.workspace import Workspace
from models.base import now
from models.case import Applicant, Case
from models.procedure import (
    ArchiveRecord,
    Delivery,
    Determination,
    Evidence,
    EvidenceFile,
    ExpertAssessment,
    Extension,
    InvestigationNote,
    InvestigationReport,
    Reopening,
    Suspension,
)

RECIPIENTS = {"organ": "问责实施机关", "applicant": "申请单位或个人"}
SUSPENSION_MODES = {"self": "本机关暂缓追责", "notice": "通知有关部门暂缓追责"}
CLUE_SCOPES = {"single": "单一问题线索", "other": "另有其他问题线索"}
ASSESSMENT_KINDS = {"expert": "专家讨论评估", "department": "有关部门评估"}

CASE_FIELDS_AUDITED = ("status", "accepted_on", "rejected_on", "rejection_reason", "withdrawn_on",
                       "withdrawal_reason", "late_reason", *DEADLINE_FIELDS, "deadlines_estimated")


@dataclass
class ActionResult:
    number: str
    status: str
    record_id: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    policy: Policy
    files_dir: Path


@dataclass
class Step:
    """What a prepared action will write: the case's new fields and a record to create."""

    case_fields: dict[str, Any] = field(default_factory=dict)
    record: Any = None   # an unsaved model instance
    after_save: Callable[[Any], None] | None = None
    warnings: list[str] = field(default_factory=list)


def find_case(number: str) -> Case:
    case = Case.get_or_none((Case.number == number) | (Case.uuid == number))
    if case is None:
        raise NotFound(f"没有找到编号为 {number} 的案件")
    return case


def _latest(model: Any, case: Case, date_field: str) -> Any:
    column = getattr(model, date_field)
    return model.select().where(model.case == case).order_by(column.desc(), model.id.desc()).first()


def _last_date(model: Any, case: Case, date_field: str) -> date | None:
    row = _latest(model, case, date_field)
    return getattr(row, date_field) if row else None


# --- one preparer per action: validate fields against the case, return the Step -------------------

def _accept(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    late_reason = v.optional_text(f.get("late_reason"), "late_reason", "逾期申请予以受理的理由", max_length=1000)
    if case.late_application and not late_reason:
        raise ValidationError("late_reason", f"申请已逾期（应在 {case.application_due} 前提出），"
                                             "受理时须说明予以受理的理由")
    mode = v.check_choice(f.get("suspension") or ("self" if case.accountability_by_self else "notice"),
                          "suspension", "暂缓追责方式（self 本机关 / notice 通知有关部门）", list(SUSPENSION_MODES))
    scope = v.check_choice(f.get("clues") or "single", "clues", "问题线索（single 单一 / other 另有其他）",
                           list(CLUE_SCOPES))
    other = v.optional_text(f.get("other_clues"), "other_clues", "其他问题线索情况", max_length=2000)
    if scope == "other" and not other:
        raise ValidationError("other_clues", "另有其他问题线索的，请填写其他线索及继续调查的情况")
    notified = ""
    if mode == "notice":
        notified = v.optional_text(f.get("notified_department"), "notified_department", "通知暂缓追责的部门",
                                   max_length=100) or case.accountability_organ
    suspension = Suspension(case=case, suspended_on=on, mode=mode, notified_department=notified,
                            clue_scope=scope, other_clues=other)
    return Step({"accepted_on": on, "late_reason": late_reason}, suspension)


def _reject(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    reason = v.require_text(f.get("reason"), "reason", "不予受理的理由", max_length=2000)
    return Step({"rejected_on": on, "rejection_reason": reason})


def _withdraw(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    reason = v.optional_text(f.get("reason"), "reason", "撤回理由", max_length=2000) or "申请人撤回申请"
    return Step({"withdrawn_on": on, "withdrawal_reason": reason})


def _extend(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    days = v.parse_int(f.get("days"), "days", "延长的工作日数", minimum=1, maximum=ctx.policy.verification_limit_days)
    already = extension_days(case)
    workflow.check_extension(ctx.policy, already, days)
    at_limit = already + days == ctx.policy.max_extension_days()
    warnings = [f"核实期限已延至最长的 {ctx.policy.verification_limit_days} 个工作日，不能再延长"] if at_limit else []
    return Step(warnings=warnings, record=Extension(
        case=case, approved_on=on, days=days,
        reason=v.require_text(f.get("reason"), "reason", "延长理由", max_length=2000),
        approver=v.require_text(f.get("approver"), "approver", "批准人", max_length=50)))


def _note(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    return Step(record=InvestigationNote(
        case=case, held_on=on,
        text=v.require_text(f.get("text"), "text", "笔录内容", max_length=50000),
        place=v.optional_text(f.get("place"), "place", "地点", max_length=100),
        interviewers=v.optional_text(f.get("interviewers"), "interviewers", "谈话（调查）人", max_length=100),
        recorder=v.optional_text(f.get("recorder"), "recorder", "记录人", max_length=50),
        interviewee=v.optional_text(f.get("interviewee"), "interviewee", "被谈话（调查）人", max_length=100)))


def _evidence(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    paths = [Path(p) for p in _as_list(f.get("files"))]
    for path in paths:
        if not path.is_file():
            raise ValidationError("files", f"找不到要附加的文件：{path}")
    record = Evidence(
        case=case, received_on=on,
        title=v.require_text(f.get("title"), "title", "证据材料名称", max_length=200),
        source=v.optional_text(f.get("source"), "source", "材料来源", max_length=200),
        pages=v.parse_int(f.get("pages") or 0, "pages", "页数", minimum=0, maximum=100000),
        description=v.optional_text(f.get("description"), "description", "说明", max_length=5000))
    return Step(record=record, after_save=lambda saved: _attach_files(saved, paths, ctx.files_dir))


def _expert(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    return Step(record=ExpertAssessment(
        case=case, held_on=on,
        kind=v.check_choice(f.get("kind") or "expert", "kind", "评估方式（expert 专家 / department 部门）",
                            list(ASSESSMENT_KINDS)),
        participants=v.require_text(f.get("participants"), "participants", "参加评估的专家或部门", max_length=1000),
        opinion=v.require_text(f.get("opinion"), "opinion", "评估意见", max_length=20000)))


def _numbered_texts(f: dict[str, Any], key: str, prefix: str, allowed: tuple[int, ...], label: str) -> dict[str, str]:
    """Per-item texts given as a JSON object under ``key`` or as ``prefix.N=text`` settings."""
    raw: dict[str, Any] = dict(f.get(key) or {})
    raw.update({name[len(prefix) + 1:]: text for name, text in f.items() if name.startswith(prefix + ".")})
    result: dict[str, str] = {}
    for no, text in raw.items():
        n = v.parse_int(no, key, f"{label}的编号", minimum=min(allowed), maximum=max(allowed))
        result[str(n)] = v.require_text(text, key, f"{label}第{n}项", max_length=10000)
    return result


def _report(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    exclusions: list[int] = []
    if f.get("exclusions") not in (None, "", []):
        exclusions = v.parse_int_list(f["exclusions"], "exclusions", "不得容错情形",
                                      minimum=min(ctx.policy.exclusion_numbers), maximum=max(ctx.policy.exclusion_numbers))
    proposal = v.require_text(f.get("proposal"), "proposal", "拟认定意见", max_length=16)
    workflow.check_outcome(ctx.policy, proposal, exclusions)
    late = [f"调查报告晚于期限 {case.report_due} 出具，请在报告中说明原因"] if case.report_due and on > case.report_due else []
    return Step(warnings=late, record=InvestigationReport(
        case=case, reported_on=on, exclusions=exclusions, proposal=proposal,
        findings=v.require_text(f.get("findings"), "findings", "查明的事实", max_length=50000),
        situation_analysis=_numbered_texts(f, "situation_analysis", "analysis", ctx.policy.situation_numbers,
                                           "对照容错情形的分析"),
        distinctions=_numbered_texts(f, "distinctions", "distinction", tuple(d.no for d in ctx.policy.distinctions),
                                     "“三个区分开来”的分析")))


def _determine(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    report = _latest(InvestigationReport, case, "reported_on")
    outcome = v.require_text(f.get("outcome"), "outcome", "认定结果", max_length=16)
    workflow.check_outcome(ctx.policy, outcome, list(report.exclusions) if report else [])
    late = [f"认定晚于下发认定书期限 {case.letter_due}"] if case.letter_due and on > case.letter_due else []
    return Step(warnings=late, record=Determination(
        case=case, determined_on=on, outcome=outcome,
        reasoning=v.require_text(f.get("reasoning"), "reasoning", "认定理由", max_length=20000),
        approver=v.require_text(f.get("approver"), "approver", "审批人", max_length=50)))


def _deliver(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    recipient = v.check_choice(f.get("to"), "to", "送达对象（organ 问责实施机关 / applicant 申请人）", list(RECIPIENTS))
    # A reopened case may record a delivery again (a corrected or repeated service of the letter).
    since = max(d for d in (_last_date(Determination, case, "determined_on"),
                            _last_date(Reopening, case, "reopened_on")) if d is not None)
    already = Delivery.select().where((Delivery.case == case) & (Delivery.recipient == recipient)
                                      & (Delivery.delivered_on >= since)).exists()
    if already:
        raise ActionRefused(f"认定书已登记送达{RECIPIENTS[recipient]}，无需重复登记")
    default_name = case.accountability_organ if recipient == "organ" else Applicant.get(Applicant.case == case).name
    return Step(record=Delivery(
        case=case, recipient=recipient, delivered_on=on,
        recipient_name=v.optional_text(f.get("recipient_name"), "recipient_name", "受送达人", max_length=100)
        or default_name,
        method=v.optional_text(f.get("method"), "method", "送达方式", max_length=50) or "直接送达",
        receipt=v.optional_text(f.get("receipt"), "receipt", "回执（签收人或回证编号）", max_length=200)))


def _archive(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    determined_on = _last_date(Determination, case, "determined_on")
    delivered = {d.recipient for d in Delivery.select().where(
        (Delivery.case == case) & (Delivery.delivered_on >= determined_on))}
    missing = [label for code, label in RECIPIENTS.items() if code not in delivered]
    if missing:
        raise ActionRefused(f"认定书尚未送达{'和'.join(missing)}，不能归档；请先登记送达")
    return Step(record=ArchiveRecord(
        case=case, archived_on=on,
        volume_number=v.optional_text(f.get("volume_number"), "volume_number", "卷号", max_length=50),
        retention_period=v.optional_text(f.get("retention_period"), "retention_period", "保管期限",
                                         max_length=20) or "永久",
        classification=v.optional_text(f.get("classification"), "classification", "密级", max_length=20)))


def _reopen(case: Case, on: date, f: dict[str, Any], ctx: Context) -> Step:
    reason = v.require_text(f.get("reason"), "reason", "重新打开的理由", max_length=2000)
    target = workflow.next_status(case.status, "reopen")
    fields: dict[str, Any] = {}
    if case.status == "rejected":
        fields = {"rejected_on": None, "rejection_reason": ""}
    elif case.status == "withdrawn":
        fields = {"withdrawn_on": None, "withdrawal_reason": "", "accepted_on": None}
    return Step(fields, Reopening(case=case, reopened_on=on, reason=reason, from_status=case.status,
                                  to_status=target))


PREPARERS: dict[str, Callable[[Case, date, dict[str, Any], Context], Step]] = {
    "accept": _accept, "reject": _reject, "withdraw": _withdraw, "extend": _extend, "note": _note,
    "evidence": _evidence, "expert": _expert, "report": _report, "determine": _determine,
    "deliver": _deliver, "archive": _archive, "reopen": _reopen,
}


def _earliest_allowed(case: Case, action: str) -> tuple[date | None, str]:
    """The date an action may not precede, with the Chinese name of that event.

    Nothing done after a reopening may be dated before it (e.g. archiving a reopened case again)."""
    earliest, label = _preceding_event(case, action)
    if action != "reopen":
        reopened = _last_date(Reopening, case, "reopened_on")
        if reopened and (earliest is None or reopened > earliest):
            return reopened, "重新打开日期"
    return earliest, label


def _preceding_event(case: Case, action: str) -> tuple[date | None, str]:
    if action in ("accept", "reject", "withdraw"):
        return case.received_on, "收到申请日期"
    if action in ("extend", "note", "evidence", "expert", "report"):
        return case.accepted_on, "受理日期"
    if action == "determine":
        return _last_date(InvestigationReport, case, "reported_on"), "调查报告日期"
    if action == "deliver":
        return _last_date(Determination, case, "determined_on"), "认定日期"
    if action == "archive":
        return _last_date(Delivery, case, "delivered_on"), "送达日期"
    # reopen: not before the event that closed the case
    closed = {"archived": _last_date(ArchiveRecord, case, "archived_on"),
              "rejected": case.rejected_on, "withdrawn": case.withdrawn_on}[case.status]
    return closed, "办结日期"


class _DryRunDone(Exception):
    def __init__(self, result: ActionResult) -> None:
        super().__init__("dry run")
        self.result = result


def check_action(ws: Workspace, number: str, action: str, on: date | str | None = None,
                 fields: dict[str, Any] | None = None) -> ActionResult:
    """Everything ``perform_action`` checks, with its warnings, but nothing is kept: the GUI's
    forms ask this as the officer types, so they apply exactly the rules the action will."""
    try:
        perform_action(ws, number, action, on, fields, dry_run=True)
    except _DryRunDone as done:
        return done.result
    raise AssertionError("a dry run always rolls back")   # pragma: no cover


def perform_action(ws: Workspace, number: str, action: str, on: date | str | None = None,
                   fields: dict[str, Any] | None = None, *, dry_run: bool = False) -> ActionResult:
    """Carry out one action of the procedure on a case, or refuse it and change nothing."""
    fields = dict(fields or {})
    if action not in PREPARERS:
        raise UserError(f"未知的操作“{action}”。可用的操作：{'、'.join(PREPARERS)}")
    with ws.change():
        case = find_case(number)
        workflow.check_allowed(case.status, action)
        earliest, earliest_label = _earliest_allowed(case, action)
        on_date = v.parse_date(on or ws.today(), "date", f"{workflow.ACTION_LABELS[action]}日期", today=ws.today(),
                               not_before=(earliest, earliest_label) if earliest else None)
        step = PREPARERS[action](case, on_date, fields, Context(ws.policy(case.policy_id), ws.files_dir))
        before = {name: _plain(getattr(case, name)) for name in CASE_FIELDS_AUDITED}
        for name, value in step.case_fields.items():
            setattr(case, name, value)
        case.status = workflow.next_status(case.status, action)
        if step.record is not None:
            step.record.save(force_insert=True)
            if step.after_save and not dry_run:
                step.after_save(step.record)
        apply_deadlines(ws, case)
        case.updated_at = now()
        case.save()
        # Every change to a case passes here: re-index it in the same transaction (a note adds text;
        # a refused action rolls this back with everything else).
        ws.adapter.index_cases([case.id])
        after = {name: _plain(getattr(case, name)) for name in CASE_FIELDS_AUDITED}
        changed_before = {k: b for k, b in before.items() if after[k] != b}
        changed_after = {k: a for k, a in after.items() if before[k] != a}
        if step.record is not None:
            changed_after[step.record._meta.table_name] = _record_dict(step.record)
        ws.record(action, case.uuid, step.record._meta.table_name if step.record is not None else "case",
                  changed_before or None, changed_after)
        if dry_run:   # leaving the block with an exception rolls the transaction back
            raise _DryRunDone(ActionResult(case.number, case.status, None, step.warnings))
    return ActionResult(case.number, case.status, step.record.id if step.record is not None else None,
                        step.warnings)


def _record_dict(record: peewee.Model) -> dict[str, Any]:
    data = model_to_dict(record, recurse=False)
    data.pop("case", None)
    data.pop("created_at", None)
    return {k: _plain(x) for k, x in data.items()}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(x) for x in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _attach_files(evidence: peewee.Model, paths: list[Path], files_dir: Path) -> None:
    for path in paths:
        digest, size = store_file(path, files_dir)
        EvidenceFile.create(evidence=evidence, original_name=path.name, sha256=digest, size=size)


def stored_file_path(files_dir: Path, digest: str) -> Path:
    return files_dir / digest[:2] / digest


def store_file(path: Path, files_dir: Path) -> tuple[str, int]:
    """Copy a file into the store under its SHA-256 (once per content), durably."""
    sha = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            sha.update(block)
    digest = sha.hexdigest()
    target = stored_file_path(files_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
        shutil.copyfile(path, tmp)
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    return digest, target.stat().st_size
