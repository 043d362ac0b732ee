"""Case search: FTS5 trigram for 3+ characters, LIKE for 1–2, exact ID numbers, filters, keyset pages."""
from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from core.errors import ValidationError
from core.services.actions import perform_action
from core.services.case_view import list_cases
from core.services.demo import load_demo
from core.services.registration import register_case, register_cases
from core.services.search import count_cases, rebuild_search_index, search_cases, search_index_problems
from core.services.workspace import Workspace
from core.validation import id_check_char
from models.adapter import SEARCH_TABLE


def id_number(seq: int, birth: str = "19850312", area: str = "640104") -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + id_check_char(body)


def application_for(base: dict[str, Any], name: str, seq: int, *, unit: str = "贺兰县财政局",
                    received: str = "2026-03-10", applicant: str | None = None) -> dict[str, Any]:
    app = copy.deepcopy(base)
    gender = "男" if seq % 2 else "女"
    app["cadres"] = [dict(app["cadres"][0], name=name, gender=gender, id_number=id_number(seq), unit=unit)]
    app["applicant"] = {"kind": "person", "name": applicant or name}
    app["received_on"] = received
    return app


def numbers(ws: Workspace, text: str = "", **filters: Any) -> list[str]:
    return [row["number"] for row in search_cases(ws, text, limit=1000, **filters).rows]


@pytest.fixture
def three(workspace: Workspace, application: dict[str, Any]) -> Workspace:
    """2026-0001 王芳 (财政局), 2026-0002 欧阳明华 (住房和城乡建设局), 2026-0003 王芳华 (财政局)."""
    register_case(workspace, application_for(application, "王芳", 1, received="2026-03-10"))
    register_case(workspace, application_for(application, "欧阳明华", 3, unit="贺兰县住房和城乡建设局",
                                             received="2026-03-11"))
    register_case(workspace, application_for(application, "王芳华", 5, received="2026-03-12"))
    return workspace


