"""The PDF renderer and the line breaker: GB/T 9704 geometry read back from the PDF with pdfplumber."""
from __future__ import annotations

import io
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pdfplumber
import pytest
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents import layout as L
from documents.fonts import FontSet, load_fonts, prepare_bundled_fonts
from documents.line_breaking import (
    Line,
    break_paragraph,
    break_title,
    can_break,
    is_wide,
    title_breaks,
    title_shape,
)
from documents.model import Cell, Document, Paragraph, Table
from documents.pdf_render import MissingGlyphError, cell_width, render_pdf

P = Paragraph
MM = L.MM
PAGE_W, PAGE_H = L.PAGE_WIDTH_MM * MM, L.PAGE_HEIGHT_MM * MM
LEFT, TOP = L.LEFT_MARGIN_MM * MM, L.TOP_MARGIN_MM * MM
RIGHT, BOTTOM = LEFT + L.TEXT_WIDTH_MM * MM, TOP + L.TEXT_HEIGHT_MM * MM
CELL = L.CHAR_PITCH_PT
HALF_MM = 0.5 * MM

# Plain 汉字 without punctuation: every full line holds exactly 28.
HANZI = "经调查核实李卫东同志在老旧小区改造项目审批中实行容缺受理其后因施工单位变更导致补正材料延迟提交未造成经济损失"
PARA = ("经调查核实，李卫东同志在2025年老旧小区改造项目审批中，经局党组集体研究决定实行“容缺受理”，"
        "其后因施工单位变更导致补正材料延迟提交（共45日），未造成经济损失和不良社会影响。")


# --- fixtures and helpers --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """The bundled Noto Sans SC instances only, so results do not depend on the machine's fonts."""
    return load_fonts(search_dirs=[], include_system=False)


@pytest.fixture(scope="session")
def fallback_fonts(tmp_path_factory: pytest.TempPathFactory) -> FontSet:
    """A stand-in official 仿宋 that lacks 䶮 and 㻞 (a subset of Noto Sans SC Regular renamed
    FangSong), so the body falls back to Noto per character."""
    regular = prepare_bundled_fonts()[0]
    folder = tmp_path_factory.mktemp("fangsong")
    chars = set(HANZI + PARA + sample_text()) | {chr(c) for c in range(0x20, 0x7F)} | set("—：；（）")
    chars -= set("䶮㻞")
    font = TTFont(str(regular))
    options = ft_subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 4, 16):
            record.string = "FangSong"
        elif record.nameID == 6:
            record.string = "FangSong-Test"
    font.save(str(folder / "simfang.ttf"))
    return load_fonts(search_dirs=[folder], include_system=False)


def sample_text() -> str:
    return "".join(determination().text_lines()) + "".join(application_form().text_lines())


def determination(sealed: bool = True, fmt: str = "file", signature: str = "中共贺兰县纪委 贺兰县监委") -> Document:
    """A 容错免责认定书 as LETTERS.md §8 describes it."""
    return Document("determination-letter", fmt, [
        P("letterhead", "中共贺兰县纪委 贺兰县监委"),
        P("doc_number", "贺纪容认〔2026〕3号"),
        P("title", "关于对李卫东同志容错免责申请的认定书"),
        P("addressee", "贺兰县住房和城乡建设局党组："),
        P("body", "李卫东同志（贺兰县住房和城乡建设局副局长）于2026年3月10日就老旧小区改造项目容缺受理后材料补正"
                  "不及时被追责一事提出容错免责申请。我委于2026年3月12日受理，并通知问责实施机关暂缓追责。"),
        P("heading1", "一、认定的事实"),
        P("body", "经调查核实，现认定如下：2025年6月，为加快老旧小区改造项目审批进度，李卫东同志经局党组集体研究"
                  "决定，对3个项目实行“容缺受理”，在申请材料尚未齐备的情况下先行受理审批。其后因施工单位变更，"
                  "补正材料延迟45日提交，被群众反映。"),
        P("heading2", "（一）决策程序情况"),
        P("body", "该事项经2025年6月18日局党组会议集体研究决定，会议纪要（贺建党纪〔2025〕12号）载明“容缺受理，"
                  "限期补正”，程序完备。"),
        P("heading2", "（二）主动纠错情况"),
        P("body", "问题发生后，李卫东同志主动督促补正，于2025年9月30日前全部补齐材料，未造成经济损失和不良社会影响。"),
        P("heading1", "二、认定依据和结论"),
        P("body", "根据《贺兰县容错纠错免责实施办法（试行）》第六条第（四）项、第（八）项之规定，经审查不存在第九条"
                  "规定的不得容错情形。对李卫东同志在老旧小区改造项目审批中出现的材料补正不及时问题，予以免责"
                  "（免予追究责任），在党风廉政建设责任制考核、干部提拔任用党风廉政审查、评优评先、职称评定及"
                  "年度考核中不受影响。"),
        P("body", "请你局于2026年12月31日前完善容缺受理事项台账管理制度，并将整改情况书面报送我委。当事人对本认定"
                  "不服的，可在收到本认定书之日起10个工作日内向我委申请复核。"),
        P("attachment_note", "附件：1.李卫东同志容错免责申请调查核实报告\n"
                             "2.贺兰县住房和城乡建设局党组会议纪要（贺建党纪〔2025〕12号）及容缺受理事项补正材料清单"),
        P("signature", signature),
        P("date", "2026年11月27日"),
        P("note", "（联系人：王晓䶮，联系电话：0951-8012345）"),
        P("cc", "抄送：李卫东同志，县委组织部，银川市纪委监委案件审理室，贺兰县住房和城乡建设局机关纪委。"),
        P("printer", "中共贺兰县纪委办公室\t2026年11月27日印发"),
    ], sealed=sealed)


