"""Cadres across cases: lookup for integrity reviews, clearing names (澄清正名), follow-up visits (回访).

An officer asked for an integrity opinion finds, by name or ID number, every determination about a
cadre; an exemption protects the cadre in the three matters the policy lists.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from core import validation as v
from core import workflow
from core.errors import NotFound, ValidationError
from core.services.workspace import Workspace
from models.cadre_care import Clarification, FollowUp
from models.case import Cadre, Case, CaseCadre
from models.procedure import Determination


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def find_cadres(query: str) -> list[dict[str, Any]]:
    """Cadres whose ID number equals the query, or whose name contains it."""
    text = v.require_text(query, "query", "查询内容（姓名或身份证号码）", max_length=50)
    condition = (Cadre.id_number == text.upper()) | Cadre.name.contains(text)
    return [{"uuid": c.uuid, "name": c.name, "gender": c.gender, "birth_date": _iso(c.birth_date),
             "id_number": c.id_number, "cases": CaseCadre.select().where(CaseCadre.cadre == c).count()}
            for c in Cadre.select().where(condition).order_by(Cadre.name, Cadre.id)]


def get_cadre(key: str) -> Cadre:
    cadre = Cadre.get_or_none((Cadre.uuid == key) | (Cadre.id_number == key.strip().upper()))
    if cadre is None:
        raise NotFound(f"没有找到身份证号码（或编号）为 {key} 的干部")
    return cadre


def cadre_record(ws: Workspace, key: str) -> dict[str, Any]:
    """Every case and determination about one cadre, with clarifications and follow-up visits."""
    cadre = get_cadre(key)
    cases = []
    for link in (CaseCadre.select(CaseCadre, Case).join(Case).where(CaseCadre.cadre == cadre)
                 .order_by(Case.received_on, Case.id)):
        case = link.case
        policy = ws.policy(case.policy_id)
        latest = (Determination.select().where(Determination.case == case)
                  .order_by(Determination.determined_on.desc(), Determination.created_at.desc()).first())
        cases.append({
            "number": case.number, "status": case.status, "status_label": workflow.status_label(case.status),
            "received_on": _iso(case.received_on), "matter": case.accountability_matter,
            "accountability_organ": case.accountability_organ, "unit": link.unit, "position": link.position,
            "outcome": latest.outcome if latest else None,
            "outcome_label": policy.outcome(latest.outcome).label if latest else None,
            "determined_on": _iso(latest.determined_on) if latest else None,
            "protections": list(policy.protections) if latest and latest.outcome == "exempted" else [],
        })
    return {
        "uuid": cadre.uuid, "name": cadre.name, "gender": cadre.gender, "birth_date": _iso(cadre.birth_date),
        "id_number": cadre.id_number, "political_status": cadre.political_status, "cases": cases,
        "clarifications": [{"id": c.id, "opened_on": _iso(c.opened_on), "matter": c.matter, "outcome": c.outcome,
                            "concluded_on": _iso(c.concluded_on)}
                           for c in Clarification.select().where(Clarification.cadre == cadre).order_by(Clarification.opened_on)],
        "follow_ups": [{"id": f.id, "visited_on": _iso(f.visited_on), "visitors": f.visitors, "content": f.content,
                        "case": f.case.number if f.case else None}
                       for f in FollowUp.select().where(FollowUp.cadre == cadre).order_by(FollowUp.visited_on)],
    }


def add_clarification(ws: Workspace, key: str, fields: dict[str, Any]) -> int:
    """Record a false accusation investigated and, when concluded, its outcome."""
    opened_on = v.parse_date(fields.get("opened_on") or ws.today(), "opened_on", "受理澄清日期", today=ws.today())
    concluded_on = None
    if fields.get("concluded_on"):
        concluded_on = v.parse_date(fields["concluded_on"], "concluded_on", "澄清完成日期", today=ws.today(),
                                    not_before=(opened_on, "受理澄清日期"))
    matter = v.require_text(fields.get("matter"), "matter", "被反映（诬告）事项", max_length=5000)
    outcome = v.optional_text(fields.get("outcome"), "outcome", "澄清结果", max_length=5000)
    if concluded_on and not outcome:
        raise ValidationError("outcome", "已填写澄清完成日期，请同时填写澄清结果")
    with ws.change():
        cadre = get_cadre(key)
        row = Clarification.create(cadre=cadre, opened_on=opened_on, matter=matter, outcome=outcome,
                                   concluded_on=concluded_on)
        ws.record("clarification", None, f"cadre:{cadre.uuid}", None,
                  {"opened_on": _iso(opened_on), "matter": matter, "outcome": outcome,
                   "concluded_on": _iso(concluded_on)})
    return int(row.id)


def add_follow_up(ws: Workspace, key: str, fields: dict[str, Any]) -> int:
    """Record a follow-up visit to a cadre, optionally tied to one of the cadre's cases."""
    visited_on = v.parse_date(fields.get("visited_on") or ws.today(), "visited_on", "回访日期", today=ws.today())
    content = v.require_text(fields.get("content"), "content", "回访情况", max_length=10000)
    visitors = v.optional_text(fields.get("visitors"), "visitors", "回访人", max_length=200)
    with ws.change():
        cadre = get_cadre(key)
        case = None
        if fields.get("case"):
            case = Case.get_or_none(Case.number == str(fields["case"]))
            linked = case is not None and CaseCadre.select().where(
                (CaseCadre.case == case) & (CaseCadre.cadre == cadre)).exists()
            if not linked:
                raise ValidationError("case", f"案件 {fields['case']} 不涉及干部 {cadre.name}")
        row = FollowUp.create(cadre=cadre, case=case, visited_on=visited_on, visitors=visitors, content=content)
        ws.record("follow_up", case.uuid if case else None, f"cadre:{cadre.uuid}", None,
                  {"visited_on": _iso(visited_on), "visitors": visitors, "content": content})
    return int(row.id)
