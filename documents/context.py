"""The placeholders of the letter templates, built from one case.

``letter_context`` turns ``core.services.case_view.case_details`` output (plain data: the caller
reads the database, not this module), the office profile and the case's policy into the dictionary
the DOCX templates are rendered with. Every key is documented, in Chinese, in ``docs/templates.md``.
Dates are Chinese (``2026年11月27日``: Arabic numerals, no leading zeros); a missing date or text is
an empty string, never ``None``, so a template can always print or test it.

Sentences whose grammar depends on the data (who applied, how accountability was suspended, what the
outcome does) are built here; everything else a letter says is wording in its template.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from core.policy import Item, Policy

CHINESE_DIGITS = "〇一二三四五六七八九"
TOLERANT_CLAUSES = {          # the outcome as the letter states it, after “对…的责任，”
    "exempted": "予以免责（免予追究责任）",
    "lighter": "予以从轻处理",
    "mitigated": "予以减轻处理",
    "not_exempted": "不予免责",
}
NO_ANALYSIS = "（调查组未就此项作出分析，请补充。）"
_END_PUNCTUATION = "。！？；…”）)"

# Forms: what is left to fill in by hand, and the check boxes. □ and ■ are in GB 2312 (every official
# font has them) and in the bundled Noto Sans SC; ☐ and ☑ are in neither, so a PDF could not print them.
BLANK_DATE = "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
UNCHECKED = "□"
CHECKED = "■"
APPLICANT_KINDS = ("个人", "单位")
ASSESSMENT_KIND_LABELS = ("专家讨论评估", "有关部门评估")       # core.services.actions.ASSESSMENT_KINDS
DELIVERY_METHODS = ("直接送达", "邮寄送达", "委托送达")
MATERIAL_ROWS = 5            # 证明材料清单: at least this many rows (blank ones to add by hand)
PARTICIPANT_ROWS = 6         # 专家论证意见表: at least this many 参加人员 rows
DETERMINATION_TITLE = "容错免责认定书"
_EXCHANGE_START = re.compile(r"(?<=[。！？!?”」』）)；;])\s*(?=[问答][：:])")
_ORGANISATION = re.compile(r"(?:局|委|办|院|所|部|厅|处|科|中心|公司|大学|学院|学校|政府|委员会|协会|集团|站|队)$")


def chinese_date(value: date | str | None) -> str:
    """``2026-11-05`` or a date → ``2026年11月5日``; nothing → ``""``."""
    if not value:
        return ""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_month(value: date | str | None) -> str:
    """A birth date → ``1980年1月`` (出生年月)."""
    if not value:
        return ""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (1–99), for headings like ``（三）``."""
    if n < 1 or n > 99:
        return str(n)
    tens, ones = divmod(n, 10)
    head = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" if tens else ""
    return head + (CHINESE_DIGITS[ones] if ones else "")


def heading_order(n: int) -> str:
    """The second-level heading number: 1 → ``（一）``."""
    return f"（{chinese_number(n)}）"


def sentence(text: str | None) -> str:
    """Text as a full sentence: trimmed, ending with a full stop unless it already has one."""
    text = (text or "").strip()
    if not text:
        return ""
    return text if text[-1] in _END_PUNCTUATION else text + "。"


def clause(text: str | None) -> str:
    """Text to be continued inside a sentence: trimmed, without its closing full stop."""
    return (text or "").strip().rstrip("。；;，,")


