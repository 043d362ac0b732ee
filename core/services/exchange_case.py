"""One case as the machine-readable case file of an export package (``case.json``), and back.

The case file holds every row of the case, column by column (``docs/exchange-format.md``): the case,
its applicant, its cadres (the person and the link), each kind of procedure record, the evidence with
its files (by SHA-256), the follow-up visits tied to it, and the 发文字号 issued for it. Row ids are
not exported: rows belong to their case, cadres are matched by UUID or ID number.

A case's *lineage* says which changes made it what it is: the MACs (first 32 hex digits) of the
audit records that changed it, oldest first. A case imported from a package takes over the
package's lineage (kept in the import's audit record), and its later changes extend it. Comparing
lineages tells an update (the package continues what is here) from a stale package (what is here
continues the package) and from a conflict (both sides changed the case differently).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import peewee

from core import workflow
from core.audit import canonical_json
from core.errors import UserError
from models.audit import AuditRecord
from models.base import BaseModel
from models.cadre_care import FollowUp
from models.case import Applicant, Cadre, Case, CaseCadre
from models.documents import IssuedNumber
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

CASE_FORMAT = "rongcuo-case"
CASE_FORMAT_VERSION = 1
IMPORT_ACTION = "exchange_import"
EXPORT_ACTION = "exchange_export"
# Audit records about a case that are no change of its content: deadlines recomputed from the
# local calendar (derived data), and the exchanges themselves.
NOT_CHANGES = frozenset({"recompute_deadlines", EXPORT_ACTION})
LINEAGE_DIGITS = 32

# The case's own records, in the order the case file lists them.
CHILDREN: list[tuple[str, type[BaseModel]]] = [
    ("suspensions", Suspension), ("extensions", Extension), ("notes", InvestigationNote),
    ("assessments", ExpertAssessment), ("reports", InvestigationReport), ("determinations", Determination),
    ("deliveries", Delivery), ("archive_records", ArchiveRecord), ("reopenings", Reopening),
]
CADRE_FIELDS = ("uuid", "name", "gender", "birth_date", "id_number", "political_status", "created_at")
# Fields that differ between two installations without either having changed the case: the local
# number, deadlines computed from the local calendar, and the time of the last change.
LOCAL_CASE_FIELDS = ("number", "year", "seq", "application_due", "report_due", "report_limit", "letter_due",
                     "deadlines_estimated", "late_application", "updated_at")
PACKAGE_KEYS = ("format", "format_version", "lineage", "attachments", "documents", "volume", "source")
_NUMBER = re.compile(r"^\S{1,40}$")
_POLICY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class CaseFileError(UserError):
    """A case file that cannot be read as the format says."""


# --- rows as JSON ---------------------------------------------------------------------------------

def _columns(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[peewee.Field]:
    return [f for f in model._meta.sorted_fields
            if not isinstance(f, peewee.ForeignKeyField) and f.name != "id" and f.name not in skip]


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_data(row: BaseModel, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of ``row`` but its id and foreign keys, as JSON values."""
    return {f.name: _out(getattr(row, f.name)) for f in _columns(type(row), skip)}


