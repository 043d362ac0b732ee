"""Fonts for letters: official fonts when installed, static Noto Sans SC instances otherwise, and a
real glyph for every character (rare ones such as 䶮 and 㻞 fall back per character)."""
from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont

from documents import fonts
from documents.fonts import (
    BUNDLED_INSTANCES,
    BUNDLED_WEIGHT,
    NOTO_FAMILY,
    FontSet,
    load_fonts,
    prepare_bundled_fonts,
    reset_font_cache,
)
from documents.layout import FONT_ROLES, ROLE_LABELS

ROOT = Path(__file__).resolve().parents[2]
RARE = "䶮㻞"
SENTENCE = "申请人王䶮、李㻞同志：经研究，决定对你单位 2026 年第 3 号案件予以容错免责。\n"


@pytest.fixture(scope="session")
def instances() -> list[Path]:
    return prepare_bundled_fonts()


@pytest.fixture(autouse=True)
def _fresh_font_cache(instances: list[Path]) -> Iterator[None]:
    reset_font_cache()
    yield
    reset_font_cache()


@pytest.fixture
def bundled_only() -> FontSet:
    return load_fonts(search_dirs=[], include_system=False)


def glyph_has_contours(path: Path, ch: str, subfont_index: int = 0) -> bool:
    """The character maps to a glyph other than .notdef, and that glyph draws something."""
    with TTFont(str(path), fontNumber=subfont_index, lazy=True) as font:
        name = font.getBestCmap().get(ord(ch))
        if name is None or font.getGlyphID(name) == 0:
            return False
        glyph = font["glyf"][name]
        return bool(glyph.numberOfContours != 0)


def make_fake_official(instance: Path, dest: Path, zh: str, en: str, drop: str = "") -> Path:
    """A copy of a Noto instance renamed to an official family, with ``drop`` taken out of its cmap."""
    with TTFont(str(instance), lazy=True) as font:
        name = font["name"]
        name.names = [r for r in name.names if r.nameID not in (1, 4, 6, 16, 17)]
        name.setName(en, 1, 3, 1, 0x409)
        name.setName(zh, 1, 3, 1, 0x804)
        name.setName(en, 4, 3, 1, 0x409)
        name.setName(en.replace(" ", ""), 6, 3, 1, 0x409)
        for table in font["cmap"].tables:
            for ch in drop:
                table.cmap.pop(ord(ch), None)
        font.save(str(dest))
    return dest


def tiny_font(zh: str, en: str, chars: str = "中文测试", *, cff: bool = False, fs_type: int = 0) -> TTFont:
    """A small font (squares for ``chars``) named ``zh`` / ``en``; CFF outlines if ``cff``."""
    glyph_order = [".notdef", *(f"uni{ord(c):04X}" for c in chars)]
    fb = FontBuilder(1000, isTTF=not cff)
    fb.setupGlyphOrder(glyph_order)
    fb.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    if cff:
        charstrings = {}
        for g in glyph_order:
            pen = T2CharStringPen(1000, None)
            pen.moveTo((100, 0))
            pen.lineTo((100, 800))
            pen.lineTo((900, 800))
            pen.lineTo((900, 0))
            pen.closePath()
            charstrings[g] = pen.getCharString()
        fb.setupCFF(en.replace(" ", ""), {"FullName": en}, charstrings, {})
    else:
        glyphs = {}
        for g in glyph_order:
            pen = TTGlyphPen(None)
            pen.moveTo((100, 0))
            pen.lineTo((100, 800))
            pen.lineTo((900, 800))
            pen.lineTo((900, 0))
            pen.closePath()
            glyphs[g] = pen.glyph()
        fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({g: (1000, 100) for g in glyph_order})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": en, "styleName": "Regular", "psName": en.replace(" ", "")}, mac=False)
    fb.font["name"].setName(zh, 1, 3, 1, 0x804)          # the family's zh-CN name, as Chinese fonts have
    fb.setupOS2(usWeightClass=400, fsType=fs_type, sTypoAscender=880, sTypoDescender=-120)
    fb.setupPost()
    return fb.font