def paragraphs(text: str | None) -> list[str]:
    """Free text as paragraphs: one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def boxes(options: tuple[str, ...] | list[str], chosen: str | None) -> str:
    """Check boxes in a row: ``■个人　□单位`` (``chosen`` ticked; none when it is not an option)."""
    return "\u3000".join(f"{CHECKED if option == chosen else UNCHECKED}{option}" for option in options)


def exchanges(text: str | None) -> list[str]:
    """A 笔录's text as paragraphs, a new one at every ``问：`` / ``答：`` that follows a sentence's end."""
    out: list[str] = []
    for line in paragraphs(text):
        out.extend(part.strip() for part in _EXCHANGE_START.split(line) if part.strip())
    return out


def participants(text: str | None) -> list[dict[str, str]]:
    """参加人员 as typed (``县发改局、宁夏大学 李教授``): one row each, split into 姓名 and 单位 — the last
    word after a space is the name, a single word is a unit when it ends like one (局, 委, 大学 …)."""
    rows: list[dict[str, str]] = []
    for item in re.split(r"[、，,；;\n]+", text or ""):
        words = item.split()
        if not words:
            continue
        if len(words) > 1:
            rows.append({"name": words[-1], "unit": " ".join(words[:-1]), "title": ""})
        elif _ORGANISATION.search(words[0]):
            rows.append({"name": "", "unit": words[0], "title": ""})
        else:
            rows.append({"name": words[0], "unit": "", "title": ""})
    return rows


def _padded(rows: list[dict[str, str]], keys: tuple[str, ...], at_least: int) -> list[dict[str, str]]:
    return rows + [dict.fromkeys(keys, "") for _ in range(at_least - len(rows))]


def outcome_clause(code: str, label: str) -> str:
    """How the letter states an outcome: ``予以免责（免予追究责任）`` …; another policy's outcome by its label."""
    return TOLERANT_CLAUSES.get(code, f"认定为“{label}”")


def _joined(names: list[str], sep: str = "、") -> str:
    return sep.join(n for n in names if n)


def county_of(*names: str) -> str:
    """The county (district, city, banner) an office belongs to: 中共贺兰县纪委 → 贺兰县."""
    for name in names:
        for token in (name or "").split():
            match = re.match(r"\S{1,12}(?:县|区|市|旗)", token.removeprefix("中共"))
            if match:
                return match.group(0)
    return ""


def _office(office: dict[str, Any]) -> dict[str, Any]:
    organ_name = str(office.get("organ_name") or "")
    letterhead = str(office.get("letterhead") or organ_name)
    kind = str(office.get("organ_kind") or "纪检监察机关")
    discipline = kind != "组织部门"
    county = county_of(letterhead, organ_name)
    first = letterhead.split()[0] if letterhead.split() else letterhead
    return {
        "organ_name": organ_name,
        "letterhead": letterhead,
        "signature": str(office.get("signature") or letterhead),
        "code_prefix": str(office.get("code_prefix") or ""),
        "organ_kind": kind,
        "county": county,
        "we": "我委" if discipline else "我部",
        "printer": str(office.get("printer") or (f"{first}办公室" if first else "")),
        "decision_body": str(office.get("decision_body")
                             or (f"{county}纪委常委会" if discipline else f"{county}委组织部部务会")),
        "other_organ": (f"中共{county}委组织部" if discipline else f"{county}纪委监委") if county else "",
    }


def _applicant(raw: dict[str, Any]) -> dict[str, Any]:
    is_unit = raw.get("kind") == "unit"
    name = str(raw.get("name") or "")
    return {
        "name": name,
        "kind": "unit" if is_unit else "person",
        "is_unit": is_unit,
        "display": name if is_unit else f"{name}同志",
        "you": "你单位" if is_unit else "你",
        "id_number": str(raw.get("id_number") or ""),
        "credit_code": str(raw.get("credit_code") or ""),
        "contact_person": str(raw.get("contact_person") or ""),
        "phone": str(raw.get("phone") or ""),
        "address": str(raw.get("address") or ""),
    }


