"""Statistics over a period: counts that add up, values computed by hand from the demo data set
(core/services/demo.py), and the printed report: A4, its title and numbers as text, every
character drawn with a glyph of the font it is set in."""
from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from core.errors import UserError, ValidationError
from core.services.case_view import list_cases
from core.services.demo import load_demo
from core.services.statistics import Statistics, statistics, write_statistics_pdf
from core.services.workspace import Workspace
from documents.fonts import FontFace, load_fonts
from documents.pdf_render import MissingGlyphError
from documents.statistics_pdf import render_statistics_pdf

from ..conftest import TODAY

YEAR = (date(2026, 1, 1), TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("statistics") / "data", actor="测试员", today=lambda: TODAY)
    load_demo(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def year(demo: Workspace) -> Statistics:
    return statistics(demo, *YEAR)


def test_the_demo_year_by_hand(year: Statistics) -> None:
    # 24 demo cases; 2025-0001 was received on 2025-12-31 but accepted, reported and determined in 2026.
    assert (year.received, year.late_applications) == (23, 1)
    assert (year.accepted, year.rejected, year.withdrawn) == (18, 2, 2)
    assert (year.reports, year.determinations, year.tolerant) == (13, 11, 10)
    assert {o.code: o.count for o in year.by_outcome} == {"lighter": 3, "mitigated": 2, "exempted": 5,
                                                          "not_exempted": 1}
    assert [o.label for o in year.by_outcome] == ["从轻", "减轻", "免责", "不予免责"]
    assert {c.key: c.count for c in year.received_by_status} == {
        "registered": 3, "investigating": 4, "reported": 2, "determined": 4, "archived": 6, "rejected": 2,
        "withdrawn": 2}
    # situations invoked by the 23 applications, and by the 10 tolerant determinations
    assert {s.no: s.applied for s in year.by_situation} == {1: 2, 2: 4, 3: 3, 4: 5, 5: 4, 6: 4, 7: 2, 8: 5, 9: 1}
    assert {s.no: s.found for s in year.by_situation} == {1: 2, 2: 2, 3: 1, 4: 3, 5: 3, 6: 0, 7: 1, 8: 2, 9: 0}
    assert year.by_situation[3].label == "（四）容缺受理容缺审查"
    # deadlines: 0016, 0015, 0014 determined but their letters not yet delivered to both, deadline passed
    assert (year.reports_late, year.letters_late) == (0, 3)
    assert (year.overdue_now_report, year.overdue_now_letter) == (2, 5)
    # 12 working days from acceptance to report in every demo case, 12 + 8 // 2 after arc-dragon's extension
    assert year.reports_timed == 13 and year.avg_workdays_to_report == pytest.approx((12 * 12 + 16) / 13)
    assert year.determinations_timed == 11 and year.avg_workdays_to_determination == pytest.approx(5.0)
    assert year.estimated_deadlines == 0 and year.estimated_years == ()
    months = {m.month: (m.received, m.accepted, m.determined, m.tolerant) for m in year.by_month}
    assert list(months) == [f"2026-{m:02d}" for m in range(1, 12)]
    assert months["2026-01"] == (1, 1, 1, 1) and months["2026-09"] == (5, 4, 0, 0)
    assert year.by_month[0].label == "2026年1月"
    assert year.title == "中共贺兰县纪律检查委员会 贺兰县监察委员会容错免责工作统计（2026年1月1日至2026年11月27日）"


def test_counts_add_up(year: Statistics) -> None:
    assert sum(o.count for o in year.by_outcome) == year.determinations
    assert sum(o.count for o in year.by_outcome if o.tolerant) == year.tolerant
    assert sum(c.count for c in year.received_by_status) == year.received
    assert sum(m.received for m in year.by_month) == year.received
    assert sum(m.accepted for m in year.by_month) == year.accepted
    assert sum(m.determined for m in year.by_month) == year.determinations
    assert sum(m.tolerant for m in year.by_month) == year.tolerant
    # every case has at least one cadre, so each case counts under at least one unit and organ type
    assert sum(g.received for g in year.by_unit) >= year.received
    assert sum(g.determined for g in year.by_organ_type) >= year.determinations
    assert all(g.tolerant <= g.determined for g in (*year.by_unit, *year.by_organ_type))
    assert all(s.found <= s.applied or s.found <= year.tolerant for s in year.by_situation)
    assert year.overdue_now == year.overdue_now_report + year.overdue_now_letter


def test_units_and_organ_types(demo: Workspace, year: Statistics) -> None:
    organ_types = {g.key: (g.received, g.determined, g.tolerant) for g in year.by_organ_type}
    assert list(organ_types) == list(demo.policy().organ_types)           # all of them, zeros too
    assert organ_types["行政机关"] == (20, 10, 9)
    assert organ_types["企事业单位"] == (2, 1, 1) and organ_types["党的机关"] == (1, 0, 0)
    assert organ_types["人大机关"] == (0, 0, 0)
    units = year.by_unit
    assert len(units) == 11 and units[-1].key == "" and units[-1].label == "其他单位（2 个）"
    assert [u.received for u in units[:-1]] == sorted((u.received for u in units[:-1]), reverse=True)
    assert units[0].key == "贺兰县工业园区管委会" and (units[0].received, units[0].determined) == (3, 2)
    every = statistics(demo, *YEAR, top_units=100).by_unit
    assert len(every) == 12 and all(u.key for u in every)


def test_overdue_now_matches_the_case_list(demo: Workspace, year: Statistics) -> None:
    assert year.overdue_now == len(list_cases(demo, overdue_only=True)) == 7


def test_which_date_puts_a_case_in_the_period(demo: Workspace) -> None:
    november = statistics(demo, date(2026, 11, 1), TODAY)
    assert (november.received, november.accepted, november.determinations) == (4, 2, 0)
    assert [m.month for m in november.by_month] == ["2026-11"]
    december = statistics(demo, date(2025, 12, 1), date(2025, 12, 31))
    assert (december.received, december.accepted, december.reports, december.determinations) == (1, 0, 0, 0)
    assert december.overdue_now == 0      # only cases received by the end of the period
    january = statistics(demo, date(2026, 1, 1), date(2026, 1, 31))
    assert (january.received, january.accepted, january.reports, january.determinations) == (1, 1, 1, 1)
    one_day = statistics(demo, date(2026, 1, 27), date(2026, 1, 27))   # 2025-0001 determined
    assert one_day.determinations == 1 and one_day.received == 0 and one_day.avg_workdays_to_report is None
    future = statistics(demo, date(2027, 1, 1), date(2027, 12, 31))
    assert future.received == 0 and 2027 in future.estimated_years


def test_the_period_must_not_end_before_it_starts(demo: Workspace) -> None:
    with pytest.raises(ValidationError, match="早于"):
        statistics(demo, date(2026, 6, 1), date(2026, 5, 31))


def test_json_is_plain_data(year: Statistics) -> None:
    data = json.loads(json.dumps(year.to_json(), ensure_ascii=False))
    assert data["date_from"] == "2026-01-01" and data["received"] == 23 and data["overdue_now"] == 7
    assert data["by_outcome"][2] == {"code": "exempted", "label": "免责", "tolerant": True, "count": 5}


# --- the PDF --------------------------------------------------------------------------------------

def _postscript_names(faces: list[FontFace]) -> dict[str, FontFace]:
    names = {}
    for face in faces:
        with TTFont(str(face.path), fontNumber=face.subfont_index, lazy=True) as font:
            names[str(font["name"].getDebugName(6))] = face
    return names


def _pdf(data: bytes) -> tuple[list[str], list[tuple[float, float]], list[dict[str, object]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return ([p.extract_text() or "" for p in pdf.pages], [(float(p.width), float(p.height)) for p in pdf.pages],
                [c for p in pdf.pages for c in p.chars])


@pytest.fixture(scope="module")
def report(demo: Workspace, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_statistics_pdf(demo, *YEAR, tmp_path_factory.mktemp("pdf") / "统计.pdf").read_bytes()


def test_the_report_has_the_title_the_sections_and_the_numbers(report: bytes) -> None:
    with pdfplumber.open(io.BytesIO(report)) as pdf:
        assert pdf.metadata["Title"] == ("中共贺兰县纪律检查委员会 贺兰县监察委员会容错免责工作统计"
                                         "（2026年1月1日至2026年11月27日）")
    pages, sizes, _ = _pdf(report)
    assert all(abs(w - 595.28) < 1 and abs(h - 841.89) < 1 for w, h in sizes)       # A4 portrait
    text = "\n".join(pages)
    squashed = text.replace("\n", "").replace(" ", "")
    assert "中共贺兰县纪律检查委员会贺兰县监察委员会容错免责工作统计" in squashed
    assert "（2026年1月1日至2026年11月27日）" in squashed
    for heading in ("一、总体情况", "二、按月份统计", "三、按认定结果统计", "四、按容错情形统计",
                    "五、按干部所在单位统计", "六、按单位类型统计", "七、期限执行情况", "统计口径说明"):
        assert heading in squashed
    assert "统计期间共收到容错免责申请23件（其中超过申请期限提出1件）" in squashed
    assert "作出认定11件，其中从轻3件、减轻2件、免责5件、不予免责1件" in squashed
    assert "予以容错（从轻、减轻、免责）10件，占认定总数的90.9%" in squashed
    for label in ("（四）容缺受理容缺审查", "（九）其他情形", "贺兰县工业园区管委会", "企事业单位", "其他单位（2个）",
                  "免责（容错）", "45.5%", "12.3个工作日（13件）"):
        assert label in squashed
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page


def test_every_character_has_a_glyph_in_its_font(report: bytes) -> None:
    faces = _postscript_names(load_fonts().faces())
    _, _, chars = _pdf(report)
    assert chars
    missing = []
    for char in chars:
        name = str(char["fontname"]).split("+", 1)[-1]
        text = str(char["text"])
        assert name in faces, name
        if not text.isspace() and not faces[name].covers(text):
            missing.append((text, name))
    assert missing == []


def test_a_period_without_determinations_still_prints(demo: Workspace, tmp_path: Path) -> None:
    path = write_statistics_pdf(demo, date(2026, 11, 1), TODAY, tmp_path / "十一月.pdf")
    pages, _, _ = _pdf(path.read_bytes())
    squashed = "".join(pages).replace("\n", "").replace(" ", "")
    assert "统计期间没有作出认定。" in squashed and "收到容错免责申请4件" in squashed


def test_several_years_are_charted_by_year(demo: Workspace) -> None:
    stats = statistics(demo, date(2023, 1, 1), TODAY)
    assert len(stats.by_month) == 47
    pages, _, _ = _pdf(render_statistics_pdf(stats, load_fonts()))
    squashed = "".join(pages).replace("\n", "").replace(" ", "")
    assert "二、按年度统计" in squashed and "2025年" in squashed and "2026年" in squashed


def test_a_character_no_font_has_is_refused(year: Statistics, demo: Workspace, tmp_path: Path) -> None:
    odd = dataclasses.replace(year, organ_name="测试\ue000机关")        # a private-use character
    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        render_statistics_pdf(odd, load_fonts(search_dirs=[], include_system=False))


def test_the_output_must_be_a_pdf_file(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.pdf"):
        write_statistics_pdf(demo, *YEAR, tmp_path / "统计.docx")
    with pytest.raises(UserError, match="文件夹"):
        write_statistics_pdf(demo, *YEAR, tmp_path)
