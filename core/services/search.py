"""Finding cases: one search box over case number, names, ID numbers, units, the accountability
organ and matter, and note texts, with filters, a page at a time.

Text is split at white space; every term must occur. The database adapter decides how: with SQLite,
terms of 3+ characters go through the FTS5 trigram index and 1–2 characters (most Chinese names)
fall back to LIKE over the same text; an 18-character ID number matches that number exactly.

Pages are keyset pages, newest first by default (received_on, then id, descending), or in the
order ``sort`` names: ``after`` is the ``next_key`` of the previous page, so page 2,000 costs what
page 1 costs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from core import validation as v
from core.errors import ValidationError
from core.services.case_view import list_query, list_rows
from core.services.workspace import Workspace
from models.case import Case, CaseCadre
from models.procedure import Determination

MAX_TEXT = 200
MAX_LIMIT = 1000
ID_NUMBER = re.compile(r"\d{17}[\dXx]")
_KEY = re.compile(r"(\d{4}-\d{2}-\d{2})\.(\d+)")
SORTS = {"received": "收到申请日期", "number": "案件编号"}
case_pk: Any = Case.id   # the column (BaseModel types ``id`` as an int for instances)
determination_pk: Any = Determination.id


@dataclass
class Page:
    rows: list[dict[str, Any]]       # like ``list_cases`` rows
    next_key: str | None             # pass as ``after`` for the next page; None on the last page


def search_cases(ws: Workspace, text: str = "", *, status: str | None = None, outcome: str | None = None,
                 unit: str | None = None, received_from: date | str | None = None,
                 received_to: date | str | None = None, after: str | None = None, limit: int = 50,
                 sort: str = "received", descending: bool = True) -> Page:
    """One page of the cases matching ``text`` and every filter given, newest first.

    ``outcome`` is the latest determination of a determined or archived case; ``unit`` is part of a
    concerned cadre's unit; the received dates are inclusive. ``sort`` is ``received`` or
    ``number`` (the case number: year, then sequence)."""
    limit = v.parse_int(limit, "limit", "每页条数", minimum=1, maximum=MAX_LIMIT)
    query = _matching(ws, text, status, outcome, unit, received_from, received_to)
    v.check_choice(sort, "sort", "排序方式", list(SORTS))
    key_columns = (Case.received_on, case_pk) if sort == "received" else (Case.year, Case.seq)
    if after:
        first, second = _parse_key(after, sort)
        # The plain bound on the first column lets SQLite seek its index instead of scanning from
        # the newest case and testing the OR on every row (page 500 in 1.5 ms instead of 7).
        if descending:
            query = query.where((key_columns[0] <= first)
                                & ((key_columns[0] < first) | ((key_columns[0] == first) & (key_columns[1] < second))))
        else:
            query = query.where((key_columns[0] >= first)
                                & ((key_columns[0] > first) | ((key_columns[0] == first) & (key_columns[1] > second))))
    order = [c.desc() if descending else c.asc() for c in key_columns]
    cases = list(query.order_by(*order).limit(limit + 1).objects())
    more = len(cases) > limit
    cases = cases[:limit]
    next_key = _key(cases[-1], sort) if more else None
    return Page(list_rows(ws, cases), next_key)


def count_cases(ws: Workspace, text: str = "", *, status: str | None = None, outcome: str | None = None,
                unit: str | None = None, received_from: date | str | None = None,
                received_to: date | str | None = None) -> int:
    """How many cases ``search_cases`` would list over all its pages."""
    if not any(((text or "").strip(), status, outcome, (unit or "").strip(), received_from, received_to)):
        return int(Case.select().count())   # every case has its applicant: no join needed
    return int(_matching(ws, text, status, outcome, unit, received_from, received_to).count())


def _matching(ws: Workspace, text: str, status: str | None, outcome: str | None, unit: str | None,
              received_from: date | str | None, received_to: date | str | None) -> Any:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError("text", f"搜索内容过长（不超过 {MAX_TEXT} 个字）")
    query = list_query()
    terms = text.split()
    id_numbers = [t.upper() for t in terms if ID_NUMBER.fullmatch(t)]
    others = [t for t in terms if not ID_NUMBER.fullmatch(t)]
    for number in id_numbers:
        query = query.where(ws.adapter.case_id_number_condition(case_pk, number))
    if others:
        query = query.where(ws.adapter.case_text_condition(case_pk, others))
    if status:
        query = query.where(Case.status == status)
    if outcome:
        latest = (Determination.select(Determination.outcome).where(Determination.case == case_pk)
                  .order_by(Determination.determined_on.desc(), determination_pk.desc()).limit(1))
        query = query.where(Case.status.in_(["determined", "archived"]) & (latest == outcome))
    if unit and unit.strip():
        query = query.where(case_pk.in_(CaseCadre.select(CaseCadre.case)
                                        .where(CaseCadre.unit.contains(unit.strip()))))
    if received_from:
        query = query.where(Case.received_on >= v.parse_date(received_from, "received_from", "收到申请日期（起）"))
    if received_to:
        query = query.where(Case.received_on <= v.parse_date(received_to, "received_to", "收到申请日期（止）"))
    return query


def _key(case: Any, sort: str) -> str:
    return f"{case.received_on.isoformat()}.{case.id}" if sort == "received" else f"{case.year}.{case.seq}"


def _parse_key(key: str, sort: str) -> tuple[Any, int]:
    first, _, second = key.strip().partition(".")
    try:
        if sort == "received" and _KEY.fullmatch(key.strip()):
            return date.fromisoformat(first), int(second)
        if sort == "number" and first.isdigit() and second.isdigit():
            return int(first), int(second)
    except ValueError:
        pass
    raise ValidationError("after", "翻页位置无效，请从第一页重新查询")


def rebuild_search_index(ws: Workspace) -> int:
    """Build the search index again from the cases (after a restore, or if ``check`` doubts it);
    returns the number of cases indexed."""
    with ws.change():
        return ws.adapter.rebuild_case_search()


def search_index_problems(ws: Workspace) -> list[str]:
    """The index should hold one row per case; a mismatch means it needs rebuilding."""
    indexed, cases = ws.adapter.case_search_count(), Case.select().count()
    if indexed != cases:
        return [f"搜索索引有 {indexed} 条，案件有 {cases} 件，请重建搜索索引"]
    return []