def _cadre(raw: dict[str, Any]) -> dict[str, Any]:
    post = f"{raw.get('unit') or ''}{raw.get('position') or ''}"
    rank = str(raw.get("rank") or "")
    parts = [raw.get("name") or "", raw.get("gender") or "",
             f"{chinese_month(raw.get('birth_date'))}出生" if raw.get("birth_date") else "",
             raw.get("political_status") or "", (f"现任{post}" if post else "") + (f"（{rank}）" if rank and post else "")]
    return {
        "name": str(raw.get("name") or ""),
        "gender": str(raw.get("gender") or ""),
        "birth": chinese_month(raw.get("birth_date")),
        "id_number": str(raw.get("id_number") or ""),
        "political_status": str(raw.get("political_status") or ""),
        "unit": str(raw.get("unit") or ""),
        "position": str(raw.get("position") or ""),
        "rank": rank,
        "organ_type": str(raw.get("organ_type") or ""),
        "staff_type": str(raw.get("staff_type") or ""),
        "post": post,
        "intro": sentence("，".join(p for p in parts if p)),
    }


def _suspension(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"date": "", "by_notice": False, "department": "", "sentence": "", "other_clues": ""}
    last = rows[-1]
    by_notice = last.get("mode") == "notice"
    department = str(last.get("notified_department") or "")
    return {
        "date": chinese_date(last.get("suspended_on")),
        "by_notice": by_notice,
        "department": department,
        "sentence": f"并通知{department}暂缓追责" if by_notice else "并依规暂缓追责",
        "other_clues": clause(last.get("other_clues")) if last.get("clue_scope") == "other" else "",
    }


def _cited(items: list[dict[str, Any]]) -> str:
    return "、".join(f"{i['article']}“{i['text']}”" if i["article"] else f"“{i['text']}”" for i in items)


def _item(item: Item, index: int) -> dict[str, Any]:
    return {"no": item.no, "index": index, "order": heading_order(index), "short": item.short,
            "text": item.text, "article": item.article}


def _person(applicant: dict[str, Any], cadres: list[dict[str, Any]]) -> dict[str, str]:
    """The applicant as a person on the application form: the cadre of that name (or the first)."""
    if applicant["is_unit"]:
        return dict.fromkeys(("name", "gender", "birth", "political_status", "post", "id_number", "phone"), "")
    cadre = next((c for c in cadres if c["name"] == applicant["name"]), cadres[0] if cadres else {})
    return {"name": applicant["name"], "gender": cadre.get("gender", ""), "birth": cadre.get("birth", ""),
            "political_status": cadre.get("political_status", ""), "post": cadre.get("post", ""),
            "id_number": applicant["id_number"] or cadre.get("id_number", ""), "phone": applicant["phone"]}


def _extension(rows: list[dict[str, Any]], report_due: str) -> dict[str, Any]:
    """The latest extension, for its approval form; ``due_before`` / ``due_after`` come with each row
    from the caller (the working-day arithmetic is the calendar's)."""
    if not rows:
        return {"date": "", "days": "", "days_text": "\u3000\u3000个工作日", "reason": "", "reason_paragraphs": [],
                "approver": "", "due_before": "", "due_after": "", "ordinal": 0, "previous_days": 0}
    last = rows[-1]
    previous = sum(int(r.get("days") or 0) for r in rows[:-1])
    days = int(last.get("days") or 0)
    return {"date": chinese_date(last.get("approved_on")), "days": days,
            "days_text": f"{days}个工作日" + (f"（此前已延长{previous}个工作日）" if previous else ""),
            "reason": clause(last.get("reason")), "reason_paragraphs": [sentence(p) for p in paragraphs(last.get("reason"))],
            "approver": str(last.get("approver") or ""), "due_before": chinese_date(last.get("due_before")),
            "due_after": chinese_date(last.get("due_after")) or report_due, "ordinal": len(rows),
            "previous_days": previous}


def _note(rows: list[dict[str, Any]], cadres: list[dict[str, Any]]) -> dict[str, Any]:
    """The latest 笔录, with the interviewee's particulars when the interviewee is one of the cadres."""
    keys = ("gender", "birth", "political_status", "post")
    if not rows:
        return {"date": "", "place": "", "interviewers": "", "recorder": "", "interviewee": "",
                "exchanges": [], "person": dict.fromkeys(keys, "")}
    last = rows[-1]
    name = str(last.get("interviewee") or "").strip()
    cadre = next((c for c in cadres if c["name"] and c["name"] == name), {})
    return {"date": chinese_date(last.get("held_on")), "place": str(last.get("place") or ""),
            "interviewers": str(last.get("interviewers") or ""), "recorder": str(last.get("recorder") or ""),
            "interviewee": name, "exchanges": exchanges(last.get("text")),
            "person": {k: str(cadre.get(k, "")) for k in keys}}