def application_form(extra_rows: int = 0) -> Document:
    """A 容错免责申请表 (LETTERS.md §1), optionally with many more rows so it runs over pages."""
    C = Cell
    rows = [
        [C("申请人类别", bold=True, align="center"), C("■个人　□单位", colspan=3)],
        [C("姓　　名", align="center"), C("王晓䶮"), C("性　　别", align="center"), C("男")],
        [C("出生年月", align="center"), C("1980年1月"), C("政治面貌", align="center"), C("中共党员")],
        [C("工作单位及职务", align="center"), C("贺兰县住房和城乡建设局副局长", colspan=3)],
        [C("身份证号码", align="center"), C("640104198001011235"), C("联系电话", align="center"), C("13909510000")],
        [C("追责事项", bold=True, align="center", rowspan=3), C("问责实施机关：贺兰县纪委监委", colspan=3)],
        [C("启动追责程序时间：2026年3月2日", colspan=3)],
        [C("事项摘要：老旧小区改造项目容缺受理后材料补正不及时，被群众反映至12345热线。", colspan=3)],
        [C("申请容错的事实和理由", align="center"),
         C("为提高审批效率实行容缺受理，出现偏差后已主动纠正，于2025年9月30日前全部补齐材料，"
           "未造成经济损失和不良社会影响。", colspan=3)],
        [C("所在单位党组织意见", align="center"), C("\n\n（盖章）\n年　　月　　日", colspan=3, align="center")],
        [C("申请人签名", align="center"), C(""), C("日　　期", align="center"), C("")],
    ]
    rows += [[C(f"证明材料{i + 1}", align="center"), C(f"第{i + 1}份证明材料：{PARA}", colspan=3)]
             for i in range(extra_rows)]
    min_lines = [0] * 8 + [7, 4, 0]
    return Document("application-form", "form", [
        P("form_title", "容错免责申请表"),
        P("form_text", "编号：贺纪容申〔2026〕3号"),
        Table(rows, [0.2, 0.3, 0.2, 0.3], min_row_lines=min_lines),
    ], sealed=False, page_footer="申请人签名：__________　日期：__________")


def pdf_pages(data: bytes) -> list[Any]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(page.width, page.height, list(page.chars), list(page.lines), list(page.rects))
                for page in pdf.pages]


def baseline(ch: dict[str, Any]) -> float:
    """A character's baseline, from the page top."""
    return float(PAGE_H - ch["matrix"][5])


