"""Cases as plain data for the CLI's JSON, the GUI's forms and, later, the letters."""
from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from playhouse.shortcuts import model_to_dict

from core import workflow
from core.calendar import SOURCE_LABELS
from core.deadlines import OVERDUE, DeadlineState, deadline_state
from core.errors import NotFound
from core.services.actions import ASSESSMENT_KINDS, RECIPIENTS, find_case, stored_file_path
from core.services.workspace import Workspace
from models.case import Applicant, Cadre, Case, CaseCadre
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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def active_deadline(ws: Workspace, case: Case, delivered: set[str] | None = None) -> DeadlineState | None:
    """The deadline the office is working against now: the report while investigating, the letter
    from the report until it has reached both recipients."""
    if case.status == "investigating" and case.report_due:
        name, due = "report_due", case.report_due
    elif case.status in ("reported", "determined") and case.letter_due:
        if case.status == "determined" and delivered is not None and set(RECIPIENTS) <= delivered:
            return None
        name, due = "letter_due", case.letter_due
    else:
        return None
    return deadline_state(ws.policy(case.policy_id), ws.calendar, name, due, ws.today())


def _deadline_json(state: DeadlineState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {"name": state.name, "due": state.due.isoformat(), "workdays_left": state.workdays_left,
            "state": state.state}


def _rows(model: Any, case: Case, order: Any) -> list[dict[str, Any]]:
    return [_clean(model_to_dict(row, recurse=False)) for row in model.select().where(model.case == case)
            .order_by(order, model.id)]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    data.pop("case", None)
    return {k: (v.isoformat(sep=" ") if hasattr(v, "hour") else _iso(v) if isinstance(v, date) else v)
            for k, v in data.items()}


def case_details(ws: Workspace, number: str) -> dict[str, Any]:
    """Everything about one case, with its deadlines and what the officer should be warned of."""
    case = find_case(number)
    policy = ws.policy(case.policy_id)
    applicant = Applicant.get(Applicant.case == case)
    cadres = [
        {"uuid": link.cadre.uuid, "name": link.cadre.name, "gender": link.cadre.gender,
         "birth_date": _iso(link.cadre.birth_date), "id_number": link.cadre.id_number,
         "political_status": link.cadre.political_status, "unit": link.unit, "position": link.position,
         "rank": link.rank, "organ_type": link.organ_type, "staff_type": link.staff_type,
         "management_authority": link.management_authority}
        for link in CaseCadre.select(CaseCadre, Cadre).join(Cadre).where(CaseCadre.case == case)
        .order_by(CaseCadre.id)
    ]
    deliveries = _rows(Delivery, case, Delivery.delivered_on)
    determinations = _rows(Determination, case, Determination.determined_on)
    reports = _rows(InvestigationReport, case, InvestigationReport.reported_on)
    delivered = {d["recipient"] for d in deliveries
                 if not determinations or d["delivered_on"] >= determinations[-1]["determined_on"]}
    active = active_deadline(ws, case, delivered)
    years = ws.calendar.estimated_years(case.accountability_started_on,
                                        max(d for d in (case.application_due, case.report_limit, case.letter_due,
                                                        case.accountability_started_on) if d))
    return {
        "number": case.number,
        "uuid": case.uuid,
        "status": case.status,
        "status_label": workflow.status_label(case.status),
        "policy": policy.id,
        "handled_by": case.handled_by,
        "received_on": _iso(case.received_on),
        "accepted_on": _iso(case.accepted_on),
        "rejected_on": _iso(case.rejected_on),
        "rejection_reason": case.rejection_reason,
        "withdrawn_on": _iso(case.withdrawn_on),
        "withdrawal_reason": case.withdrawal_reason,
        "late_application": case.late_application,
        "late_reason": case.late_reason,
        "statement": case.statement,
        "situations": case.situations,
        "materials": case.materials,
        "accountability": {"organ": case.accountability_organ,
                           "started_on": _iso(case.accountability_started_on),
                           "matter": case.accountability_matter, "by_self": case.accountability_by_self},
        "applicant": _clean(model_to_dict(applicant, recurse=False)) | {"id": None},
        "cadres": cadres,
        "deadlines": {name: _iso(getattr(case, name))
                      for name in ("application_due", "report_due", "report_limit", "letter_due")},
        "active_deadline": _deadline_json(active),
        "overdue": bool(active and active.state == OVERDUE),
        "estimated": case.deadlines_estimated,
        "estimated_years": years,
        "warnings": _warnings(case, active, years, reports, determinations),
        "allowed_actions": workflow.allowed_actions(case.status),
        "suspensions": _rows(Suspension, case, Suspension.suspended_on),
        "extensions": _rows(Extension, case, Extension.approved_on),
        "notes": _rows(InvestigationNote, case, InvestigationNote.held_on),
        "evidence": [row | {"files": [_clean(model_to_dict(f, recurse=False)) | {"evidence": None}
                                      for f in EvidenceFile.select().where(EvidenceFile.evidence == row["id"])]}
                     for row in _rows(Evidence, case, Evidence.received_on)],
        "assessments": [row | {"kind_label": ASSESSMENT_KINDS.get(row["kind"], row["kind"])}
                        for row in _rows(ExpertAssessment, case, ExpertAssessment.held_on)],
        "reports": [row | {"proposal_label": policy.outcome(row["proposal"]).label} for row in reports],
        "determinations": [row | {"outcome_label": policy.outcome(row["outcome"]).label} for row in determinations],
        "deliveries": deliveries,
        "archive": _rows(ArchiveRecord, case, ArchiveRecord.archived_on),
        "reopenings": _rows(Reopening, case, Reopening.reopened_on),
    }


def _warnings(case: Case, active: DeadlineState | None, estimated_years: list[int],
              reports: list[dict[str, Any]], determinations: list[dict[str, Any]]) -> list[str]:
    warnings: list[str] = []
    if estimated_years:
        years = "、".join(str(y) for y in estimated_years)
        warnings.append(f"{years}年尚无官方节假日安排，期限按法定节假日规则估算（{SOURCE_LABELS['estimated']}），"
                        "请在国务院公布安排后导入该年的节假日安排")
    if case.late_application:
        note = f"，受理理由：{case.late_reason}" if case.late_reason else "，受理时须说明理由"
        warnings.append(f"逾期申请：应在 {_iso(case.application_due)} 前提出，{_iso(case.received_on)} 收到{note}")
    if active and active.state == OVERDUE:
        label = "出具调查报告" if active.name == "report_due" else "下发认定书"
        warnings.append(f"已超过{label}期限 {_iso(active.due)}（逾期 {-active.workdays_left} 个工作日）")
    elif active and active.state == "due_soon":
        label = "出具调查报告" if active.name == "report_due" else "下发认定书"
        warnings.append(f"{label}期限 {_iso(active.due)} 临近（还剩 {active.workdays_left} 个工作日）")
    if reports and case.report_due and reports[-1]["reported_on"] > case.report_due.isoformat():
        warnings.append(f"调查报告于 {reports[-1]['reported_on']} 出具，晚于期限 {_iso(case.report_due)}")
    if determinations and case.letter_due and determinations[-1]["determined_on"] > case.letter_due.isoformat():
        warnings.append(f"认定于 {determinations[-1]['determined_on']} 作出，晚于下发认定书期限 {_iso(case.letter_due)}")
    return warnings


def list_query() -> Any:
    """The columns a case list shows, with the applicant's name; callers add filters and order."""
    # Only the columns a list shows: statements and timestamps would cost more than the rest.
    columns = (Case.id, Case.number, Case.year, Case.seq, Case.uuid, Case.status, Case.policy_id, Case.received_on,
               Case.late_application, Case.report_due, Case.letter_due, Case.deadlines_estimated)
    return (Case.select(*columns, Applicant.name.alias("applicant_name"))
            .join(Applicant, on=(Applicant.case == Case.id)))


def list_cases(ws: Workspace, status: str | None = None, overdue_only: bool = False) -> list[dict[str, Any]]:
    """One line per case, newest first; ``overdue_only`` keeps cases past their active deadline."""
    query = list_query().order_by(Case.year.desc(), Case.seq.desc())
    if status:
        query = query.where(Case.status == status)
    if overdue_only:
        today = ws.today()
        query = query.where(((Case.status == "investigating") & (Case.report_due < today))
                            | (Case.status.in_(["reported", "determined"]) & (Case.letter_due < today)))
    return list_rows(ws, list(query.objects().iterator()), overdue_only)


def list_rows(ws: Workspace, cases: list[Any], overdue_only: bool = False) -> list[dict[str, Any]]:
    """List rows for cases fetched with ``list_query``, in the order given."""
    names = _cadre_names([c.id for c in cases])
    delivered = _delivered([c.id for c in cases if c.status == "determined"])
    outcomes = _outcomes([c.id for c in cases if c.status in ("determined", "archived")])
    result = []
    for case in cases:
        active = active_deadline(ws, case, delivered.get(case.id, set()))
        if overdue_only and not (active and active.state == OVERDUE):
            continue
        result.append({
            "number": case.number, "uuid": case.uuid, "status": case.status,
            "status_label": workflow.status_label(case.status), "received_on": _iso(case.received_on),
            "applicant": case.applicant_name, "cadres": names.get(case.id, []),
            "outcome": outcomes.get(case.id), "late_application": case.late_application,
            "active_deadline": _deadline_json(active), "overdue": bool(active and active.state == OVERDUE),
            "estimated": case.deadlines_estimated,
        })
    return result


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _cadre_names(case_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for chunk in _chunks(case_ids):
        rows: Any = (CaseCadre.select(CaseCadre.case, Cadre.name).join(Cadre).where(CaseCadre.case.in_(chunk))
                     .order_by(CaseCadre.id).tuples())
        for case_id, name in rows:
            names.setdefault(case_id, []).append(name)
    return names


def _delivered(case_ids: list[int]) -> dict[int, set[str]]:
    result: dict[int, set[str]] = {}
    for chunk in _chunks(case_ids):
        rows: Any = Delivery.select(Delivery.case, Delivery.recipient).where(Delivery.case.in_(chunk)).tuples()
        for case_id, recipient in rows:
            result.setdefault(case_id, set()).add(recipient)
    return result


def _outcomes(case_ids: list[int]) -> dict[int, str]:
    result: dict[int, str] = {}
    for chunk in _chunks(case_ids):
        rows: Any = (Determination.select(Determination.case, Determination.outcome).where(Determination.case.in_(chunk))
                     .order_by(Determination.determined_on, Determination.id).tuples())
        for case_id, outcome in rows:
            result[case_id] = outcome
    return result


def case_actors(ws: Workspace, case_uuid: str) -> dict[str, str]:
    """Who recorded each step of a case, from the audit trail: the first record's actor for each
    ``"<entity>:<id>"`` (a suspension, a note, a determination…) and for the case's own ``register``,
    ``reject`` and ``withdraw``. Steps recorded elsewhere and imported have none (the import's audit
    record names the officer who imported the case, not who did each step)."""
    from models.audit import AuditRecord

    actors: dict[str, str] = {}
    rows: Any = (AuditRecord.select(AuditRecord.action, AuditRecord.entity, AuditRecord.after, AuditRecord.actor)
                 .where(AuditRecord.case_uuid == case_uuid).order_by(AuditRecord.seq).tuples())
    for action, entity, after, actor in rows:
        if entity == "case":
            actors.setdefault(action, actor)
            continue
        item = json.loads(after).get(entity) if after.startswith("{") else None
        if isinstance(item, dict) and "id" in item:
            actors.setdefault(f"{entity}:{item['id']}", actor)
    return actors


def case_timeline(details: dict[str, Any], actors: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """What happened to a case and when, oldest first, from ``case_details``: one line per event
    (``on`` ISO date, ``title``, ``detail``, and ``actor``: who recorded it, from ``case_actors``,
    "" when unknown) for the case window and the archive."""
    actors = actors or {}

    def each(key: str, entity: str) -> list[tuple[dict[str, Any], str]]:
        return [(row, f"{entity}:{row['id']}") for row in details[key]]

    events: list[tuple[str, int, str, str, str]] = [
        (details["accountability"]["started_on"], 0, "启动追责", details["accountability"]["organ"], ""),
        (details["received_on"], 1, "收到容错免责申请", details["applicant"]["name"]
         + ("（逾期申请）" if details["late_application"] else ""), "register"),
    ]
    if details["rejected_on"]:
        events.append((details["rejected_on"], 2, "不予受理", details["rejection_reason"], "reject"))
    for s, key in each("suspensions", "suspension"):
        events.append((s["suspended_on"], 2, "受理并暂缓追责",
                       "本机关暂缓追责" if s["mode"] == "self" else f"通知{s['notified_department']}暂缓追责", key))
    for e, key in each("extensions", "extension"):
        events.append((e["approved_on"], 3, "延长核实期限", f"{e['days']} 个工作日，批准人：{e['approver']}", key))
    for n, key in each("notes", "investigation_note"):
        events.append((n["held_on"], 3, "谈话（调查）笔录", n["interviewee"] or n["place"] or "", key))
    for ev, key in each("evidence", "evidence"):
        files = f"，附件 {len(ev['files'])} 个" if ev["files"] else ""
        events.append((ev["received_on"], 3, "收集证据材料", ev["title"] + files, key))
    for a, key in each("assessments", "expert_assessment"):
        events.append((a["held_on"], 3, a["kind_label"], a["participants"], key))
    for r, key in each("reports", "investigation_report"):
        events.append((r["reported_on"], 4, "出具调查报告", f"拟认定：{r.get('proposal_label', r['proposal'])}", key))
    for d, key in each("determinations", "determination"):
        events.append((d["determined_on"], 5, "作出认定", d["outcome_label"], key))
    for d, key in each("deliveries", "delivery"):
        events.append((d["delivered_on"], 6, "送达认定书", f"{d['recipient_name']}（{d['method']}）", key))
    for a, key in each("archive", "archive_record"):
        events.append((a["archived_on"], 7, "归档", f"保管期限：{a['retention_period']}", key))
    for r, key in each("reopenings", "reopening"):
        events.append((r["reopened_on"], 8, "重新打开", r["reason"], key))
    if details["withdrawn_on"]:
        events.append((details["withdrawn_on"], 9, "撤回申请", details["withdrawal_reason"], "withdraw"))
    events.sort(key=lambda e: (e[0] or "", e[1]))
    return [{"on": on or "", "title": title, "detail": detail or "", "actor": actors.get(key, "") if key else ""}
            for on, _, title, detail, key in events]


def attached_file_for_viewing(ws: Workspace, sha256: str) -> Path:
    """A copy of an attached file under its original name, for the system's viewer to open (the
    stored copy is named by its hash and must never be edited in place)."""
    row = EvidenceFile.get_or_none(EvidenceFile.sha256 == sha256)
    source = stored_file_path(ws.files_dir, sha256)
    if row is None or not source.is_file():
        raise NotFound("找不到这个附件，请运行“check”检查数据文件夹")
    target = ws.data_dir / "tmp" / "open" / sha256[:12] / Path(row.original_name).name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target