def _assessment(rows: list[dict[str, Any]], topic: str) -> dict[str, Any]:
    keys = ("name", "unit", "title")
    if not rows:
        return {"date": "", "kind_label": "", "kind_boxes": boxes(ASSESSMENT_KIND_LABELS, None), "topic": "",
                "participants": [], "participant_rows": _padded([], keys, PARTICIPANT_ROWS), "opinion_paragraphs": []}
    last = rows[-1]
    people = participants(last.get("participants"))
    label = str(last.get("kind_label") or "")
    return {"date": chinese_date(last.get("held_on")), "kind_label": label,
            "kind_boxes": boxes(ASSESSMENT_KIND_LABELS, label), "topic": topic, "participants": people,
            "participant_rows": _padded(people, keys, PARTICIPANT_ROWS),
            "opinion_paragraphs": [sentence(p) for p in paragraphs(last.get("opinion"))]}


def _delivery(details: dict[str, Any], recipient: str, applicant: dict[str, Any], organ: str,
              separate: bool) -> dict[str, Any]:
    """The 送达回证 of the determination letter to ``recipient`` (organ | applicant): the letter's
    number when issued (with two letters, the number of the one to ``recipient``), and what the
    delivery record says once the delivery is registered."""
    if not details.get("determinations"):
        return {"recipient": recipient, "document": "", "document_number": "", "recipient_name": "", "place": "",
                "method": "", "method_boxes": boxes(DELIVERY_METHODS, None), "date": "", "receipt": ""}
    since = str(details["determinations"][-1].get("determined_on") or "")
    done = [d for d in details.get("deliveries") or []
            if d.get("recipient") == recipient and str(d.get("delivered_on") or "") >= since]
    record = done[-1] if done else {}
    if separate:
        number = str((details.get("determination_numbers") or {}).get(recipient) or "")
    else:
        number = str((details.get("issued_numbers") or {}).get("determination-letter") or "")
    default_name = applicant["name"] if recipient == "applicant" else organ
    method = str(record.get("method") or "")
    return {"recipient": recipient, "document": DETERMINATION_TITLE + (f"（{number}）" if number else ""),
            "document_number": number, "recipient_name": str(record.get("recipient_name") or default_name),
            "place": applicant["address"] if recipient == "applicant" else "", "method": method,
            "method_boxes": boxes(DELIVERY_METHODS, method), "date": chinese_date(record.get("delivered_on")),
            "receipt": str(record.get("receipt") or "")}