def test_two_character_names_are_found_though_trigrams_cannot_match_them(three: Workspace) -> None:
    db = three.adapter.db
    # A bare trigram MATCH on a two-character name finds nothing: that is why there is a fallback.
    assert db.execute_sql(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?", ['"王芳"']).fetchall() == []
    assert numbers(three, "王芳") == ["2026-0003", "2026-0001"]
    assert numbers(three, "芳") == ["2026-0003", "2026-0001"]


def test_three_or_more_characters_go_through_the_index(three: Workspace) -> None:
    db = three.adapter.db
    assert len(db.execute_sql(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?",
                              ['"欧阳明华"']).fetchall()) == 1
    assert numbers(three, "欧阳明华") == ["2026-0002"]
    assert numbers(three, "王芳华") == ["2026-0003"]
    assert numbers(three, "2026-0002") == ["2026-0002"]
    assert numbers(three, "老旧小区改造") == ["2026-0003", "2026-0002", "2026-0001"]   # accountability matter


def test_an_id_number_matches_exactly(three: Workspace) -> None:
    assert numbers(three, id_number(3)) == ["2026-0002"]
    assert numbers(three, id_number(3).lower()) == ["2026-0002"]
    assert numbers(three, id_number(7)) == []               # a valid number nobody has
    assert numbers(three, id_number(3)[:-1]) == ["2026-0002"]   # 17 characters: an ordinary substring search


def test_unit_is_searched_and_filtered(three: Workspace) -> None:
    assert numbers(three, "住房和城乡") == ["2026-0002"]
    assert numbers(three, unit="财政") == ["2026-0003", "2026-0001"]
    assert numbers(three, "王芳", unit="财政局") == ["2026-0003", "2026-0001"]
    assert numbers(three, "王芳", unit="住房") == []


def test_note_text_is_findable_right_after_the_note(three: Workspace) -> None:
    perform_action(three, "2026-0001", "accept", "2026-03-13")
    assert numbers(three, "先行先试") == []
    perform_action(three, "2026-0001", "note", "2026-03-16", {"text": "答：属于先行先试中的失误。"})
    assert numbers(three, "先行先试") == ["2026-0001"]
    assert numbers(three, "失误") == ["2026-0001"]      # two characters: the LIKE fallback sees notes too


def test_a_refused_action_leaves_the_index_unchanged(three: Workspace) -> None:
    before = three.adapter.db.execute_sql(f"SELECT rowid, * FROM {SEARCH_TABLE} ORDER BY rowid").fetchall()
    with pytest.raises(ValidationError):   # other clues without saying which: refused
        perform_action(three, "2026-0001", "accept", "2026-03-13", {"clues": "other"})
    perform_action(three, "2026-0001", "accept", "2026-03-13")
    with pytest.raises(ValidationError):
        perform_action(three, "2026-0001", "note", "2026-03-16", {"text": ""})
    after = three.adapter.db.execute_sql(f"SELECT rowid, * FROM {SEARCH_TABLE} ORDER BY rowid").fetchall()
    assert after == before
    assert search_index_problems(three) == []


@pytest.mark.parametrize("text", ['"', '""', '"王芳', "*", "王*", "OR", "a OR b", "NEAR(王芳华)", "AND", "NOT 王芳",
                                  "%", "_", "%%%", "王_", "\\", "'", "(", ")", ":", "number:王芳", "^王", "-",
                                  "王芳华\"*", "　王芳　"])
def test_special_characters_in_the_input_do_not_break_the_query(three: Workspace, text: str) -> None:
    search_cases(three, text)


def test_like_wildcards_are_text(three: Workspace) -> None:
    assert numbers(three, "%") == []
    assert numbers(three, "_") == []
    assert numbers(three, "王%") == []
    assert numbers(three, "王_") == []


def test_terms_must_all_occur(three: Workspace) -> None:
    assert numbers(three, "王芳 财政局") == ["2026-0003", "2026-0001"]
    assert numbers(three, "王芳 住房和") == []
    assert numbers(three, "欧阳 住房和城乡") == ["2026-0002"]


def test_filters_combine_with_text(three: Workspace) -> None:
    perform_action(three, "2026-0003", "accept", "2026-03-13")
    assert numbers(three, "王芳", status="investigating") == ["2026-0003"]
    assert numbers(three, "王芳", status="registered") == ["2026-0001"]
    assert numbers(three, "王芳", received_from="2026-03-11") == ["2026-0003"]
    assert numbers(three, "王芳", received_to="2026-03-11") == ["2026-0001"]
    assert numbers(three, received_from="2026-03-11", received_to="2026-03-11") == ["2026-0002"]
    assert numbers(three, "王芳", outcome="exempted") == []
    assert numbers(three) == ["2026-0003", "2026-0002", "2026-0001"]


def test_outcome_filter_uses_the_latest_determination(workspace: Workspace, application: dict[str, Any]) -> None:
    number = register_case(workspace, application).number
    perform_action(workspace, number, "accept", "2026-03-11")
    perform_action(workspace, number, "report", "2026-03-20", {"findings": "查明", "proposal": "exempted",
                                                               "situation_analysis": {"4": "符合"}})
    perform_action(workspace, number, "determine", "2026-03-23",
                   {"outcome": "exempted", "reasoning": "经研究", "approver": "张明"})
    assert numbers(workspace, outcome="exempted") == [number]
    assert numbers(workspace, "李卫东", outcome="lighter") == []
    assert search_cases(workspace, "李卫东").rows[0]["outcome"] == "exempted"


def test_rows_are_list_rows(three: Workspace) -> None:
    by_number = {row["number"]: row for row in list_cases(three)}
    for row in search_cases(three, "王芳").rows:
        assert row == by_number[row["number"]]


def test_keyset_pages_cover_every_case_once_in_order(workspace: Workspace, application: dict[str, Any]) -> None:
    start = date(2026, 3, 10)
    apps = [application_for(application, "王芳", 1, applicant=f"申请人{i:03d}",
                            received=(start + timedelta(days=i % 45)).isoformat())   # shared dates
            for i in range(120)]
    register_cases(workspace, apps)
    rows = workspace.adapter.db.execute_sql(
        'SELECT number FROM "case" ORDER BY received_on DESC, id DESC').fetchall()
    expected = [r[0] for r in rows]
    for text in ("", "王芳", "老旧小区改造"):
        seen: list[str] = []
        after = None
        pages = 0
        while True:
            page = search_cases(workspace, text, after=after, limit=25)
            seen += [row["number"] for row in page.rows]
            pages += 1
            if page.next_key is None:
                break
            after = page.next_key
        assert seen == expected
        assert pages == 5
    last = search_cases(workspace, limit=120)
    assert len(last.rows) == 120 and last.next_key is None


def test_a_bad_page_key_is_a_validation_error(three: Workspace) -> None:
    for key in ("x", "2026-13-01.4", "2026-03-01", "2026-03-01.x"):
        with pytest.raises(ValidationError):
            search_cases(three, after=key)
    with pytest.raises(ValidationError):
        search_cases(three, limit=0)


def test_rebuild_restores_a_lost_index(three: Workspace) -> None:
    with three.change():
        three.adapter.db.execute_sql(f"DELETE FROM {SEARCH_TABLE}")
    assert numbers(three, "王芳") == []
    assert search_index_problems(three)
    assert rebuild_search_index(three) == 3
    assert numbers(three, "王芳") == ["2026-0003", "2026-0001"]
    assert search_index_problems(three) == []


def test_sorted_by_number_both_ways_pages_through_every_case(workspace) -> None:
    load_demo(workspace)
    total = count_cases(workspace)
    for descending in (True, False):
        seen: list[str] = []
        after = None
        while True:
            page = search_cases(workspace, sort="number", descending=descending, after=after, limit=5)
            seen += [row["number"] for row in page.rows]
            if page.next_key is None:
                break
            after = page.next_key
        assert len(seen) == total == len(set(seen))
        assert seen == sorted(seen, reverse=descending)


def test_oldest_first_is_the_reverse_of_newest_first(workspace) -> None:
    load_demo(workspace)
    newest = [r["number"] for r in search_cases(workspace, limit=1000).rows]
    oldest = [r["number"] for r in search_cases(workspace, limit=1000, descending=False).rows]
    assert oldest == newest[::-1]


def test_count_agrees_with_the_pages(workspace) -> None:
    load_demo(workspace)
    assert count_cases(workspace, "贺兰") == len(search_cases(workspace, "贺兰", limit=1000).rows) > 0
    assert count_cases(workspace, status="archived") == len(search_cases(workspace, status="archived", limit=1000).rows)


def test_short_terms_find_exactly_what_the_indexed_text_holds_in_any_column(workspace: Workspace) -> None:
    """1–2 characters from every column of every demo case, and pairs of them, against the index's
    text searched here in Python: the same cases, no more, no fewer."""
    from models.adapter import SEARCH_COLUMNS
    from models.case import Case

    load_demo(workspace)
    rows = workspace.adapter.db.execute_sql(f"SELECT rowid, {', '.join(SEARCH_COLUMNS)} FROM {SEARCH_TABLE}").fetchall()
    texts = {Case.get_by_id(row[0]).number: [value.lower() for value in row[1:]] for row in rows}
    terms: set[str] = set()
    for row in rows:
        for value in row[1:]:
            for at in (0, len(value) // 2, len(value) - 2):
                if len(value) >= 2 and not value[at:at + 2].isspace():
                    terms.update({value[at:at + 2].strip(), value[at]})
    terms = {t for t in terms if t.strip()}
    assert len(terms) > 100
    for term in sorted(terms):
        expected = sorted(n for n, values in texts.items() if any(term.lower() in v for v in values))
        assert sorted(numbers(workspace, term)) == expected, term
    ordered = sorted(terms)
    for first, second in zip(ordered[::7], ordered[3::7], strict=False):       # every term must occur
        expected = sorted(n for n, values in texts.items()
                          if all(any(t.lower() in v for v in values) for t in (first, second)))
        assert sorted(numbers(workspace, f"{first} {second}")) == expected, (first, second)
