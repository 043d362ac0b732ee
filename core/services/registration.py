"""Registering a case: validate the whole application first, then write it in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import peewee

from core import validation as v
from core.errors import ValidationError
from core.policy import Policy
from core.services.deadline_refresh import apply_deadlines
from core.services.workspace import Workspace
from models.case import Applicant, Cadre, Case, CaseCadre
from models.office import ORGAN_KINDS

APPLICANT_KINDS = {"person": "个人", "unit": "单位"}
GENDERS = ("男", "女")


@dataclass
class Registration:
    number: str
    uuid: str
    late_application: bool
    warnings: list[str] = field(default_factory=list)


def _section(data: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ValidationError(key, f"请填写{label}")
    return value


def _applicant(raw: dict[str, Any], today: date, warnings: list[str]) -> dict[str, Any]:
    kind = v.check_choice(raw.get("kind"), "applicant.kind", "申请人类型（person 个人 / unit 单位）",
                          list(APPLICANT_KINDS))
    result: dict[str, Any] = {
        "kind": kind,
        "name": v.require_text(raw.get("name"), "applicant.name", "申请人名称", max_length=100),
        "contact_person": v.optional_text(raw.get("contact_person"), "applicant.contact_person", "联系人",
                                          max_length=50),
        "address": v.optional_text(raw.get("address"), "applicant.address", "地址", max_length=200),
        "phone": "",
        "credit_code": "",
        "id_number": "",
    }
    if raw.get("phone"):
        result["phone"] = v.check_phone(str(raw["phone"]), "applicant.phone", "申请人联系电话")
    if kind == "unit" and raw.get("credit_code"):
        result["credit_code"] = v.check_credit_code(str(raw["credit_code"]), "applicant.credit_code")
    if kind == "person" and raw.get("id_number"):
        info = v.check_id_number(str(raw["id_number"]), "applicant.id_number", "申请人身份证号码", today)
        result["id_number"] = info.number
        warnings.extend(info.warnings)
    return result


def _cadre(raw: object, index: int, policy: Policy, today: date, warnings: list[str]) -> dict[str, Any]:
    label = f"第{index}名涉及干部"
    if not isinstance(raw, dict):
        raise ValidationError("cadres", f"{label}的信息格式不正确")
    key = f"cadres[{index}]"
    info = v.check_id_number(str(raw.get("id_number") or ""), f"{key}.id_number", f"{label}的身份证号码", today)
    warnings.extend(info.warnings)
    gender = raw.get("gender") or info.gender
    v.check_choice(gender, f"{key}.gender", f"{label}的性别", GENDERS)
    if gender != info.gender:
        raise ValidationError(f"{key}.gender",
                              f"{label}的性别填写为“{gender}”，与身份证号码（{info.gender}）不一致，请核对")
    staff_type = str(raw.get("staff_type") or "")
    if staff_type and staff_type not in policy.staff_types and f"{staff_type}人员" in policy.staff_types:
        staff_type += "人员"   # 聘用 / 借调 / 挂职 as officers say them
    return {
        "name": v.require_text(raw.get("name"), f"{key}.name", f"{label}的姓名", max_length=50),
        "gender": gender,
        "birth_date": info.birth_date,
        "id_number": info.number,
        "political_status": v.optional_text(raw.get("political_status"), f"{key}.political_status",
                                            f"{label}的政治面貌", max_length=30),
        "unit": v.require_text(raw.get("unit"), f"{key}.unit", f"{label}的工作单位", max_length=100),
        "position": v.optional_text(raw.get("position"), f"{key}.position", f"{label}的职务", max_length=100),
        "rank": v.optional_text(raw.get("rank"), f"{key}.rank", f"{label}的职级", max_length=50),
        "organ_type": v.check_choice(raw.get("organ_type"), f"{key}.organ_type", f"{label}的单位类型",
                                     policy.organ_types),
        "staff_type": v.check_choice(staff_type, f"{key}.staff_type", f"{label}的人员类别", policy.staff_types),
        "management_authority": v.optional_text(raw.get("management_authority"),
                                                f"{key}.management_authority", f"{label}的干部管理权限",
                                                max_length=100),
    }


def validate_application(data: object, policy: Policy, today: date) -> tuple[dict[str, Any], list[str]]:
    """Every field of an application, checked and normalised; raises on the first mistake."""
    if not isinstance(data, dict):
        raise ValidationError("case", "案件信息应为 JSON 对象（花括号括起的键值对）")
    warnings: list[str] = []
    accountability = _section(data, "accountability", "追责信息（问责实施机关、启动追责日期、追责事项）")
    started_on = v.parse_date(accountability.get("started_on"), "accountability.started_on", "启动追责日期",
                              today=today)
    received_on = v.parse_date(data.get("received_on"), "received_on", "收到书面申请日期", today=today,
                               not_before=(started_on, "启动追责日期"))
    raw_cadres = data.get("cadres")
    if not isinstance(raw_cadres, list) or not raw_cadres:
        raise ValidationError("cadres", "请至少填写一名涉及的干部")
    cadres = [_cadre(raw, i, policy, today, warnings) for i, raw in enumerate(raw_cadres, start=1)]
    ids = [c["id_number"] for c in cadres]
    if len(set(ids)) != len(ids):
        raise ValidationError("cadres", "同一名干部（身份证号码相同）填写了两次")
    clean = {
        "applicant": _applicant(_section(data, "applicant", "申请人"), today, warnings),
        "cadres": cadres,
        "accountability_organ": v.require_text(accountability.get("organ"), "accountability.organ",
                                               "问责实施机关", max_length=100),
        "accountability_started_on": started_on,
        "accountability_matter": v.require_text(accountability.get("matter"), "accountability.matter",
                                                "追责事项", max_length=1000),
        "accountability_by_self": bool(accountability.get("by_self", False)),
        "handled_by": v.check_choice(data.get("handled_by"), "handled_by", "受理机关类型", ORGAN_KINDS),
        "received_on": received_on,
        "situations": v.parse_int_list(data.get("situations") or [], "situations", "申请的容错情形",
                                       minimum=min(policy.situation_numbers),
                                       maximum=max(policy.situation_numbers)),
        "statement": v.require_text(data.get("statement"), "statement", "申请理由", max_length=10000),
        "materials": [v.require_text(m, "materials", "提交的材料名称", max_length=200)
                      for m in data.get("materials") or []],
    }
    if not clean["situations"]:
        raise ValidationError("situations", f"请选择申请适用的容错情形（1—{max(policy.situation_numbers)}）")
    return clean, warnings


def _cadre_row(fields: dict[str, Any]) -> Cadre:
    existing = Cadre.get_or_none(Cadre.id_number == fields["id_number"])
    if existing is None:
        return Cadre.create(name=fields["name"], gender=fields["gender"], birth_date=fields["birth_date"],
                            id_number=fields["id_number"], political_status=fields["political_status"])
    if existing.name != fields["name"]:
        raise ValidationError("cadres", f"身份证号码 {fields['id_number']} 已登记为“{existing.name}”，"
                                        f"与填写的姓名“{fields['name']}”不一致，请核对")
    if fields["political_status"] and fields["political_status"] != existing.political_status:
        existing.political_status = fields["political_status"]
        existing.save()
    return existing


def _next_seq(year: int) -> int:
    last = Case.select(peewee.fn.MAX(Case.seq)).where(Case.year == year).scalar()
    return (last or 0) + 1


def _write_case(ws: Workspace, policy: Policy, clean: dict[str, Any], case_uuid: str | None) -> Case:
    """Insert one validated application inside the caller's ``ws.change()``."""
    year = clean["received_on"].year
    seq = _next_seq(year)
    case = Case(
        number=f"{year}-{seq:04d}", year=year, seq=seq, policy_id=policy.id, status="registered",
        **{k: clean[k] for k in ("handled_by", "received_on", "statement", "situations", "materials",
                                 "accountability_organ", "accountability_started_on",
                                 "accountability_matter", "accountability_by_self")},
    )
    if case_uuid:
        case.uuid = case_uuid
    apply_deadlines(ws, case)
    case.save(force_insert=True)
    Applicant.create(case=case, **clean["applicant"])
    for fields in clean["cadres"]:
        cadre = _cadre_row(fields)
        CaseCadre.create(case=case, cadre=cadre, **{k: fields[k] for k in (
            "unit", "position", "rank", "organ_type", "staff_type", "management_authority")})
    ws.adapter.index_cases([case.id])   # the search index changes with the case, in the same transaction
    ws.record("register", case.uuid, "case", None, {"number": case.number, "status": case.status,
                                                    **_json_ready(clean)})
    return case