def rendered_text(fs: FontSet, role: str, text: str) -> str:
    """Draw ``text`` character by character with the faces ``face_for`` picks; the PDF's text."""
    import pdfplumber
    from reportlab.pdfgen import canvas

    fs.register_reportlab()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    x = 50.0
    for ch in text:
        face = fs.face_for(role, ch)
        pdf.setFont(face.name, 16)
        pdf.drawString(x, 700, ch)
        x += 16
    pdf.save()
    buf.seek(0)
    with pdfplumber.open(buf) as doc:
        return "".join(c["text"] for c in doc.pages[0].chars)


# --- the bundled instances -----------------------------------------------------------------------

def test_instances_are_static_truetype_at_the_chosen_weights(instances: list[Path]) -> None:
    assert [p.name for p in instances] == [i.file for i in BUNDLED_INSTANCES]
    assert {i.weight for i in BUNDLED_INSTANCES} == {400, 500, 700}
    for inst, path in zip(BUNDLED_INSTANCES, instances, strict=True):
        assert path.is_file()
        with TTFont(str(path), lazy=True) as font:
            assert "fvar" not in font and "gvar" not in font
            assert "glyf" in font and "CFF " not in font
            assert font["OS/2"].usWeightClass == inst.weight
            assert font["name"].getDebugName(16) in (None, NOTO_FAMILY)
            assert (font["name"].getDebugName(16) or font["name"].getDebugName(1)) == NOTO_FAMILY
            assert len(font.getBestCmap()) > 30000          # not subset: all of GBK and CJK Ext A
    assert (instances[0].parent / fonts.LICENSE_FILE).is_file()


def test_prepare_is_idempotent(instances: list[Path]) -> None:
    before = [p.stat().st_mtime_ns for p in instances]
    assert prepare_bundled_fonts() == instances
    assert [p.stat().st_mtime_ns for p in instances] == before


def test_generated_fonts_are_git_ignored_and_made_at_set_up() -> None:
    assert "resources/fonts/generated/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    hook = (ROOT / "scripts" / "venv.sh").read_text(encoding="utf-8")
    assert "prepare_bundled_fonts()" in hook
    for inst in BUNDLED_INSTANCES:
        assert inst.file in hook


def test_without_official_fonts_every_role_uses_the_bundled_instance(bundled_only: FontSet) -> None:
    for role in FONT_ROLES:
        face = bundled_only.primary(role)
        assert not face.official
        assert face.family == NOTO_FAMILY
        assert bundled_only.docx_family(role) == NOTO_FAMILY
        with TTFont(str(face.path), lazy=True) as font:
            assert font["OS/2"].usWeightClass == BUNDLED_WEIGHT[role]
    assert bundled_only.primary("heading1").path != bundled_only.primary("body").path


def test_rare_characters_have_real_glyphs_in_every_role(bundled_only: FontSet) -> None:
    for role in FONT_ROLES:
        for ch in RARE:
            face = bundled_only.face_for(role, ch)
            assert face.covers(ch)
            assert glyph_has_contours(face.path, ch)


def test_reportlab_embeds_real_glyphs_for_rare_characters(bundled_only: FontSet) -> None:
    from reportlab.pdfbase import pdfmetrics

    bundled_only.register_reportlab()
    bundled_only.register_reportlab()          # idempotent
    for role in FONT_ROLES:
        face = bundled_only.face_for(role, "䶮")
        assert face.name in pdfmetrics.getRegisteredFontNames()
        rl_font = pdfmetrics.getFont(face.name)
        for ch in RARE:
            assert rl_font.face.charToGlyph.get(ord(ch), 0) != 0
    assert rendered_text(bundled_only, "body", "王䶮李㻞") == "王䶮李㻞"