def _in(f: peewee.Field, value: Any, where: str) -> Any:
    """``value`` from a case file as the column ``f`` holds it; ``CaseFileError`` if it cannot be."""
    def bad() -> CaseFileError:
        return CaseFileError(f"导出包中{where}的“{f.name}”格式有误，不能导入")

    if value is None:
        if f.null:
            return None
        raise bad()
    try:
        if isinstance(f, peewee.DateTimeField):
            if not isinstance(value, str):
                raise bad()
            return datetime.fromisoformat(value)
        if isinstance(f, peewee.DateField):
            if not isinstance(value, str):
                raise bad()
            return date.fromisoformat(value)
    except ValueError:
        raise bad() from None
    if isinstance(f, peewee.BooleanField):
        if not isinstance(value, bool):
            raise bad()
        return value
    if isinstance(f, peewee.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad()
        return value
    if isinstance(f, peewee.JSONField):
        if not isinstance(value, list | dict):
            raise bad()
        return value
    if not isinstance(value, str):
        raise bad()
    return value


def parse_row(model: type[BaseModel], data: Any, where: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The column values of one row from a case file. A column it lacks takes its default (a case
    file of the same format version from a program that had fewer columns); unknown keys are ignored."""
    if not isinstance(data, dict):
        raise CaseFileError(f"导出包中{where}的格式有误，不能导入")
    values: dict[str, Any] = {}
    for f in _columns(model, skip):
        if f.name in data:
            values[f.name] = _in(f, data[f.name], where)
        elif f.default is None and not f.null:
            raise CaseFileError(f"导出包中{where}缺少“{f.name}”，不能导入")
    return values


# --- a case out -----------------------------------------------------------------------------------

def _cadre_data(cadre: Cadre) -> dict[str, Any]:
    return {name: _out(getattr(cadre, name)) for name in CADRE_FIELDS}


def case_content(case: Case) -> dict[str, Any]:
    """Everything stored about ``case`` as the case file holds it (without the package's member names)."""
    content: dict[str, Any] = {"format": CASE_FORMAT, "format_version": CASE_FORMAT_VERSION}
    content["case"] = row_data(case)
    content["applicant"] = row_data(Applicant.get(Applicant.case == case))
    content["cadres"] = [{"cadre": _cadre_data(link.cadre), "link": row_data(link)}
                         for link in CaseCadre.select(CaseCadre, Cadre).join(Cadre)
                         .where(CaseCadre.case == case).order_by(CaseCadre.id)]
    for key, model in CHILDREN:
        rows = model.select().where(model.case == case).order_by(model.id)  # type: ignore[attr-defined]
        content[key] = [row_data(row) for row in rows]
    content["evidence"] = [
        row_data(ev) | {"files": [row_data(f) for f in EvidenceFile.select().where(EvidenceFile.evidence == ev)
                                  .order_by(EvidenceFile.id)]}
        for ev in Evidence.select().where(Evidence.case == case).order_by(Evidence.id)]
    content["follow_ups"] = [row_data(f) | {"cadre": _cadre_data(f.cadre)}
                             for f in FollowUp.select(FollowUp, Cadre).join(Cadre)
                             .where(FollowUp.case == case).order_by(FollowUp.id)]
    content["issued_numbers"] = [row_data(n) for n in IssuedNumber.select().where(IssuedNumber.case == case)
                                 .order_by(IssuedNumber.id)]
    content["lineage"] = lineage(case.uuid)
    return content


def lineage(case_uuid: str) -> list[str]:
    """The changes that made this installation's copy of the case (see the module docstring)."""
    found: list[str] = []
    rows = (AuditRecord.select(AuditRecord.seq, AuditRecord.action, AuditRecord.mac, AuditRecord.after)
            .where(AuditRecord.case_uuid == case_uuid).order_by(AuditRecord.seq))
    for record in rows.iterator():
        if record.action == IMPORT_ACTION:
            try:
                taken = json.loads(record.after).get("lineage")
            except (ValueError, AttributeError):
                taken = None
            if isinstance(taken, list):
                found = [str(x) for x in taken]
        elif record.action not in NOT_CHANGES:
            found.append(record.mac[:LINEAGE_DIGITS])
    return found


def _cadre_key(cadre: dict[str, Any]) -> str:
    return str(cadre.get("id_number") or f"uuid:{cadre.get('uuid')}")


def comparable(content: dict[str, Any]) -> dict[str, Any]:
    """What two installations must agree on for a case to be the same case: the content without
    its local number, the deadlines the local calendar computes, and the cadres' person details
    (kept once per person, changed by other cases)."""
    result = {k: v for k, v in content.items() if k not in PACKAGE_KEYS}
    result["case"] = {k: v for k, v in content["case"].items() if k not in LOCAL_CASE_FIELDS}
    result["cadres"] = [{"cadre": _cadre_key(c["cadre"]), "name": c["cadre"].get("name"), "link": c["link"]}
                        for c in content["cadres"]]
    result["follow_ups"] = [{k: v for k, v in f.items() if k != "cadre"} | {"cadre": _cadre_key(f["cadre"])}
                            for f in content["follow_ups"]]
    return result


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(comparable(content)).encode("utf-8")).hexdigest()


# --- a case in ------------------------------------------------------------------------------------

@dataclass
class IncomingCase:
    """A case file read and checked: the values to write, row by row."""

    content: dict[str, Any]                       # the case file as read (JSON values)
    uuid: str
    number: str
    year: int
    seq: int
    case: dict[str, Any]
    applicant: dict[str, Any]
    cadres: list[tuple[dict[str, Any], dict[str, Any]]]          # (cadre values, link values)
    children: dict[str, list[dict[str, Any]]]
    evidence: list[tuple[dict[str, Any], list[dict[str, Any]]]]  # (evidence values, file values)
    follow_ups: list[tuple[dict[str, Any], dict[str, Any]]]      # (cadre values, follow-up values)
    numbers: list[dict[str, Any]]
    lineage: list[str]
    digest: str
    attachments: dict[str, str] = field(default_factory=dict)    # sha256 → member name
    documents: list[str] = field(default_factory=list)           # member names of letters and volume

    @property
    def label(self) -> str:
        return self.number


def _list(content: dict[str, Any], key: str, where: str) -> list[Any]:
    value = content.get(key, [])
    if not isinstance(value, list):
        raise CaseFileError(f"导出包中{where}的“{key}”格式有误，不能导入")
    return value


def _cadre_values(data: Any, where: str) -> dict[str, Any]:
    values = parse_row(Cadre, data, where)
    if not values.get("uuid") or not values.get("name"):
        raise CaseFileError(f"导出包中{where}缺少干部的 UUID 或姓名，不能导入")
    return values


def read_case(content: Any, where: str) -> IncomingCase:
    """A case file's content checked column by column; ``CaseFileError`` when it is not as the
    format says (the package is then refused as a whole)."""
    if not isinstance(content, dict) or content.get("format") != CASE_FORMAT:
        raise CaseFileError(f"导出包中的{where}不是本程序的案件文件，不能导入")
    version = content.get("format_version")
    if not isinstance(version, int) or version > CASE_FORMAT_VERSION:
        raise CaseFileError(f"导出包中的{where}由更新版本的程序生成，请先升级本程序再导入")
    case = parse_row(Case, content.get("case"), f"{where}（案件）")
    for key in ("uuid", "number", "year", "seq", "status", "policy_id"):
        if key not in case:
            raise CaseFileError(f"导出包中{where}缺少“{key}”，不能导入")
    if not _NUMBER.match(case["number"]) or not re.fullmatch(r"[0-9a-fA-F-]{36}", case["uuid"]):
        raise CaseFileError(f"导出包中{where}的案件编号或 UUID 格式有误，不能导入")
    if case["status"] not in workflow.STATUS_LABELS or not _POLICY_ID.match(case["policy_id"]):
        raise CaseFileError(f"导出包中{where}的状态或适用办法格式有误，不能导入")
    applicant = parse_row(Applicant, content.get("applicant"), f"{where}（申请人）")
    cadres = []
    for i, item in enumerate(_list(content, "cadres", where), start=1):
        if not isinstance(item, dict):
            raise CaseFileError(f"导出包中{where}的第 {i} 名干部格式有误，不能导入")
        cadres.append((_cadre_values(item.get("cadre"), f"{where}第 {i} 名干部"),
                       parse_row(CaseCadre, item.get("link"), f"{where}第 {i} 名干部")))
    children = {key: [parse_row(model, row, f"{where}（{key}）") for row in _list(content, key, where)]
                for key, model in CHILDREN}
    evidence = []
    for row in _list(content, "evidence", where):
        values = parse_row(Evidence, row, f"{where}（证据材料）")
        files = [parse_row(EvidenceFile, f, f"{where}（证据材料的附件）") for f in _list(row, "files", where)]
        for f in files:
            if not re.fullmatch(r"[0-9a-f]{64}", str(f.get("sha256", ""))):
                raise CaseFileError(f"导出包中{where}的附件校验值格式有误，不能导入")
        evidence.append((values, files))
    follow_ups = []
    for row in _list(content, "follow_ups", where):
        if not isinstance(row, dict):
            raise CaseFileError(f"导出包中{where}的回访记录格式有误，不能导入")
        follow_ups.append((_cadre_values(row.get("cadre"), f"{where}（回访的干部）"),
                           parse_row(FollowUp, row, f"{where}（回访记录）")))
    numbers = [parse_row(IssuedNumber, row, f"{where}（发文字号）") for row in _list(content, "issued_numbers", where)]
    taken = _list(content, "lineage", where)
    if not all(isinstance(x, str) for x in taken):
        raise CaseFileError(f"导出包中{where}的“lineage”格式有误，不能导入")
    return IncomingCase(content, case["uuid"], case["number"], case["year"], case["seq"], case, applicant, cadres,
                        children, evidence, follow_ups, numbers, [str(x) for x in taken], content_digest(content))


def policy_problem(incoming: IncomingCase) -> str | None:
    """Why this installation could not show the case (its policy or an outcome unknown here), or None."""
    from core.policy import load_policy

    try:
        policy = load_policy(incoming.case["policy_id"])
    except UserError:
        return f"本机没有该案件适用的办法配置（{incoming.case['policy_id']}），请先安装该办法的配置文件"
    codes = {row["proposal"] for row in incoming.children["reports"]}
    codes |= {row["outcome"] for row in incoming.children["determinations"]}
    unknown = sorted(c for c in codes if c not in policy.outcome_codes)
    if unknown:
        return f"认定结果“{'、'.join(unknown)}”不在本机的办法配置（{policy.id}）中"
    return None


# --- comparing and writing ------------------------------------------------------------------------

def resolve_cadre(values: dict[str, Any]) -> Cadre | str | None:
    """The local cadre the incoming one is (by UUID, else ID number), None for a new person, or why
    they cannot be matched."""
    local = Cadre.get_or_none(Cadre.uuid == values["uuid"])
    if local is not None:
        if (local.id_number or None) != (values.get("id_number") or None):
            return (f"干部“{values['name']}”在本机登记的身份证号码与导出包中的不一致"
                    f"（{local.id_number or '无'} / {values.get('id_number') or '无'}）")
        return local
    if values.get("id_number"):
        local = Cadre.get_or_none(Cadre.id_number == values["id_number"])
        if local is not None and local.name != values["name"]:
            return f"身份证号码 {values['id_number']} 在本机登记为“{local.name}”，与导出包中的姓名“{values['name']}”不一致"
        return local
    return None


def cadre_problems(incoming: IncomingCase) -> list[str]:
    problems = []
    for values, _ in [*incoming.cadres, *incoming.follow_ups]:
        found = resolve_cadre(values)
        if isinstance(found, str):
            problems.append(found)
    return problems


def number_problems(incoming: IncomingCase, local: Case | None) -> list[str]:
    """发文字号 of the package that this installation's register cannot take."""
    problems = []
    live_here: dict[tuple[str, str], str] = {}
    if local is not None:
        for row in IssuedNumber.select().where((IssuedNumber.case == local) & IssuedNumber.voided_at.is_null()):
            live_here[(row.kind, row.recipient)] = row.number
    for values in incoming.numbers:
        existing = IssuedNumber.get_or_none(IssuedNumber.number == values["number"])
        if existing is not None:
            if local is None or existing.case_id != local.id:  # type: ignore[attr-defined]
                problems.append(f"发文字号 {values['number']} 在本机已用于其他文书")
            continue
        clash = IssuedNumber.get_or_none((IssuedNumber.prefix == values["prefix"])
                                         & (IssuedNumber.kind_code == values["kind_code"])
                                         & (IssuedNumber.year == values["year"]) & (IssuedNumber.seq == values["seq"]))
        if clash is not None:
            problems.append(f"发文字号 {values['number']} 的序号在本机已用于 {clash.number}")
            continue
        key = (values["kind"], values.get("recipient", ""))
        if values.get("voided_at") is None and key in live_here:
            problems.append(f"本机该案件的同一文书已有发文字号 {live_here[key]}，与导出包中的 {values['number']} 不同")
    return problems


def _cadre_for(values: dict[str, Any]) -> Cadre:
    found = resolve_cadre(values)
    if isinstance(found, Cadre):
        return found
    if isinstance(found, str):          # checked before writing; a clash now is a program error
        raise AssertionError(found)
    return Cadre.create(**values)


def write_rows(case: Case, incoming: IncomingCase) -> None:
    """Every row of the case but the case itself, from the package (the old ones removed first)."""
    applicant = Applicant.get_or_none(Applicant.case == case)
    if applicant is None:
        Applicant.create(case=case, **incoming.applicant)
    else:
        Applicant.update(**incoming.applicant).where(Applicant.id == applicant.id).execute()
    CaseCadre.delete().where(CaseCadre.case == case).execute()
    for cadre_values, link in incoming.cadres:
        CaseCadre.create(case=case, cadre=_cadre_for(cadre_values), **link)
    for key, model in CHILDREN:
        model.delete().where(model.case == case).execute()  # type: ignore[attr-defined]
        for values in incoming.children[key]:
            model.create(case=case, **values)
    evidence_ids = [e.id for e in Evidence.select(Evidence.id).where(Evidence.case == case)]
    if evidence_ids:
        EvidenceFile.delete().where(EvidenceFile.evidence.in_(evidence_ids)).execute()
        Evidence.delete().where(Evidence.case == case).execute()
    for values, files in incoming.evidence:
        evidence = Evidence.create(case=case, **values)
        for file_values in files:
            EvidenceFile.create(evidence=evidence, **file_values)
    FollowUp.delete().where(FollowUp.case == case).execute()
    for cadre_values, values in incoming.follow_ups:
        FollowUp.create(cadre=_cadre_for(cadre_values), case=case, **values)
    _merge_numbers(case, incoming)


def _merge_numbers(case: Case, incoming: IncomingCase) -> None:
    """Numbers are never deleted (the register keeps every number issued): the package's numbers are
    added, and one voided there is voided here too."""
    for values in incoming.numbers:
        existing = IssuedNumber.get_or_none(IssuedNumber.number == values["number"])
        if existing is None:
            IssuedNumber.create(case=case, **values)
        elif existing.voided_at is None and values.get("voided_at") is not None:
            IssuedNumber.update(voided_at=values["voided_at"], void_reason=values.get("void_reason", ""),
                                voided_by=values.get("voided_by", "")).where(IssuedNumber.id == existing.id).execute()


def next_case_seq(year: int) -> int:
    """The next number of ``year`` as registration allocates it."""
    last = Case.select(peewee.fn.MAX(Case.seq)).where(Case.year == year).scalar()
    return int(last or 0) + 1


def number_is_free(number: str, year: int, seq: int) -> bool:
    return not Case.select().where((Case.number == number) | ((Case.year == year) & (Case.seq == seq))).exists()