def text_lines(chars: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped by baseline, top to bottom, each line left to right."""
    by_line: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for ch in chars:
        by_line[round(baseline(ch), 1)].append(ch)
    return [sorted(by_line[y], key=lambda c: c["x0"]) for y in sorted(by_line)]


def is_red(ch: dict[str, Any]) -> bool:
    colour = ch["non_stroking_color"]
    return isinstance(colour, tuple) and len(colour) == 3 and colour[0] > 0.8 and colour[1] < 0.2


def is_page_number(ch: dict[str, Any]) -> bool:
    return bool(ch["top"] > BOTTOM)


def body_chars(chars: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in chars if not is_page_number(c)]


def line_text(line: Sequence[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in line)


def find_line(pages: list[Any], text: str) -> tuple[int, list[dict[str, Any]]]:
    for n, (_w, _h, chars, _l, _r) in enumerate(pages):
        for line in text_lines(chars):
            if line_text(line).strip() == text:
                return n, line
    raise AssertionError(f"no line {text!r}")


def full_page_doc(pages: int = 2) -> Document:
    """One long paragraph of plain 汉字 running over ``pages`` and a bit."""
    return Document("report", "file", [P("body", HANZI * (12 * pages + 1))], sealed=False)


# --- line breaking (pure) --------------------------------------------------------------------------

def simple_measure(size: float = 16.0) -> Any:
    return lambda s: 0.55 * size * len(s)


def breaks_of(lines: Sequence[Line]) -> list[tuple[str, str]]:
    return [(a.text[-1], b.text[0]) for a, b in itertools.pairwise(lines)]


@pytest.mark.parametrize("ch", list(L.NO_LINE_START))
@pytest.mark.parametrize("extra", [0, 1, 2])
def test_no_line_starts_with_a_forbidden_character(ch: str, extra: int) -> None:
    # the forbidden character falls at the start of line 2 (or 1-2 characters later with extra)
    text = "汉" * (28 + extra) + ch + "字" * 40
    lines = break_paragraph(text, 28 * CELL, cell=CELL, measure=simple_measure())
    for line in lines[1:]:
        assert line.text[0] not in L.NO_LINE_START, (ch, [x.text for x in lines])
    assert "".join(x.text for x in lines) == text
    for line in lines:
        assert line.width <= 28 * CELL + 0.01         # nothing hangs into the margin


@pytest.mark.parametrize("ch", list(L.NO_LINE_END))
@pytest.mark.parametrize("extra", [-1, 0, 1])
def test_no_line_ends_with_a_forbidden_character(ch: str, extra: int) -> None:
    text = "汉" * (27 + extra) + ch + "字" * 40
    lines = break_paragraph(text, 28 * CELL, cell=CELL, measure=simple_measure())
    for line in lines[:-1]:
        assert line.text[-1] not in L.NO_LINE_END, (ch, [x.text for x in lines])
    assert "".join(x.text for x in lines) == text


def test_pull_down_leaves_a_short_line_that_is_justified() -> None:
    text = "汉" * 28 + "。" + "字" * 10
    lines = break_paragraph(text, 28 * CELL, cell=CELL, measure=simple_measure())
    assert [len(x.text) for x in lines] == [27, 12]
    assert lines[1].text.startswith("汉。")


def test_ascii_words_are_never_split() -> None:
    text = "汉" * 26 + "2026年PDF文件GB/T 9704-2012"
    lines = break_paragraph(text, 28 * CELL, cell=CELL, measure=simple_measure())
    assert lines[0].text.endswith("汉")                  # 2026 does not fit in the last 2 cells... whole
    assert lines[1].text.startswith("2026")
    words = re.findall(r"[A-Za-z0-9/\-]+", text)
    for line in lines:
        for word in re.findall(r"[A-Za-z0-9/\-]+", line.text):
            assert word in words


def test_first_line_indent_and_cells() -> None:
    lines = break_paragraph(HANZI * 3, 28 * CELL, cell=CELL, measure=simple_measure(), first_indent=2 * CELL)
    assert len(lines[0].text) == 26 and lines[0].indent == 2 * CELL
    assert all(len(x.text) == 28 and x.indent == 0 for x in lines[1:-1])


def test_a_word_longer_than_the_line_is_cut_as_a_last_resort() -> None:
    url = "https://example.org/" + "a" * 120
    lines = break_paragraph(url, 28 * CELL, cell=CELL, measure=simple_measure())
    assert len(lines) > 1 and "".join(x.text for x in lines) == url
    assert all(x.width <= 28 * CELL + 0.01 for x in lines)


PUNCT = L.NO_LINE_START + L.NO_LINE_END
ALPHABET = HANZI[:10] + PUNCT + "ab12 "


def check_breaks(text: str, lines: Sequence[Line], width: float) -> None:
    """Every break respects 避头尾 unless the line offered no legal break at all."""
    assert "".join(x.text for x in lines).replace(" ", "") == text.replace(" ", "")
    for a, b in itertools.pairwise(lines):
        if can_break(a.text[-1], b.text[0]):
            continue
        inner = [(a.text[k - 1], a.text[k]) for k in range(1, len(a.text))]
        legal_inside = [k for k, (x, y) in enumerate(inner, start=1)
                        if can_break(x, y) and (is_wide(x) or is_wide(y) or x == " " or y == " ")]
        assert not legal_inside, (a.text, b.text)
    for line in lines:
        if len(line.tokens) > 1:
            assert line.indent + line.width <= width + 0.01


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=200), st.integers(min_value=0, max_value=4))
def test_breaking_random_punctuation_heavy_text(text: str, indent: int) -> None:
    if not text.strip():
        return
    width = 28 * CELL
    lines = break_paragraph(text, width, cell=CELL, measure=simple_measure(), first_indent=indent * CELL)
    check_breaks(text, lines, width)


# Words that always leave a legal break: a 汉字 with closing punctuation after it, or opening
# punctuation before it.
WORDS = st.one_of(
    st.tuples(st.sampled_from(HANZI), st.text(alphabet=L.NO_LINE_START, max_size=2)).map("".join),
    st.tuples(st.text(alphabet=L.NO_LINE_END, max_size=2), st.sampled_from(HANZI)).map("".join),
    st.sampled_from(["2026", "PDF", "GB/T", "12345"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=90))
def test_breaking_adversarial_text_always_respects_the_rules(words: list[str]) -> None:
    text = "".join(words)
    lines = break_paragraph(text, 28 * CELL, cell=CELL, measure=simple_measure(), first_indent=2 * CELL)
    for a, b in itertools.pairwise(lines):
        assert a.text[-1] not in L.NO_LINE_END and b.text[0] not in L.NO_LINE_START, (a.text, b.text)


# --- titles ----------------------------------------------------------------------------------------

TITLE_CELL = cell_width(L.TITLE_PT)


def title_lengths(lines: Sequence[str]) -> list[float]:
    m = simple_measure(L.TITLE_PT)
    return [sum(TITLE_CELL if is_wide(c) else m(c) for c in s) / TITLE_CELL for s in lines]


TITLES = [
    "关于对李卫东同志容错免责申请的调查核实报告",
    "关于对贺兰县住房和城乡建设局李卫东同志容错免责申请的认定书",
    "关于印发《贺兰县容错纠错免责实施办法（试行）》和配套文书格式的通知",
    "关于2026年度贺兰县容错纠错免责工作开展情况及下一步工作安排的报告",
    "中共贺兰县纪委贺兰县监委关于对贺兰县住房和城乡建设局、贺兰县自然资源局、贺兰县农业农村局"
    "三个单位容错免责申请办理情况的通报",
]


@pytest.mark.parametrize("title", TITLES)
def test_title_lines_are_a_trapezoid_or_diamond(title: str) -> None:
    width = L.TEXT_WIDTH_MM * MM
    lines = break_title(title, width, cell=TITLE_CELL, measure=simple_measure(L.TITLE_PT))
    assert "".join(lines) == title
    lengths = title_lengths(lines)
    assert all(x * TITLE_CELL <= width + 0.01 for x in lengths)
    assert len(lines) >= 2
    assert title_shape(lengths) in ("trapezoid", "diamond"), (lines, lengths)


def test_title_breaks_only_at_word_boundaries() -> None:
    title = TITLES[0]
    lines = break_title(title, L.TEXT_WIDTH_MM * MM, cell=TITLE_CELL, measure=simple_measure(L.TITLE_PT))
    assert lines == ["关于对李卫东同志容错免责申请的", "调查核实报告"]
    assert set(title_breaks("关于印发《办法》的通知")) >= {2, 4, 8}      # after 关于, before 《, after 的


def test_title_fits_on_one_line_when_short() -> None:
    assert break_title("容错免责认定书", 442, cell=TITLE_CELL, measure=simple_measure()) == ["容错免责认定书"]
    # 20 cells of 二号 fill the 版心: 28 × CHAR_PITCH / (22 × GRID_SCALE)
    assert int(L.TEXT_WIDTH_MM * MM // TITLE_CELL) == 20


def test_title_honours_given_break_positions() -> None:
    title = "关于对贺兰县住房和城乡建设局李卫东同志容错免责申请的认定书"
    lines = break_title(title, 442.2, cell=TITLE_CELL, measure=simple_measure(), breaks=[3, 19])
    assert lines == ["关于对贺兰县住房和城乡建设局李卫东同志", "容错免责申请的认定书"]


def test_title_shapes() -> None:
    assert title_shape([18, 12]) == "trapezoid"
    assert title_shape([12, 18, 10]) == "diamond"
    assert title_shape([18, 18]) == "rectangle"
    assert title_shape([18, 8, 18]) == "bad"           # hourglass
    assert title_shape([8, 18]) == "bad"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(HANZI), st.sampled_from(["", "", "", "的", "和", "、", "，", "关于"]))
                .map("".join), min_size=12, max_size=30).map("".join))
def test_titles_are_never_an_hourglass(title: str) -> None:
    width = L.TEXT_WIDTH_MM * MM
    lines = break_title(title, width, cell=TITLE_CELL, measure=simple_measure(L.TITLE_PT))
    assert "".join(lines) == title
    lengths = title_lengths(lines)
    assert all(x * TITLE_CELL <= width + 0.01 for x in lengths)
    shape = title_shape(lengths)
    assert shape in ("one", "trapezoid", "diamond", "rectangle"), (lines, lengths)
    if shape == "rectangle" and len(lines) == 2:
        # only when every legal trapezoid is badly lopsided (lines differing by 9 cells or more)
        for p in title_breaks(title):
            first, second = title_lengths([title[:p], title[p:]])
            assert not (first <= 20 and second <= 20 and 0.5 < first - second < 9), (lines, p)
    for a, b in itertools.pairwise(lines):
        assert can_break(a[-1], b[0])


# --- the PDF: page, grid, positions ----------------------------------------------------------------

@pytest.fixture(scope="session")
def sealed_pdf(fonts: FontSet) -> bytes:
    return render_pdf(determination(sealed=True), fonts)


@pytest.fixture(scope="session")
def unsealed_pdf(fonts: FontSet) -> bytes:
    return render_pdf(determination(sealed=False), fonts)


@pytest.fixture(scope="session")
def letter_pdf(fonts: FontSet) -> bytes:
    return render_pdf(determination(fmt="letter"), fonts)


@pytest.fixture(scope="session")
def form_pdf(fonts: FontSet) -> bytes:
    return render_pdf(application_form(), fonts)


@pytest.fixture(scope="session")
def long_form_pdf(fonts: FontSet) -> bytes:
    return render_pdf(application_form(extra_rows=25), fonts)


ALL = ["sealed_pdf", "unsealed_pdf", "letter_pdf", "form_pdf", "long_form_pdf"]


@pytest.mark.parametrize("name", ALL)
def test_pages_are_a4(name: str, request: pytest.FixtureRequest) -> None:
    for w, h, *_ in pdf_pages(request.getfixturevalue(name)):
        assert abs(w - 595.28) <= 0.5 and abs(h - 841.89) <= 0.5


@pytest.mark.parametrize("name", ALL)
def test_every_character_lies_inside_the_text_block(name: str, request: pytest.FixtureRequest) -> None:
    letter = name == "letter_pdf"
    for n, (_w, _h, chars, _l, _r) in enumerate(pdf_pages(request.getfixturevalue(name))):
        page_number = [c for c in chars if is_page_number(c)]
        assert re.fullmatch(r"(— \d+ —)?", line_text(page_number))
        for c in body_chars(chars):
            if letter and n == 0 and is_red(c) and c["top"] < TOP:
                continue        # 信函格式: the red 标志 sits 30 mm from the page top, above the 版心
            assert c["x0"] >= LEFT - HALF_MM and c["x1"] <= RIGHT + HALF_MM, c
            assert c["top"] >= TOP - HALF_MM and c["bottom"] <= BOTTOM + HALF_MM, c


def test_a_full_page_has_22_lines_of_28_characters(fonts: FontSet) -> None:
    pages = pdf_pages(render_pdf(full_page_doc(), fonts))
    assert len(pages) >= 2
    for n in (0, 1):
        lines = text_lines(body_chars(pages[n][2]))
        assert len(lines) == L.LINES_PER_PAGE
        baselines = [baseline(line[0]) for line in lines]
        for a, b in itertools.pairwise(baselines):
            assert b - a == pytest.approx(L.LINE_PITCH_PT, abs=0.01)
        # the em box of line 1 is centred in the first grid slot
        assert baselines[0] == pytest.approx(TOP + (L.LINE_PITCH_PT - 16) / 2 + 0.88 * 16, abs=0.01)
        for line in lines[1:]:
            if n == 0 or line is not lines[0]:
                assert len(line) == 28
                assert line[0]["x0"] == pytest.approx(LEFT, abs=0.5)
                assert line[-1]["x1"] == pytest.approx(RIGHT, abs=0.5)
                steps = [b["x0"] - a["x0"] for a, b in itertools.pairwise(line)]
                assert all(s == pytest.approx(CELL, abs=0.01) for s in steps)
    first = text_lines(pages[0][2])[0]
    assert len(first) == 26
    assert first[0]["x0"] == pytest.approx(LEFT + 2 * CELL, abs=0.5)


def test_pdf_lines_respect_the_line_breaking_rules(sealed_pdf: bytes) -> None:
    for _w, _h, chars, _l, _r in pdf_pages(sealed_pdf):
        for line in text_lines(body_chars(chars)):
            text = line_text(line)
            assert text[0] not in L.NO_LINE_START and text[-1] not in L.NO_LINE_END, text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, min_size=30, max_size=200))
def test_pdf_of_adversarial_text_respects_the_line_breaking_rules(fonts: FontSet, words: list[str]) -> None:
    doc = Document("report", "file", [P("body", "".join(words)), P("body", "".join(reversed(words)))])
    for _w, _h, chars, _l, _r in pdf_pages(render_pdf(doc, fonts)):
        for line in text_lines(body_chars(chars)):
            text = line_text(line)
            assert text[0] not in L.NO_LINE_START and text[-1] not in L.NO_LINE_END, text
            assert line[0]["x0"] >= LEFT - HALF_MM and line[-1]["x1"] <= RIGHT + HALF_MM


def test_page_numbers_alternate_sides_seven_mm_below_the_text_block(fonts: FontSet) -> None:
    data = render_pdf(full_page_doc(pages=3), fonts)
    pages = pdf_pages(data)
    assert len(pages) >= 3
    side = cell_width(L.PAGE_NUMBER_PT)
    for n, (_w, _h, chars, _l, _r) in enumerate(pages, start=1):
        number = [c for c in chars if is_page_number(c)]
        assert line_text(number) == f"— {n} —"
        assert all(c["size"] == pytest.approx(L.PAGE_NUMBER_PT) for c in number)
        if n % 2:
            assert number[-1]["x1"] == pytest.approx(RIGHT - side, abs=0.5)
        else:
            assert number[0]["x0"] == pytest.approx(LEFT + side, abs=0.5)
        stroke = baseline(number[0]) - L.PAGE_NUMBER_DASH_RISE_EM * L.PAGE_NUMBER_PT
        assert stroke - BOTTOM == pytest.approx(7 * MM, abs=1 * MM)
    # and the dash really prints there: find its ink on a rendering of page 1
    import pypdfium2 as pdfium

    scale = 4.0
    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[0].render(scale=scale).to_pil().convert("L")
    finally:
        pdf.close()
    dash = next(c for c in pages[0][2] if c["text"] == "—")
    x0, x1 = int((dash["x0"] + 2) * scale), int((dash["x1"] - 2) * scale)
    rows = [y for y in range(int(BOTTOM * scale), int((BOTTOM + 15 * MM) * scale))
            if sum(image.getpixel((x, y)) < 128 for x in range(x0, x1)) > (x1 - x0) // 2]
    assert rows, "no dash ink found"
    centre = (rows[0] + rows[-1]) / 2 / scale
    assert centre - BOTTOM == pytest.approx(7 * MM, abs=1 * MM)


def horizontal_rules(lines: Iterable[dict[str, Any]], rects: Iterable[dict[str, Any]]) -> list[tuple[float, float, float, float]]:
    """(y from the page top, thickness, x0, x1) of horizontal rules drawn as lines or thin rectangles."""
    out = [(float(ln["top"]), float(ln["linewidth"]), float(ln["x0"]), float(ln["x1"]))
           for ln in lines if abs(ln["top"] - ln["bottom"]) < 0.01]
    out += [((r["top"] + r["bottom"]) / 2, r["bottom"] - r["top"], r["x0"], r["x1"])
            for r in rects if r["bottom"] - r["top"] < 3]
    return sorted(out)


@pytest.mark.parametrize("name", ["sealed_pdf", "unsealed_pdf"])
def test_colophon_sits_on_the_bottom_of_the_last_page(name: str, request: pytest.FixtureRequest) -> None:
    pages = pdf_pages(request.getfixturevalue(name))
    _w, _h, chars, lines, rects = pages[-1]
    rules = [r for r in horizontal_rules(lines, rects) if r[0] > TOP]
    assert len(rules) == 3
    (y1, t1, *_), (y2, t2, *_), (y3, t3, *_) = rules
    assert t1 == pytest.approx(0.35 * MM, abs=0.01) and t3 == pytest.approx(0.35 * MM, abs=0.01)
    assert t2 == pytest.approx(0.25 * MM, abs=0.01)
    assert y3 == pytest.approx(BOTTOM, abs=0.3 * MM)          # the last rule on the 版心 bottom edge
    for _y, _t, x0, x1 in rules:
        assert x0 == pytest.approx(LEFT, abs=0.1) and x1 == pytest.approx(RIGHT, abs=0.1)
    colophon = text_lines(c for c in body_chars(chars) if y1 < c["top"] < y3)
    side = cell_width(L.COLOPHON_PT)
    assert line_text(colophon[0]).startswith("抄送：")
    assert colophon[0][0]["x0"] == pytest.approx(LEFT + side, abs=0.5)
    assert colophon[1][0]["x0"] == pytest.approx(colophon[0][3]["x0"], abs=0.5)   # wraps after 抄送：
    assert colophon[0][-1]["x1"] <= RIGHT - side + 0.5
    printer = colophon[-1]
    assert line_text(printer).startswith("中共贺兰县纪委办公室") and line_text(printer).endswith("2026年11月27日印发")
    assert printer[0]["x0"] == pytest.approx(LEFT + side, abs=0.5)
    assert printer[-1]["x1"] == pytest.approx(RIGHT - side, abs=0.5)
    assert y1 < baseline(printer[0]) - 10 and y2 < baseline(printer[0]) < y3


def colophon_doc(lines: int) -> Document:
    return Document("notice", "file", [P("plain", "汉字。") for _ in range(lines)] + [
        P("cc", "抄送：县委组织部。"), P("printer", "贺兰县纪委办公室　2026年11月27日印发")], sealed=False)


def test_colophon_goes_under_the_body_when_it_fits(fonts: FontSet) -> None:
    pages = pdf_pages(render_pdf(colophon_doc(20), fonts))
    assert len(pages) == 1
    assert line_text([c for c in pages[0][2] if is_page_number(c)]) == "— 1 —"
    printer = find_line(pages, "贺兰县纪委办公室2026年11月27日印发")[1]
    assert baseline(printer[0]) == pytest.approx(TOP + 21 * L.LINE_PITCH_PT + (L.LINE_PITCH_PT - 14) / 2 + 0.88 * 14, abs=0.5)


def test_colophon_that_does_not_fit_gets_a_page_without_number(fonts: FontSet) -> None:
    pages = pdf_pages(render_pdf(colophon_doc(21), fonts))
    assert len(pages) == 2
    assert line_text([c for c in pages[0][2] if is_page_number(c)]) == "— 1 —"
    assert not [c for c in pages[1][2] if is_page_number(c)]
    assert line_text(text_lines(pages[1][2])[0]).startswith("抄送")
    rules = horizontal_rules(pages[1][3], pages[1][4])
    assert rules[-1][0] == pytest.approx(BOTTOM, abs=0.3 * MM)


def test_signature_block_never_starts_a_page_alone(fonts: FontSet) -> None:
    doc = Document("notice", "file", [P("plain", f"第{i}行。") for i in range(21)] + [
        P("signature", "贺兰县纪委"), P("date", "2026年11月27日")], sealed=False)
    pages = pdf_pages(render_pdf(doc, fonts))
    assert len(pages) == 2
    lines = [line_text(x) for x in text_lines(body_chars(pages[1][2]))]
    assert lines == ["第20行。", "贺兰县纪委", "2026年11月27日"]


def date_and_signature(pages: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    _n, date = find_line(pages, "2026年11月27日")
    n, _ = find_line(pages, "2026年11月27日")
    lines = text_lines(body_chars(pages[n][2]))
    k = [line_text(x) for x in lines].index("2026年11月27日")
    return lines[k - 1], date


def test_sealed_date_ends_four_characters_in_with_the_signature_centred_over_it(sealed_pdf: bytes) -> None:
    signature, date = date_and_signature(pdf_pages(sealed_pdf))
    assert line_text(signature) == "中共贺兰县纪委贺兰县监委"
    assert date[-1]["x1"] == pytest.approx(RIGHT - 4 * CELL, abs=0.5)
    centre = (date[0]["x0"] + date[-1]["x1"]) / 2
    assert (signature[0]["x0"] + signature[-1]["x1"]) / 2 == pytest.approx(centre, abs=0.5)
    # room for the seal: BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL blank lines above the 署名
    pages = pdf_pages(sealed_pdf)
    n, _ = find_line(pages, "2026年11月27日")
    baselines = [baseline(x[0]) for x in text_lines(body_chars(pages[n][2]))]
    k = baselines.index(baseline(signature[0]))
    assert baselines[k] - baselines[k - 1] == pytest.approx(
        (1 + L.BLANK_LINES_BEFORE_SIGNATURE_WITH_SEAL) * L.LINE_PITCH_PT, abs=0.01)


def test_unsealed_signature_two_in_and_date_two_right_of_its_start(unsealed_pdf: bytes) -> None:
    signature, date = date_and_signature(pdf_pages(unsealed_pdf))
    assert signature[-1]["x1"] == pytest.approx(RIGHT - 2 * CELL, abs=0.5)
    assert date[0]["x0"] == pytest.approx(signature[0]["x0"] + 2 * CELL, abs=0.5)
    assert baseline(date[0]) - baseline(signature[0]) == pytest.approx(L.LINE_PITCH_PT, abs=0.01)


def test_unsealed_date_longer_than_signature(fonts: FontSet) -> None:
    pages = pdf_pages(render_pdf(determination(sealed=False, signature="贺兰县纪委"), fonts))
    signature, date = date_and_signature(pages)
    assert date[-1]["x1"] == pytest.approx(RIGHT - 2 * CELL, abs=0.5)
    centre = (date[0]["x0"] + date[-1]["x1"]) / 2
    assert (signature[0]["x0"] + signature[-1]["x1"]) / 2 == pytest.approx(centre, abs=0.5)


def test_file_format_header(sealed_pdf: bytes) -> None:
    pages = pdf_pages(sealed_pdf)
    _w, _h, chars, lines, rects = pages[0]
    red = [c for c in chars if is_red(c)]
    assert line_text(red) == "中共贺兰县纪委贺兰县监委"
    assert min(c["top"] for c in red) == pytest.approx(TOP + 35 * MM, abs=0.5)      # 标志 35 mm under the 版心 top
    assert (min(c["x0"] for c in red) + max(c["x1"] for c in red)) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1)
    _n, number = find_line(pages, "贺纪容认〔2026〕3号")
    assert (number[0]["x0"] + number[-1]["x1"]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1)
    lh_bottom = max(c["top"] for c in red) + L.LETTERHEAD_PT
    assert number[0]["top"] - lh_bottom == pytest.approx(2 * L.LINE_PITCH_PT + (L.LINE_PITCH_PT - 16) / 2, abs=0.5)
    rule = [r for r in horizontal_rules(lines, rects) if r[0] < BOTTOM]
    assert len(rule) == 1
    y, _thickness, x0, x1 = rule[0]
    assert y - max(c["bottom"] for c in number) == pytest.approx(4 * MM, abs=0.3)
    assert x0 == pytest.approx(LEFT, abs=0.1) and x1 == pytest.approx(RIGHT, abs=0.1)
    _n, title = find_line(pages, "关于对李卫东同志容错免责申请的认定书")
    assert all(c["size"] == pytest.approx(L.TITLE_PT) for c in title)
    slot_top = baseline(title[0]) - (L.LINE_PITCH_PT - 22) / 2 - 0.88 * 22
    assert slot_top - y >= 2 * L.LINE_PITCH_PT - 0.01
    assert slot_top - y < 3 * L.LINE_PITCH_PT
    assert (slot_top - TOP) / L.LINE_PITCH_PT == pytest.approx(round((slot_top - TOP) / L.LINE_PITCH_PT), abs=1e-6)
    # 主送 one blank line under the title, flush left; page 1 shows 正文
    _n, addressee = find_line(pages, "贺兰县住房和城乡建设局党组：")
    addressee_slot = baseline(addressee[0]) - (L.LINE_PITCH_PT - 16) / 2 - 0.88 * 16
    assert addressee_slot - slot_top == pytest.approx(2 * L.LINE_PITCH_PT, abs=0.01)
    assert addressee[0]["x0"] == pytest.approx(LEFT, abs=0.5)
    body = text_lines(body_chars(chars))
    k = [line_text(x) for x in body].index("贺兰县住房和城乡建设局党组：")
    assert body[k + 1][0]["x0"] == pytest.approx(LEFT + 2 * CELL, abs=0.5)


def test_headings_and_attachment_note(sealed_pdf: bytes, fonts: FontSet) -> None:
    pages = pdf_pages(sealed_pdf)
    _n, h1 = find_line(pages, "一、认定的事实")
    _n, h2 = find_line(pages, "（一）决策程序情况")
    assert h1[0]["x0"] == pytest.approx(LEFT + 2 * CELL, abs=0.5)
    assert h2[0]["x0"] == pytest.approx(LEFT + 2 * CELL, abs=0.5)
    assert "Bold" in h1[0]["fontname"] and "Medium" in h2[0]["fontname"]       # 黑体 / 楷体 stand-ins
    _n, first = find_line(pages, "附件：1.李卫东同志容错免责申请调查核实报告")
    assert first[0]["x0"] == pytest.approx(LEFT + 2 * CELL, abs=0.5)
    label = 3           # 附件：
    second = next(x for _w, _h, chars, _l, _r in pages for x in text_lines(chars)
                     if line_text(x).startswith("2.贺兰县"))
    assert second[0]["x0"] == pytest.approx(first[label]["x0"], abs=0.5)          # 2. under 1.
    lines = [x for p in pages for x in text_lines(body_chars(p[2]))]
    k = next(i for i, x in enumerate(lines) if line_text(x).startswith("2.贺兰县"))
    wrapped = lines[k + 1]
    assert wrapped[0]["x0"] == pytest.approx(second[2]["x0"], abs=0.5)             # name under name


def test_note_follows_the_date_two_characters_in(sealed_pdf: bytes) -> None:
    pages = pdf_pages(sealed_pdf)
    _n, note = find_line(pages, "（联系人：王晓䶮，联系电话：0951-8012345）")
    _m, date = find_line(pages, "2026年11月27日")
    assert baseline(note[0]) - baseline(date[0]) == pytest.approx(L.LINE_PITCH_PT, abs=0.01)
    assert note[0]["x0"] == pytest.approx(LEFT + 2 * CELL - 0.1, abs=0.5)


def test_title_lines_form_a_trapezoid_in_the_pdf(fonts: FontSet) -> None:
    for title in TITLES:
        doc = Document("report", "file", [P("title", title), P("addressee", "县纪委常委会："), P("body", PARA)])
        _w, _h, chars, _l, _r = pdf_pages(render_pdf(doc, fonts))[0]
        lines = text_lines(c for c in chars if c["size"] == pytest.approx(L.TITLE_PT))
        assert "".join(line_text(x) for x in lines) == title
        widths = [(x[-1]["x1"] - x[0]["x0"]) / TITLE_CELL for x in lines]
        assert len(lines) >= 2 and title_shape(widths) in ("trapezoid", "diamond"), widths
        for x in lines:       # centred
            assert (x[0]["x0"] - LEFT) == pytest.approx(RIGHT - x[-1]["x1"], abs=1.0)


def test_zero_width_spaces_in_the_title_choose_the_breaks(fonts: FontSet) -> None:
    doc = Document("report", "file", [P("title", "关于对李卫东同志\u200b容错免责申请的调查核实报告")])
    _w, _h, chars, _l, _r = pdf_pages(render_pdf(doc, fonts))[0]
    assert [line_text(x) for x in text_lines(chars) if x[0]["size"] > 20] == ["关于对李卫东同志", "容错免责申请的调查核实报告"]


def test_a_long_letterhead_is_narrowed_to_the_text_block(fonts: FontSet) -> None:
    doc = Document("notice", "file", [
        P("letterhead", "中共贺兰县委全面依法治县委员会办公室 贺兰县司法局 贺兰县人民检察院"),
        P("doc_number", "贺法办〔2026〕12号"), P("title", "通知"), P("body", PARA)])
    _w, _h, chars, _l, _r = pdf_pages(render_pdf(doc, fonts))[0]
    red = [c for c in chars if is_red(c)]
    assert line_text(red) == "中共贺兰县委全面依法治县委员会办公室贺兰县司法局贺兰县人民检察院"
    assert min(c["x0"] for c in red) >= LEFT - 0.5 and max(c["x1"] for c in red) <= RIGHT + 0.5
    assert min(c["x0"] for c in red) - LEFT == pytest.approx(RIGHT - max(c["x1"] for c in red), abs=1)


def test_letter_format(letter_pdf: bytes) -> None:
    pages = pdf_pages(letter_pdf)
    _w, _h, chars, lines, rects = pages[0]
    red = [c for c in chars if is_red(c)]
    assert min(c["top"] for c in red) == pytest.approx(30 * MM, abs=0.5)
    assert not [c for c in chars if is_page_number(c)]                      # no number on page 1
    rules = [r for r in horizontal_rules(lines, rects)]
    top_rules = [r for r in rules if r[0] < TOP + 20 * MM]
    bottom_rules = [r for r in rules if r[0] > BOTTOM]
    assert len(top_rules) == 2 and len(bottom_rules) == 2
    for _y, _t, x0, x1 in top_rules + bottom_rules:
        assert x1 - x0 == pytest.approx(170 * MM, abs=0.1)
        assert (x0 + x1) / 2 == pytest.approx(PAGE_W / 2, abs=0.1)
    assert top_rules[0][1] > top_rules[1][1]                 # thick over thin
    assert bottom_rules[0][1] < bottom_rules[1][1]           # thin over thick
    assert top_rules[0][0] - top_rules[0][1] / 2 - (min(c["top"] for c in red) + L.LETTERHEAD_PT) == \
        pytest.approx(4 * MM, abs=0.3)
    assert PAGE_H - bottom_rules[1][0] == pytest.approx(20 * MM, abs=1 * MM)
    _n, number = find_line(pages, "贺纪容认〔2026〕3号")
    assert number[-1]["x1"] == pytest.approx(RIGHT, abs=0.5)
    assert number[0]["top"] - (top_rules[1][0] + top_rules[1][1] / 2) == pytest.approx(7 / 8 * 16, abs=0.3)
    second = pages[1][2]
    assert line_text([c for c in second if is_page_number(c)]) == "— 2 —"


# --- fonts ----------------------------------------------------------------------------------------

def test_fonts_are_embedded_as_subsets(sealed_pdf: bytes) -> None:
    for _w, _h, chars, _l, _r in pdf_pages(sealed_pdf):
        for c in chars:
            assert re.match(r"^[A-Z]{6}\+", c["fontname"]), c["fontname"]
    assert b"/FontFile2" in sealed_pdf


def embedded_glyph_for(data: bytes, fontname: str, ch: str) -> tuple[str, int]:
    """Look up ``ch`` in the embedded subset font ``fontname``: through its /ToUnicode map to the
    code, then through the embedded font's cmap to the glyph; return (glyph name, contour count)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import PSLiteral

    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            try:
                obj = resolve1(doc.getobj(objid))
            except Exception:
                continue
            if not isinstance(obj, dict) or obj.get("Subtype") is None:
                continue
            base = resolve1(obj.get("BaseFont"))
            if not isinstance(base, PSLiteral) or base.name != fontname:
                continue
            cmap_text = resolve1(obj["ToUnicode"]).get_data().decode("latin-1")
            code = None
            for src, dst in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", cmap_text):
                if int(dst, 16) == ord(ch):
                    code = int(src, 16)
            assert code is not None, f"{ch} not in the ToUnicode map of {fontname}"
            descriptor = resolve1(obj["FontDescriptor"])
            stream = resolve1(descriptor["FontFile2"])
            assert isinstance(stream, PDFStream)
            font = TTFont(io.BytesIO(stream.get_data()))
            cmap = {}
            for table in font["cmap"].tables:
                cmap.update(table.cmap)
            glyph = cmap[code]
            return glyph, font["glyf"][glyph].numberOfContours
    raise AssertionError(f"font {fontname} not found")


def test_rare_name_characters_print_with_a_real_glyph(fallback_fonts: FontSet) -> None:
    body = fallback_fonts.primary("body")
    assert body.official and not body.covers("䶮")
    assert fallback_fonts.face_for("body", "䶮") != body
    doc = determination()
    doc.blocks.insert(5, P("body", "申请人王䶮、李㻞同志的材料已收悉。"))
    data = render_pdf(doc, fallback_fonts)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        rare = [c for page in pdf.pages for c in page.chars if c["text"] in "䶮㻞"]
        plain = [c for page in pdf.pages for c in page.chars if c["text"] == "王"]
    assert "王䶮" in text and "李㻞" in text
    assert {c["text"] for c in rare} == {"䶮", "㻞"}
    for c in rare:
        assert c["fontname"].split("+")[1] == "NotoSansSC-Regular"          # the fallback face
        glyph, contours = embedded_glyph_for(data, c["fontname"], c["text"])
        assert glyph != ".notdef" and contours != 0
    assert plain and all(c["fontname"].endswith("+FangSong-Test") for c in plain)   # the official face


def test_missing_glyphs_are_refused(fonts: FontSet) -> None:
    doc = Document("notice", "file", [P("body", "无字形的字符\u0378")])
    with pytest.raises(MissingGlyphError) as info:
        render_pdf(doc, fonts)
    assert info.value.chars == ["\u0378"]


def test_metadata(sealed_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(sealed_pdf)) as pdf:
        assert pdf.metadata["Title"] == "关于对李卫东同志容错免责申请的认定书"
        assert pdf.metadata["Creator"] == "容错免责案件办理系统"
        assert pdf.metadata["Subject"] == "容错免责认定书"


# --- forms ----------------------------------------------------------------------------------------

def test_form_is_a_bordered_table_across_the_text_block(form_pdf: bytes) -> None:
    pages = pdf_pages(form_pdf)
    assert len(pages) == 1
    _w, _h, chars, lines, _r = pages[0]
    assert not [c for c in chars if is_page_number(c)]                       # one-page form: no number
    _n, title = find_line(pages, "容错免责申请表")
    assert title[0]["size"] == pytest.approx(L.TITLE_PT)
    assert (title[0]["x0"] + title[-1]["x1"]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1)
    xs = {round(ln["x0"], 1) for ln in lines if abs(ln["x0"] - ln["x1"]) < 0.01}
    assert min(xs) == pytest.approx(LEFT, abs=0.1) and max(xs) == pytest.approx(RIGHT, abs=0.1)
    assert len(xs) == 5                                                      # 4 columns
    # centred label cell
    _n, label = find_line(pages, "出生年月1980年1月政治面貌中共党员")
    assert label[0]["size"] == pytest.approx(L.FORM_PT)
    # the footer on the last line of the page
    _n, footer = find_line(pages, "申请人签名：__________　日期：__________")
    assert footer[-1]["x1"] == pytest.approx(RIGHT, abs=0.5)
    assert footer[0]["bottom"] <= BOTTOM + 0.5 and footer[0]["bottom"] > BOTTOM - L.FORM_LINE_PITCH_PT


def test_rowspan_cell_spans_its_rows(form_pdf: bytes) -> None:
    pages = pdf_pages(form_pdf)
    _w, _h, chars, lines, _r = pages[0]
    label = [c for c in chars if c["text"] in "追责事项" and c["fontname"].endswith("Bold")
             and c["size"] == pytest.approx(L.FORM_PT)]
    assert line_text(label) == "追责事项"
    top_a = find_line(pages, "问责实施机关：贺兰县纪委监委")[1][0]["top"]
    top_c = find_line(pages, "启动追责程序时间：2026年3月2日")[1][0]["top"]
    assert top_a < label[0]["top"]                     # vertically centred in its three rows
    assert label[0]["top"] > top_c - 20
    # no horizontal border crosses the rowspan cell between its rows
    col1 = LEFT + 0.2 * (RIGHT - LEFT)
    crossing = [ln for ln in lines if abs(ln["top"] - ln["bottom"]) < 0.01 and ln["x0"] < col1 - 1
                and top_a < ln["top"] < top_c + 5]
    assert not crossing


def test_long_form_splits_between_rows_with_the_footer_on_every_page(long_form_pdf: bytes) -> None:
    pages = pdf_pages(long_form_pdf)
    assert len(pages) >= 2
    texts = [line_text(x) for p in pages for x in text_lines(p[2])]
    for n, (_w, _h, chars, lines, _r) in enumerate(pages, start=1):
        assert line_text([c for c in chars if is_page_number(c)]) == f"— {n} —"
        assert any(line_text(x) == "申请人签名：__________　日期：__________" for x in text_lines(chars))
        hlines = sorted(ln["top"] for ln in lines if abs(ln["top"] - ln["bottom"]) < 0.01)
        # every cell on the page is closed: text sits between the first and last border
        table_chars = [c for c in body_chars(chars) if c["size"] == pytest.approx(L.FORM_PT)
                       and c["top"] < BOTTOM - L.FORM_LINE_PITCH_PT]
        if n > 1:
            assert all(hlines[0] < c["top"] and c["bottom"] < hlines[-1] for c in table_chars)
    for i in range(25):
        # each numbered row printed once, whole on one page: its label, its first and last line
        label = [n for n, p in enumerate(pages) for x in text_lines(p[2]) if line_text(x) == f"证明材料{i + 1}"]
        first = [n for n, p in enumerate(pages) for x in text_lines(p[2]) if f"第{i + 1}份证明材料" in line_text(x)]
        assert len(label) == 1 and first == label
    assert sum("不良社会影响。" in t for t in texts) == 25 + 1


def test_a_row_taller_than_a_page_is_split_between_lines(fonts: FontSet) -> None:
    long = "问：" + PARA * 30
    doc = Document("interview-record", "form", [
        P("form_title", "谈话（调查）笔录"),
        Table([[Cell("内容", align="center"), Cell(long)]], [0.15, 0.85]),
    ], page_footer="被调查人签名：________　日期：________")
    pages = pdf_pages(render_pdf(doc, fonts))
    assert len(pages) >= 2
    text = "".join(line_text(x) for p in pages for x in text_lines(body_chars(p[2]))
                   if x[0]["size"] == pytest.approx(L.FORM_PT) and "被调查人签名" not in line_text(x))
    assert long in text.replace("内容", "")
    for _w, _h, chars, _l, _r in pages:
        for c in body_chars(chars):
            assert c["bottom"] <= BOTTOM + HALF_MM


# --- speed and samples -----------------------------------------------------------------------------

def test_a_hundred_page_document_renders(fonts: FontSet) -> None:
    # Speed is measured in bench/, never asserted here: this checks only that long documents work.
    big = Document("report", "file", [P("title", TITLES[0])] + [P("body", PARA * 2) for _ in range(400)])
    assert len(pdf_pages(render_pdf(big, fonts))) >= 100