def test_missing_lists_only_characters_no_face_has(bundled_only: FontSet) -> None:
    assert bundled_only.missing(SENTENCE) == []
    assert bundled_only.missing("\t \u3000\u200b\ufe00") == []          # whitespace, format, selector
    assert bundled_only.missing("王\ue000䶮\U0010fffd\u0378王\ue000") == ["\ue000", "\U0010fffd", "\u0378"]
    # a character nobody has still gets the role's face (the caller decides what to do)
    assert bundled_only.face_for("body", "\ue000") == bundled_only.primary("body")


def test_describe_lists_every_role(bundled_only: FontSet) -> None:
    rows = bundled_only.describe()
    assert [r["role"] for r in rows] == list(FONT_ROLES)
    for row in rows:
        assert row["label"] == ROLE_LABELS[row["role"]]
        assert row["family"] == NOTO_FAMILY
        assert row["source"] == "bundled"
        assert Path(row["file"]).is_file()
        assert all(isinstance(v, str) for v in row.values())


def test_load_fonts_is_cached_per_arguments(tmp_path: Path) -> None:
    assert load_fonts(search_dirs=[tmp_path], include_system=False) is load_fonts([tmp_path], False)
    assert load_fonts([tmp_path], False) is not load_fonts([], False)


def test_unknown_role_is_refused(bundled_only: FontSet) -> None:
    with pytest.raises(KeyError):
        bundled_only.primary("footnote")


# --- installed official fonts --------------------------------------------------------------------

@pytest.fixture(scope="session")
def fake_fangsong(instances: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("official")
    make_fake_official(instances[0], folder / "FS_GB2312.ttf", "仿宋_GB2312", "FangSong_GB2312", drop="䶮")
    return folder


def test_official_font_is_preferred_and_lacking_characters_fall_back(fake_fangsong: Path) -> None:
    fs = load_fonts(search_dirs=[fake_fangsong], include_system=False)
    body = fs.primary("body")
    assert body.official
    assert body.family == "仿宋_GB2312"
    assert body.path == fake_fangsong / "FS_GB2312.ttf"
    assert fs.docx_family("body") == "仿宋_GB2312"
    assert fs.face_for("body", "王") == body
    assert not body.covers("䶮")
    fallback = fs.face_for("body", "䶮")
    assert not fallback.official and fallback.covers("䶮")
    assert glyph_has_contours(fallback.path, "䶮")
    assert fs.face_for("body", "㻞") == body
    assert fs.missing(SENTENCE) == []
    for role in ("title", "heading1", "heading2", "page_number"):
        assert not fs.primary(role).official
    rows = {r["role"]: r for r in fs.describe()}
    assert rows["body"]["source"] == "official" and rows["body"]["family"] == "仿宋_GB2312"
    assert rendered_text(fs, "body", "王䶮李㻞") == "王䶮李㻞"


def test_official_font_lacking_a_character_borrows_a_similar_official_face(
        instances: list[Path], fake_fangsong: Path, tmp_path: Path) -> None:
    shutil.copy(fake_fangsong / "FS_GB2312.ttf", tmp_path / "FS_GB2312.ttf")
    make_fake_official(instances[0], tmp_path / "simsun.ttf", "宋体", "SimSun")
    fs = load_fonts(search_dirs=[tmp_path], include_system=False)
    assert fs.primary("page_number").family == "宋体"
    assert fs.face_for("body", "䶮") == fs.primary("page_number")       # 宋体 before the sans fallback


def test_official_names_match_file_stem_and_postscript_name(tmp_path: Path) -> None:
    tiny_font("某字体", "Something").save(str(tmp_path / "simhei.ttf"))
    tiny_font("方正小标宋", "FZXiaoBiaoSong-B05S").save(str(tmp_path / "a.ttf"))
    fs = load_fonts(search_dirs=[tmp_path], include_system=False)
    assert fs.primary("heading1").official and fs.primary("heading1").path.name == "simhei.ttf"
    assert fs.primary("title").official and fs.primary("title").family == "方正小标宋"
    assert fs.face_for("title", "䶮").covers("䶮")           # the tiny font has four characters
    fs.register_reportlab()


def test_cff_otf_is_skipped(tmp_path: Path) -> None:
    tiny_font("黑体", "SimHei", cff=True).save(str(tmp_path / "SimHei.otf"))
    with TTFont(str(tmp_path / "SimHei.otf"), lazy=True) as font:
        assert "CFF " in font
    fs = load_fonts(search_dirs=[tmp_path], include_system=False)
    assert not fs.primary("heading1").official
    assert fs.docx_family("heading1") == "黑体"                  # Word and WPS can use it
    assert "CFF" in fs.describe()[FONT_ROLES.index("heading1")]["note"]
    fs.register_reportlab()


def test_font_that_forbids_embedding_is_named_in_docx_only(tmp_path: Path) -> None:
    tiny_font("方正小标宋简体", "FZXiaoBiaoSong-B05S", fs_type=0x0002).save(str(tmp_path / "FZXBSJW.ttf"))
    fs = load_fonts(search_dirs=[tmp_path], include_system=False)
    assert not fs.primary("title").official
    assert fs.docx_family("title") == "方正小标宋简体"
    assert fs.describe()[FONT_ROLES.index("title")]["note"]
    fs.register_reportlab()


def test_ttc_subfont_is_found_by_index(tmp_path: Path) -> None:
    collection = TTCollection()
    collection.fonts = [tiny_font("其他", "Other"), tiny_font("楷体", "KaiTi", chars="中文测试王")]
    collection.save(str(tmp_path / "fonts.ttc"))
    fs = load_fonts(search_dirs=[tmp_path], include_system=False)
    face = fs.primary("heading2")
    assert face.official and face.subfont_index == 1 and face.family == "楷体"
    assert rendered_text(fs, "heading2", "王䶮") == "王䶮"


def test_damaged_font_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "仿宋_GB2312.ttf").write_bytes(b"not a font")
    fs = load_fonts(search_dirs=[tmp_path], include_system=False)
    assert not fs.primary("body").official