def _registration(case: Case, warnings: list[str]) -> Registration:
    if case.late_application:
        warnings.append(f"申请逾期：应在 {case.application_due} 前提出，"
                        f"实际收到日期为 {case.received_on}；受理时须说明理由")
    return Registration(case.number, case.uuid, case.late_application, warnings)


def register_case(ws: Workspace, data: object, case_uuid: str | None = None) -> Registration:
    """Validate an application and register it as a new case, numbered ``YYYY-NNNN``."""
    policy = ws.policy()
    clean, warnings = validate_application(data, policy, ws.today())
    with ws.change():
        case = _write_case(ws, policy, clean, case_uuid)
    return _registration(case, warnings)


def register_cases(ws: Workspace, applications: list[object]) -> list[Registration]:
    """Register many applications in one transaction (an import, a migration from paper ledgers):
    all are validated first, and either all are registered or none. Each gets its own audit record."""
    policy = ws.policy()
    checked = []
    for index, data in enumerate(applications, start=1):
        try:
            checked.append(validate_application(data, policy, ws.today()))
        except ValidationError as exc:
            raise ValidationError(exc.field, f"第 {index} 件申请：{exc.message}") from None
    with ws.change():
        cases = [_write_case(ws, policy, clean, None) for clean, _ in checked]
    return [_registration(case, warnings) for case, (_, warnings) in zip(cases, checked, strict=True)]


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_json_ready(x) for x in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