def letter_context(details: dict[str, Any], office: dict[str, Any], policy: Policy, *, number: str = "",
                   issued_on: date | None = None, recipient: str = "organ",
                   separate_letters: bool = False) -> dict[str, Any]:
    """Every placeholder of every letter template, for one case (see ``docs/templates.md``).

    ``details`` is ``case_details(ws, number)``, optionally with ``issued_numbers`` (kind → the live
    发文字号 of the case's letters), ``determination_numbers`` (organ | applicant → the live 发文字号 of
    each of two determination letters) and, on each extension, ``due_before`` / ``due_after`` (ISO
    dates: the report deadline before and after it); ``office`` has the office profile's fields
    (organ_name, letterhead, code_prefix, organ_kind); ``number`` is the letter's 发文字号,
    ``issued_on`` its 成文日期 (today when not given) and ``recipient`` (organ | applicant) the
    送达回证's, and with ``separate_letters`` (the office issues the determination as two letters) the
    determination letter's: its 主送 (``addressee``) and 抄送 follow.
    """
    issued = issued_on or date.today()
    off = _office(office)
    applicant = _applicant(details.get("applicant") or {})
    cadres = [_cadre(c) for c in details.get("cadres") or []]
    names = [c["name"] for c in cadres] or [applicant["name"]]
    cadre_names = _joined(names)
    cadre_phrase = f"{cadre_names}同志"
    alone = (not applicant["is_unit"]) and names == [applicant["name"]]
    units = list(dict.fromkeys(c["unit"] for c in cadres if c["unit"]))
    accountability = details.get("accountability") or {}
    reports = details.get("reports") or []
    report = reports[-1] if reports else {}
    determinations = details.get("determinations") or []
    determination = determinations[-1] if determinations else {}

    analysis = report.get("situation_analysis") or {}
    claimed = set(details.get("situations") or [])
    situations: list[dict[str, Any]] = []
    for item in policy.situations:
        if item.no in claimed:
            entry = _item(item, len(situations) + 1)
            entry["analysis"] = sentence(analysis.get(str(item.no))) or NO_ANALYSIS
            situations.append(entry)

    found = set(report.get("exclusions") or [])
    exclusions: list[dict[str, Any]] = []
    for index, item in enumerate(policy.exclusions, start=1):
        entry = _item(item, index)
        entry["found"] = item.no in found
        entry["finding"] = "经审查，存在该情形" if item.no in found else "经审查，未发现该情形"
        exclusions.append(entry)
    exclusions_found = [e for e in exclusions if e["found"]]
    if exclusions_found:
        exclusion_finding = (f"存在不得容错情形{_cited(exclusions_found)}，依规不得以容错为由免予责任追究"
                             "或者从轻、减轻处理")
    else:
        exclusion_finding = "未发现不得容错情形"

    given = report.get("distinctions") or {}
    distinctions: list[dict[str, Any]] = []
    for index, item in enumerate(policy.distinctions, start=1):
        entry = _item(item, index)
        entry["analysis"] = sentence(given.get(str(item.no))) or NO_ANALYSIS
        distinctions.append(entry)

    def outcome_of(code: str) -> dict[str, Any]:
        if not code:
            return {"code": "", "label": "", "tolerant": False, "exempted": False, "clause": ""}
        try:
            o = policy.outcome(code)
            label, tolerant = o.label, o.tolerant
        except KeyError:
            label, tolerant = code, False
        return {"code": code, "label": label, "tolerant": tolerant, "exempted": code == "exempted",
                "clause": outcome_clause(code, label)}

    proposal = outcome_of(str(report.get("proposal") or ""))
    outcome = outcome_of(str(determination.get("outcome") or report.get("proposal") or ""))

    extensions = [{"date": chinese_date(e.get("approved_on")), "days": e.get("days") or 0,
                   "reason": clause(e.get("reason")), "approver": str(e.get("approver") or "")}
                  for e in details.get("extensions") or []]
    evidence = [{"date": chinese_date(e.get("received_on")), "title": str(e.get("title") or ""),
                 "source": str(e.get("source") or ""), "pages": e.get("pages") or 0,
                 "description": str(e.get("description") or "")}
                for e in details.get("evidence") or []]
    assessments = [{"date": chinese_date(a.get("held_on")), "kind_label": str(a.get("kind_label") or ""),
                    "participants": clause(a.get("participants")), "opinion": sentence(a.get("opinion"))}
                   for a in details.get("assessments") or []]
    notes = [{"date": chinese_date(n.get("held_on")), "place": str(n.get("place") or ""),
              "interviewers": str(n.get("interviewers") or ""), "recorder": str(n.get("recorder") or ""),
              "interviewee": str(n.get("interviewee") or "")}
             for n in details.get("notes") or []]
    investigators = list(dict.fromkeys(
        name for n in notes for name in re.split(r"[、，,\s]+", n["interviewers"]) if name))
    deadlines = details.get("deadlines") or {}

    organ = str(accountability.get("organ") or "")
    to_applicant = separate_letters and recipient == "applicant"
    addressee = applicant["display"] if to_applicant else organ
    # one letter: 抄送 the applicant (and the other cadre authority); two: each has its own letter
    cc = [off["other_organ"]] if separate_letters else [applicant["display"], off["other_organ"]]
    addressed = {organ, applicant["display"]} if separate_letters else {organ}
    cc = [c for c in dict.fromkeys(cc) if c and c not in addressed]

    claimed_boxes = [_item(item, index) | {"claimed": item.no in claimed,
                                             "box": CHECKED if item.no in claimed else UNCHECKED}
                     for index, item in enumerate(policy.situations, start=1)]
    materials = [{"index": str(i), "title": str(title), "pages": ""}
                 for i, title in enumerate(details.get("materials") or [], start=1)]
    materials += [{"index": str(i), "title": "", "pages": ""} for i in range(len(materials) + 1, MATERIAL_ROWS + 1)]
    known = bool(details.get("number"))
    topic = (f"{cadre_phrase}“{clause(accountability.get('matter'))}”问题的容错免责申请"
             if known and details.get("assessments") else "")

    return {
        "number": number,
        "date": chinese_date(issued),
        "year": issued.year,
        "office": off,
        "policy": {"id": policy.id, "name": policy.name, "review": policy.review,
                   "application_days": policy.application_days, "report_days": policy.report_days,
                   "verification_limit_days": policy.verification_limit_days, "letter_days": policy.letter_days},
        "case": {
            "number": str(details.get("number") or ""),
            "status_label": str(details.get("status_label") or ""),
            "received_on": chinese_date(details.get("received_on")),
            "accepted_on": chinese_date(details.get("accepted_on")),
            "rejected_on": chinese_date(details.get("rejected_on")),
            "rejection_reason": clause(details.get("rejection_reason")),
            "late_application": bool(details.get("late_application")),
            "late_reason": clause(details.get("late_reason")),
            "statement": str(details.get("statement") or ""),
            "materials": list(details.get("materials") or []),
            "application_due": chinese_date(deadlines.get("application_due")),
            "report_due": chinese_date(deadlines.get("report_due")),
            "report_limit": chinese_date(deadlines.get("report_limit")),
            "letter_due": chinese_date(deadlines.get("letter_due")),
        },
        "applicant": applicant,
        "cadres": cadres,
        "cadre_names": cadre_names,
        "cadre_phrase": cadre_phrase,
        "cadre_ref": "其" if alone else cadre_phrase,
        "cadre_units": _joined(units),
        "accountability": {"organ": str(accountability.get("organ") or ""),
                           "started_on": chinese_date(accountability.get("started_on")),
                           "matter": clause(accountability.get("matter")),
                           "by_self": bool(accountability.get("by_self"))},
        "suspension": _suspension(details.get("suspensions") or []),
        "situations": situations,
        "situation_names": "、".join(f"{s['article']}“{s['short']}”" for s in situations),
        "situations_cited": _cited(situations),
        "exclusions": exclusions,
        "exclusions_found": exclusions_found,
        "exclusion_finding": exclusion_finding,
        "distinctions": distinctions,
        "protections": list(policy.protections),
        "protections_text": "、".join(policy.protections),
        "investigators": "、".join(investigators),
        "notes": notes,
        "evidence": evidence,
        "evidence_titles": "、".join(str(e["title"]) for e in evidence),
        "assessments": assessments,
        "extensions": extensions,
        "facts": paragraphs(report.get("findings")),
        "report": {"date": chinese_date(report.get("reported_on")), "proposal": proposal},
        "determination": {"date": chinese_date(determination.get("determined_on")),
                          "reasoning": sentence(determination.get("reasoning")),
                          "approver": str(determination.get("approver") or "")},
        "outcome": outcome,
        "addressee": addressee,
        "cc": cc,
        "cc_text": "，".join(cc),
        # forms
        "blank": False,
        "blank_date": BLANK_DATE,
        "applicant_kind_boxes": boxes(APPLICANT_KINDS, ("单位" if applicant["is_unit"] else "个人") if known else None),
        "show_person": not applicant["is_unit"],
        "show_unit": applicant["is_unit"],
        "person": _person(applicant, cadres),
        "unit": {"name": applicant["name"] if applicant["is_unit"] else "", "credit_code": applicant["credit_code"],
                 "head": "", "contact_person": applicant["contact_person"] if applicant["is_unit"] else "",
                 "phone": applicant["phone"] if applicant["is_unit"] else "",
                 "cadres": "、".join(f"{c['name']}（{c['post']}）" if c["post"] else c["name"] for c in cadres)
                 if applicant["is_unit"] else ""},
        "statement_paragraphs": paragraphs(details.get("statement")),
        "situation_boxes": claimed_boxes,
        "material_rows": materials,
        "extension": _extension(list(details.get("extensions") or []), chinese_date(deadlines.get("report_due"))),
        "note": _note(list(details.get("notes") or []), cadres),
        "assessment": _assessment(list(details.get("assessments") or []), topic),
        "delivery": _delivery(details, recipient, applicant, organ, separate_letters),
        # the statement about one cadre (cadre_context)
        "cadre": {"name": "", "id_number": "", "gender": "", "birth": ""},
        "statements": [],
    }