# --- system folders, the scan cache and lazy preparation ----------------------------------------

def test_system_scan_is_remembered_on_disk(fake_fangsong: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "scan.json"
    monkeypatch.setattr(fonts, "system_font_dirs", lambda: [fake_fangsong])
    monkeypatch.setattr(fonts, "_scan_cache_file", lambda: cache)
    assert load_fonts(include_system=True).primary("body").official
    assert cache.is_file()
    reset_font_cache()

    def must_not_open(path: Path) -> list[object]:
        raise AssertionError(f"{path} was opened again")

    monkeypatch.setattr(fonts, "_read_faces", must_not_open)
    assert load_fonts(include_system=True).primary("body").family == "仿宋_GB2312"


def test_load_fonts_makes_missing_instances(instances: list[Path], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "generated"
    calls: list[Path] = []

    def fake_prepare(target_dir: Path | None = None) -> list[Path]:
        assert target_dir is not None
        calls.append(target_dir)
        target_dir.mkdir(parents=True, exist_ok=True)
        for src in instances:
            try:
                os.symlink(src, target_dir / src.name)
            except OSError:
                shutil.copy(src, target_dir / src.name)
        return [target_dir / src.name for src in instances]

    monkeypatch.setattr(fonts, "bundled_fonts_dir", lambda: target)
    monkeypatch.setattr(fonts, "prepare_bundled_fonts", fake_prepare)
    fs = load_fonts([], include_system=False)
    assert calls == [target]
    assert fs.primary("body").path.parent == target


def test_bundled_dir_falls_back_to_user_cache_when_resources_are_read_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "resource_path", lambda *parts: tmp_path.joinpath("ro", *parts))
    monkeypatch.setattr(fonts, "_writable_dir", lambda folder: False)
    monkeypatch.setattr(fonts, "_cache_root", lambda: tmp_path / "cache")
    assert fonts.bundled_fonts_dir() == tmp_path / "cache" / "fonts"
    monkeypatch.setattr(fonts, "_writable_dir", lambda folder: True)
    assert fonts.bundled_fonts_dir() == tmp_path.joinpath("ro", "fonts", "generated")
