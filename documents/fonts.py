"""Fonts for printed letters: the office's official fonts when installed, free fonts otherwise.

GB/T 9704 sets titles in 小标宋, the body in 仿宋, level-1 headings in 黑体, level-2 headings in 楷体;
page numbers are commonly set in 宋体 (roles and names: ``layout.FONT_ROLES`` / ``OFFICIAL_FONTS``).
Those fonts are commercial, so the program may not carry them. It looks for them in the usual font
folders and otherwise uses Noto Sans SC (OFL), which the ``justmytype-intl-cjk`` package ships as
one variable font. Its default instance is Thin and reportlab would embed the default instance as
is, so static instances are cut from it once (``prepare_bundled_fonts``, run by ``scripts/venv.sh``
and lazily by ``load_fonts``) into ``resources/fonts/generated/`` (git-ignored) or, when that is
not writable, a per-user cache folder.

No glyph may print as a blank box: ``FontSet.face_for`` picks, per character, the first face that
has it (the role's own face, then faces of similar style, then the Noto instances), and
``FontSet.missing`` names the characters that no face has so callers can refuse or warn.

Only TrueType outlines (``glyf``) are usable: reportlab refuses CFF-flavoured ``.otf`` files and
fonts whose licence bits forbid embedding; those are skipped for PDF (a non-embeddable official
font is still named in DOCX styles, where Word and WPS use the installed font).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from core.resource_paths import resource_path
from documents.layout import FONT_ROLES, OFFICIAL_FONTS, ROLE_LABELS

if TYPE_CHECKING:   # fontTools is imported where a font file is read: the program's start needs none of it
    from fontTools.ttLib import TTFont

# ---------------------------------------------------------------------------------------------
# The bundled fallback: static instances of Noto Sans SC.

NOTO_FAMILY = "Noto Sans SC"
_NOTO_PACKAGE = "justmytype_intl_cjk"
_NOTO_SOURCE = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
_NOTO_LICENSE = ("fonts", "ofl", "notosanssc", "OFL.txt")
LICENSE_FILE = "NotoSansSC-OFL.txt"


@dataclass(frozen=True)
class BundledInstance:
    """One static instance cut from the variable font."""

    weight: int          # wght axis value, also the OS/2 usWeightClass
    style: str           # the instance's subfamily name
    file: str            # file name in bundled_fonts_dir()


# Regular for body text and page numbers; Medium stands in for 楷体 so level-2 headings stand apart
# from the body; Bold for 黑体 level-1 headings and for the 小标宋 title, the heaviest official face.
# scripts/venv.sh checks for these file names before running prepare_bundled_fonts.
BUNDLED_INSTANCES: tuple[BundledInstance, ...] = (
    BundledInstance(400, "Regular", "NotoSansSC-Regular.ttf"),
    BundledInstance(500, "Medium", "NotoSansSC-Medium.ttf"),
    BundledInstance(700, "Bold", "NotoSansSC-Bold.ttf"),
)
BUNDLED_WEIGHT: dict[str, int] = {"title": 700, "body": 400, "heading1": 700, "heading2": 500,
                                  "page_number": 400}

# Official faces of a similar style, tried (in this order) before the Noto instances when the
# role's own face lacks a character: a 宋体 glyph sits better in 仿宋 text than a sans one.
_SIMILAR_ROLES: dict[str, tuple[str, ...]] = {
    "body": ("page_number", "heading2"),
    "heading2": ("body", "page_number"),
    "page_number": ("body", "heading2"),
    "title": ("heading1",),
    "heading1": ("title",),
}

_FONT_SUFFIXES = frozenset({".ttf", ".ttc", ".otf", ".otc"})
_SCAN_CACHE_VERSION = 1


class FontError(RuntimeError):
    """No usable font for a role (neither an installed official font nor the bundled one)."""


# ---------------------------------------------------------------------------------------------
# Faces and the set of faces per role.

_cmap_cache: dict[tuple[str, int], frozenset[int]] = {}
_cmap_lock = threading.Lock()


def _load_cmap(path: Path, subfont_index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    key = (str(path), subfont_index)
    with _cmap_lock:
        cached = _cmap_cache.get(key)
        if cached is None:
            with TTFont(str(path), fontNumber=subfont_index, lazy=True) as font:
                cmap = font.getBestCmap() or {}
            cached = _cmap_cache[key] = frozenset(cmap)
    return cached


@dataclass(frozen=True)
class FontFace:
    """One font (a file, or one subfont of a ``.ttc``) as reportlab will embed it."""

    name: str            # unique reportlab registration name, ASCII
    path: Path
    subfont_index: int   # for .ttc collections; 0 otherwise
    family: str          # the family name as Word/WPS knows it (zh-CN name preferred)
    official: bool       # an installed official font (True) or the bundled fallback (False)

    def covers(self, ch: str) -> bool:
        """Whether the font maps this character to a glyph (its cmap has it)."""
        return len(ch) == 1 and ord(ch) in _load_cmap(self.path, self.subfont_index)


def _ignorable(ch: str) -> bool:
    """Characters that print nothing, so need no glyph: whitespace, controls, format characters,
    variation selectors."""
    if ch.isspace():
        return True
    if unicodedata.category(ch) in ("Cc", "Cf"):
        return True
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


@dataclass
class _RoleFonts:
    chain: tuple[FontFace, ...]          # primary first, then the fallbacks in order
    docx_family: str
    note: str = ""                       # why an installed official font is not used for PDF


@dataclass
class FontSet:
    """The faces for every role in ``layout.FONT_ROLES``, with per-character fallback."""

    roles: Mapping[str, _RoleFonts]
    _by_char: dict[tuple[str, str], FontFace] = field(default_factory=dict, repr=False)

    def _role(self, role: str) -> _RoleFonts:
        try:
            return self.roles[role]
        except KeyError:
            raise KeyError(f"未知的字体用途：{role!r}（应为 {', '.join(FONT_ROLES)} 之一）") from None

    def faces(self) -> list[FontFace]:
        """Every distinct face, official ones first."""
        seen: dict[str, FontFace] = {}
        for role in FONT_ROLES:
            for face in self._role(role).chain:
                seen.setdefault(face.name, face)
        return sorted(seen.values(), key=lambda f: not f.official)

    def primary(self, role: str) -> FontFace:
        """The face a role is set in."""
        return self._role(role).chain[0]

    def face_for(self, role: str, ch: str) -> FontFace:
        """The role's face if it has ``ch``, else the first fallback face that does, else the
        role's face (the character is then in ``missing()``)."""
        key = (role, ch)
        face = self._by_char.get(key)
        if face is None:
            chain = self._role(role).chain
            face = next((f for f in chain if f.covers(ch)), chain[0])
            self._by_char[key] = face
        return face

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` that no face has (whitespace and control characters aside),
        each once, in order of first appearance."""
        faces = self.faces()
        out: list[str] = []
        for ch in dict.fromkeys(text):
            if not _ignorable(ch) and not any(f.covers(ch) for f in faces):
                out.append(ch)
        return out

    def register_reportlab(self) -> None:
        """Register every face with reportlab under its ``name``; repeated calls do nothing."""
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont as ReportlabTTFont

        registered = set(pdfmetrics.getRegisteredFontNames())
        for face in self.faces():
            if face.name not in registered:
                font = ReportlabTTFont(face.name, str(face.path), subfontIndex=face.subfont_index)
                pdfmetrics.registerFont(font)
                # reportlab has just parsed the character map: keep it, rather than read the
                # 10 MB file a second time with fontTools for coverage checks (a third of a cold render).
                with _cmap_lock:
                    _cmap_cache.setdefault((str(face.path), face.subfont_index), frozenset(font.face.charToGlyph))

    def docx_family(self, role: str) -> str:
        """The family to name in DOCX styles: the official family if installed (even one that may
        not be embedded in PDF), else the bundled one."""
        return self._role(role).docx_family

    def describe(self) -> list[dict[str, str]]:
        """One row per role for the settings page and the CLI."""
        rows = []
        for role in FONT_ROLES:
            info = self._role(role)
            face = info.chain[0]
            rows.append({
                "role": role,
                "label": ROLE_LABELS[role],
                "family": face.family,
                "file": str(face.path),
                "subfont_index": str(face.subfont_index),
                "source": "official" if face.official else "bundled",
                "source_label": "本机已安装的公文字体" if face.official else "程序自带字体（替代）",
                "docx_family": info.docx_family,
                "note": info.note,
            })
        return rows


# ---------------------------------------------------------------------------------------------
# Where the bundled instances live, and making them.

_writable_cache: dict[Path, bool] = {}


def _writable_dir(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (made if missing). Probed by writing, since
    os.access is unreliable on Windows; the answer is remembered."""
    if folder not in _writable_cache:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
                pass
            _writable_cache[folder] = True
        except OSError:
            _writable_cache[folder] = False
    return _writable_cache[folder]


def _cache_root() -> Path:
    from core.data_dir import cache_dir

    return cache_dir()      # beside the program in portable mode


def _instances_present(folder: Path) -> bool:
    return all((folder / inst.file).is_file() for inst in BUNDLED_INSTANCES)


def bundled_fonts_dir() -> Path:
    """Where the Noto instances live: ``resources/fonts/generated/`` when they are there (a
    build may carry them) or that folder is writable, else a per-user cache folder."""
    shipped = resource_path("fonts", "generated")
    if _instances_present(shipped) or _writable_dir(shipped):
        return shipped
    return _cache_root() / "fonts"


def noto_source() -> Path:
    """The variable Noto Sans SC font in the justmytype-intl-cjk package."""
    try:
        return Path(str(files(_NOTO_PACKAGE).joinpath(*_NOTO_SOURCE)))
    except ModuleNotFoundError:
        return Path(_NOTO_PACKAGE, *_NOTO_SOURCE)   # does not exist: reported by the caller


def _write_instance(source: Path, weight: int, dest: Path) -> None:
    """Cut the static instance at ``weight`` and write it to ``dest`` atomically."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(source))
    instancer.instantiateVariableFont(font, {"wght": weight}, inplace=True, updateFontNames=True)
    font["OS/2"].usWeightClass = weight
    instancer.setRibbiBits(font)      # Bold: fsSelection/macStyle bold bits; others: "Regular"
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        font.save(str(tmp))
        os.replace(tmp, dest)
    finally:
        font.close()
        tmp.unlink(missing_ok=True)


_WORKER = ("import sys; from pathlib import Path; from documents.fonts import _write_instance; "
           "_write_instance(Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))")


def _write_instance_in_child(source: Path, weight: int, dest: Path) -> None:
    """Run ``_write_instance`` in a fresh interpreter (a process per instance uses every core);
    falls back to this process if that fails."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    try:
        proc = subprocess.run([sys.executable, "-c", _WORKER, str(source), str(weight), str(dest)],
                              env=env, cwd=str(root), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False,
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        ok = proc.returncode == 0 and dest.is_file()
    except OSError:
        ok = False
    if not ok:
        _write_instance(source, weight, dest)


_prepare_lock = threading.Lock()


def prepare_bundled_fonts(target_dir: Path | None = None) -> list[Path]:
    """Make the static Noto Sans SC instances that are missing from ``target_dir`` (default
    ``bundled_fonts_dir()``); return the paths of all of them. Instances that exist are kept, so
    a second call only checks. Takes tens of seconds the first time (one process per instance)."""
    folder = target_dir if target_dir is not None else bundled_fonts_dir()
    paths = [folder / inst.file for inst in BUNDLED_INSTANCES]
    with _prepare_lock:
        todo = [(inst, p) for inst, p in zip(BUNDLED_INSTANCES, paths, strict=True) if not p.is_file()]
        if not todo:
            return paths
        source = noto_source()
        if not source.is_file():
            raise FontError(f"找不到程序自带字体的源文件 {source}：请重新安装依赖包 justmytype-intl-cjk。")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            license_src = source.parent / _NOTO_LICENSE[-1]
            if license_src.is_file() and not (folder / LICENSE_FILE).is_file():
                shutil.copyfile(license_src, folder / LICENSE_FILE)
            frozen = bool(getattr(sys, "frozen", False))
            workers = 1 if frozen or not sys.executable else min(len(todo), os.cpu_count() or 1)
            if workers <= 1:
                for inst, p in todo:
                    _write_instance(source, inst.weight, p)
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    for future in [pool.submit(_write_instance_in_child, source, inst.weight, p) for inst, p in todo]:
                        future.result()
        except Exception as exc:   # disk full, no permission, a damaged source font …
            raise FontError(f"无法在 {folder} 生成程序自带字体：{exc}") from exc
    return paths


# ---------------------------------------------------------------------------------------------
# Scanning installed fonts.

@dataclass(frozen=True)
class _ScannedFace:
    path: str
    subfont_index: int
    keys: frozenset[str]     # normalised names (families, full and PostScript names, file stem)
    family: str              # name ID 1, zh-CN preferred
    truetype: bool           # has glyf outlines
    embeddable: bool         # reportlab may subset and embed it
    weight: int
    italic: bool


def _norm(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _-")


def system_font_dirs() -> list[Path]:
    """The folders fonts are usually installed in on this platform (existing or not)."""
    home = Path.home()
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows"
        dirs = [Path(windir) / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [Path("/Library/Fonts"), home / "Library" / "Fonts", Path("/System/Library/Fonts")]
    xdg = os.environ.get("XDG_DATA_HOME")
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            Path(xdg) / "fonts" if xdg else home / ".local" / "share" / "fonts", home / ".fonts"]
    return dirs


def _font_files(folders: Iterable[Path]) -> list[Path]:
    seen: set[str] = set()
    out: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder, onerror=lambda _e: None):
            dirnames.sort()
            for name in sorted(filenames):
                if os.path.splitext(name)[1].lower() in _FONT_SUFFIXES:
                    path = os.path.join(dirpath, name)
                    if path not in seen:
                        seen.add(path)
                        out.append(Path(path))
    return out


def _read_faces(path: Path) -> list[_ScannedFace]:
    """The faces in one font file, reading only the table directory, ``name`` and ``OS/2``."""
    from fontTools.ttLib import TTCollection, TTFont

    out: list[_ScannedFace] = []
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with TTCollection(str(path), lazy=True) as collection:
                for index, font in enumerate(collection.fonts):
                    out.append(_describe_face(path, index, font))
        else:
            with TTFont(str(path), lazy=True) as font:
                out.append(_describe_face(path, 0, font))
    except Exception:   # a damaged or exotic font file is simply not a candidate
        return []
    return out


def _describe_face(path: Path, index: int, font: TTFont) -> _ScannedFace:
    names = font["name"].names if "name" in font else []
    keys = {_norm(path.stem)}
    family_by_lang: dict[int, str] = {}
    for record in names:
        if record.nameID not in (1, 4, 6, 16):
            continue
        try:
            text = record.toUnicode().strip()
        except UnicodeDecodeError:
            continue
        if not text:
            continue
        keys.add(_norm(text))
        if record.nameID == 1 and record.platformID == 3:
            family_by_lang.setdefault(record.langID, text)
        elif record.nameID == 1:
            family_by_lang.setdefault(-1, text)
    family = (family_by_lang.get(0x0804) or family_by_lang.get(0x0409)
              or next(iter(family_by_lang.values()), path.stem))
    weight, italic, embeddable = 400, False, True
    if "OS/2" in font:
        os2 = font["OS/2"]
        weight = int(os2.usWeightClass)
        italic = bool(os2.fsSelection & 1)
        fs_type = int(os2.fsType)
        embeddable = not (fs_type == 0x0002 or fs_type & 0x0300)
    return _ScannedFace(str(path), index, frozenset(keys), family, "glyf" in font, embeddable, weight, italic)


_scan_memo: dict[tuple[str, int, int], list[_ScannedFace]] = {}
_scan_lock = threading.Lock()


def _scan_cache_file() -> Path:
    return _cache_root() / f"font-scan-v{_SCAN_CACHE_VERSION}.json"


def _load_disk_cache(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _SCAN_CACHE_VERSION:
        return {}
    entries = data.get("files")
    return entries if isinstance(entries, dict) else {}


def _faces_from_json(raw: object) -> list[_ScannedFace] | None:
    if not isinstance(raw, list):
        return None
    try:
        return [_ScannedFace(str(d["path"]), int(d["subfont_index"]), frozenset(d["keys"]), str(d["family"]),
                             bool(d["truetype"]), bool(d["embeddable"]), int(d["weight"]), bool(d["italic"]))
                for d in raw]
    except (KeyError, TypeError, ValueError):
        return None


def _faces_to_json(faces: list[_ScannedFace]) -> list[dict[str, object]]:
    return [{"path": f.path, "subfont_index": f.subfont_index, "keys": sorted(f.keys), "family": f.family,
             "truetype": f.truetype, "embeddable": f.embeddable, "weight": f.weight, "italic": f.italic}
            for f in faces]


def _scan(folders: Sequence[Path], persist: bool) -> list[_ScannedFace]:
    """Every face in the font files under ``folders``. A file is opened once per process (and,
    with ``persist``, once until it changes: the results are kept in the user cache folder)."""
    disk: dict[str, dict[str, object]] = _load_disk_cache(_scan_cache_file()) if persist else {}
    fresh: dict[str, dict[str, object]] = {}
    out: list[_ScannedFace] = []
    with _scan_lock:
        for path in _font_files(folders):
            try:
                st = path.stat()
            except OSError:
                continue
            key = (str(path), st.st_mtime_ns, st.st_size)
            faces = _scan_memo.get(key)
            if faces is None:
                hit = disk.get(str(path))
                if hit and hit.get("mtime") == st.st_mtime_ns and hit.get("size") == st.st_size:
                    faces = _faces_from_json(hit.get("faces"))
                if faces is None:
                    faces = _read_faces(path)
                _scan_memo[key] = faces
            fresh[str(path)] = {"mtime": st.st_mtime_ns, "size": st.st_size, "faces": _faces_to_json(faces)}
            out.extend(faces)
    if persist and fresh != disk:
        _save_disk_cache(fresh)
    return out


def _save_disk_cache(entries: dict[str, dict[str, object]]) -> None:
    target = _scan_cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, suffix=".tmp",
                                         delete=False) as tmp:
            json.dump({"version": _SCAN_CACHE_VERSION, "files": entries}, tmp, ensure_ascii=False)
        os.replace(tmp.name, target)
    except OSError:
        pass   # the cache only saves time


# ---------------------------------------------------------------------------------------------
# Putting the set together.

def _face_name(prefix: str, path: Path, subfont_index: int) -> str:
    try:
        st = path.stat()
        stamp = f"{st.st_mtime_ns}:{st.st_size}"
    except OSError:
        stamp = ""
    digest = hashlib.sha1(f"{path.resolve()}|{subfont_index}|{stamp}".encode()).hexdigest()[:8]
    return f"rc-{prefix}-{digest}"


def _bundled_faces() -> dict[int, FontFace]:
    folder = bundled_fonts_dir()
    if not _instances_present(folder):
        folder = prepare_bundled_fonts(folder)[0].parent
    return {inst.weight: FontFace(_face_name(f"noto-{inst.weight}", folder / inst.file, 0), folder / inst.file, 0,
                                  NOTO_FAMILY, False)
            for inst in BUNDLED_INSTANCES}


def _pick(scanned: Sequence[_ScannedFace], wanted: str) -> tuple[_ScannedFace | None, _ScannedFace | None]:
    """For one official name: the best usable face and the best face at all (usable or not)."""
    key = _norm(wanted)
    matches = [f for f in scanned if key in f.keys]
    if not matches:
        return None, None
    # Prefer upright, regular weight; then search order (search_dirs first, subfont 0 first).
    ranked = sorted(enumerate(matches), key=lambda im: (im[1].italic, abs(im[1].weight - 400), im[0]))
    best_any = ranked[0][1]
    best_usable = next((f for _, f in ranked if f.truetype and f.embeddable), None)
    return best_usable, best_any


def _assemble(scanned: Sequence[_ScannedFace], bundled: Mapping[int, FontFace]) -> FontSet:
    official: dict[str, FontFace] = {}
    docx: dict[str, str] = {}
    notes: dict[str, str] = {}
    faces_by_file: dict[tuple[str, int], FontFace] = {}
    for role in FONT_ROLES:
        for wanted in OFFICIAL_FONTS[role]:
            usable, found = _pick(scanned, wanted)
            if found is not None and role not in docx:
                docx[role] = found.family
            if usable is not None:
                key = (usable.path, usable.subfont_index)
                if key not in faces_by_file:
                    path = Path(usable.path)
                    faces_by_file[key] = FontFace(_face_name(role, path, usable.subfont_index), path,
                                                  usable.subfont_index, usable.family, True)
                official[role] = faces_by_file[key]
                break
            if found is not None and not notes.get(role):
                why = "为 CFF 轮廓（.otf）" if not found.truetype else "的授权不允许嵌入"
                notes[role] = f"已安装的“{found.family}”{why}，PDF 中改用其他字体。"
    if not bundled and any(role not in official for role in FONT_ROLES):
        raise FontError("没有可用的字体：未找到公文字体，程序自带字体也无法使用。")
    roles: dict[str, _RoleFonts] = {}
    for role in FONT_ROLES:
        own_bundled = bundled.get(BUNDLED_WEIGHT[role])
        chain: list[FontFace] = []
        for face in (
            official.get(role) or own_bundled,       # the primary: the role's own face
            *(official.get(r) for r in _SIMILAR_ROLES[role]),
            own_bundled,
            *bundled.values(),
            *(official.get(r) for r in FONT_ROLES),
        ):
            if face is not None and face not in chain:
                chain.append(face)
        primary = chain[0]
        roles[role] = _RoleFonts(tuple(chain), docx.get(role, primary.family), notes.get(role, ""))
    return FontSet(roles)


@lru_cache(maxsize=16)
def _load_fonts_cached(search_dirs: tuple[Path, ...], include_system: bool) -> FontSet:
    scanned = _scan(search_dirs, persist=False)
    if include_system:
        scanned += _scan(system_font_dirs(), persist=True)
    try:
        bundled = _bundled_faces()
    except FontError:
        bundled = {}
    return _assemble(scanned, bundled)


def load_fonts(search_dirs: Sequence[Path] | None = None, include_system: bool = True) -> FontSet:
    """The fonts to print with: installed official fonts found in ``search_dirs`` (searched first)
    and, with ``include_system``, the usual font folders; the Noto Sans SC instances for the rest
    and for characters the official fonts lack (made now if missing). Cached per arguments;
    ``reset_font_cache()`` rescans, e.g. after the user installs a font."""
    dirs = tuple(Path(d).expanduser() for d in (search_dirs or ()))
    return _load_fonts_cached(dirs, include_system)


def reset_font_cache() -> None:
    """Forget scanned fonts and loaded sets, so the next ``load_fonts`` looks again."""
    _load_fonts_cached.cache_clear()
    with _scan_lock:
        _scan_memo.clear()
    with _cmap_lock:
        _cmap_cache.clear()