def blank_context(office: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """The placeholders of a blank form, to fill in by hand: no case, every box unticked, dates as
    ``　　年　　月　　日`` where the template asks for ``blank_date``, both the person's and the
    unit's rows of the application form."""
    context = letter_context({}, office, policy)
    context.update(date="", year="", blank=True, show_person=True, show_unit=True)
    return context


def cadre_context(record: dict[str, Any], office: dict[str, Any], policy: Policy, *, number: str = "",
                  issued_on: date | None = None) -> dict[str, Any]:
    """The placeholders of the 容错免责情况说明 about one cadre (LETTERS §10): ``cadre`` and
    ``statements``, one paragraph per case (the determination, truthfully whatever its outcome; or
    where the case stands), besides the office's and the letter's own.

    ``record`` is ``core.services.cadres.cadre_record`` output whose cases also carry
    ``applicant`` (kind, name) and ``letter_number`` (the live 发文字号 of the determination letter)."""
    context = letter_context({}, office, policy, number=number, issued_on=issued_on)
    we = context["office"]["we"]
    name = str(record.get("name") or "")
    id_number = str(record.get("id_number") or "")
    statements: list[str] = []
    for case in record.get("cases") or []:
        first = not statements
        who = (f"经查，{name}同志" + (f"（身份证号码{id_number}）" if id_number else "")) if first else "该同志"
        received = str(case.get("received_on") or "")
        year = f"于{received[:4]}年" if received else ""
        matter = clause(case.get("matter"))
        applicant = case.get("applicant") or {}
        by = f"，由{applicant.get('name')}" if applicant.get("kind") == "unit" and applicant.get("name") else ""
        text = f"{who}{year}因“{matter}”问题{by}提出容错免责申请，"
        outcome = str(case.get("outcome") or "")
        if outcome:
            label = str(case.get("outcome_label") or outcome)
            ref = f"（认定书文号：{case['letter_number']}）" if case.get("letter_number") else ""
            text += (f"{we}于{chinese_date(case.get('determined_on'))}作出认定{ref}，对其在该问题中的责任"
                     f"{outcome_clause(outcome, label)}。")
            protections = [str(p) for p in case.get("protections") or []]
            if outcome == "exempted" and protections:
                text += f"根据有关规定，上述问题不影响该同志{'、'.join(protections)}。"
        elif case.get("status") == "rejected":
            text += f"经审查，{we}决定不予受理。"
        elif case.get("status") == "withdrawn":
            text += "后申请人撤回了申请。"
        else:
            text += f"{we}正在办理，尚未作出认定。"
        statements.append(text)
    context["cadre"] = {"name": name, "id_number": id_number, "gender": str(record.get("gender") or ""),
                        "birth": chinese_month(record.get("birth_date"))}
    context["statements"] = statements
    return context
