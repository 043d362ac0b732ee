"""build.spec and bundle/contents.py: what the one-folder program is made of, checked without
building it (CI builds it and runs its self-test: .ci/run)."""
from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from bundle import contents
from core.version import VERSION
from documents.fonts import BUNDLED_INSTANCES
from documents.kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """Stand-ins for the names PyInstaller gives a spec file: each records how it was called."""

    def __init__(self, binaries: list[tuple[str, str, str]], datas: list[tuple[str, str, str]]) -> None:
        self.calls: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
        self.binaries, self.datas = binaries, datas

    def _record(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.calls.setdefault(name, []).append((args, kwargs))
        return type(name, (), {"pure": [], "scripts": [], "binaries": list(self.binaries),
                               "datas": list(self.datas), "args": args, "kwargs": kwargs})()

    def names(self, workpath: Path) -> dict[str, Any]:
        return {"SPECPATH": str(ROOT), "workpath": str(workpath), "__file__": str(ROOT / "build.spec"),
                **{n: (lambda *a, _n=n, **k: self._record(_n, a, k)) for n in ("Analysis", "PYZ", "EXE", "COLLECT")}}


QT = "PySide6/Qt"
SAMPLE_BINARIES = [
    (f"{QT}/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
    (f"{QT}/plugins/platforms/libqoffscreen.so", "/src/libqoffscreen.so", "BINARY"),
    (f"{QT}/plugins/platforms/libqeglfs.so", "/src/libqeglfs.so", "BINARY"),
    (f"{QT}/plugins/platforms/libqminimalegl.so", "/src/libqminimalegl.so", "BINARY"),
    (f"{QT}/plugins/imageformats/libqsvg.so", "/src/libqsvg.so", "BINARY"),
    (f"{QT}/plugins/printsupport/libcupsprintersupport.so", "/src/libcupsprintersupport.so", "BINARY"),
    (f"{QT}/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
    ("lxml/etree.cpython-311-x86_64-linux-gnu.so", "/src/etree.so", "EXTENSION"),
]
SAMPLE_DATAS = [
    (f"{QT}/translations/qtbase_zh_CN.qm", "/src/qtbase_zh_CN.qm", "DATA"),
    (f"{QT}/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
    (f"{QT}/translations/qt_help_zh_CN.qm", "/src/qt_help_zh_CN.qm", "DATA"),
    ("templates_docx/acceptance-notice.docx", "/src/acceptance-notice.docx", "DATA"),
]


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recorder, Path]:
    recorder = Recorder(SAMPLE_BINARIES, SAMPLE_DATAS)
    workpath = tmp_path_factory.mktemp("work")
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    exec(compile(source, str(ROOT / "build.spec"), "exec"), recorder.names(workpath))
    return recorder, workpath


def test_one_folder_without_upx(spec: tuple[Recorder, Path]) -> None:
    recorder, _ = spec
    exes = recorder.calls["EXE"]
    assert exes and all(kw["exclude_binaries"] is True for _, kw in exes)     # one folder: COLLECT gathers them
    assert all(kw["upx"] is False for _, kw in exes)
    [(_, collect)] = recorder.calls["COLLECT"]
    assert collect["upx"] is False and collect["name"] == "rongcuo"
    assert exes[0][1]["name"] == "rongcuo"


def test_icon_and_version_resource(spec: tuple[Recorder, Path]) -> None:
    recorder, workpath = spec
    _, exe = recorder.calls["EXE"][0]
    assert Path(exe["icon"]) == contents.ICON_ICO and contents.ICON_ICO.is_file()
    text = Path(exe["version"]).read_text(encoding="utf-8")
    assert Path(exe["version"]).parent == workpath
    numbers = contents.version_numbers()
    assert f"filevers={numbers}" in text and f"StringStruct('ProductVersion', '{VERSION}')" in text
    assert "容错免责案件办理系统" in text
    ast.parse(text, mode="eval")        # PyInstaller evaluates it as one Python expression


def test_the_analysis_gets_the_lists(spec: tuple[Recorder, Path]) -> None:
    recorder, _ = spec
    [(args, kw)] = recorder.calls["Analysis"]
    assert args[0] == [str(ROOT / "main.py")]
    assert kw["datas"] == contents.data_files()
    assert kw["hiddenimports"] == contents.HIDDEN_IMPORTS
    assert kw["excludes"] == contents.EXCLUDES
    assert kw["hookspath"] == [str(ROOT / "bundle" / "hooks")]


def test_only_the_chosen_qt_plugins_and_translations_are_kept(spec: tuple[Recorder, Path]) -> None:
    recorder, _ = spec
    # COLLECT(*executables, a.binaries, a.datas, …): the Analysis object's lists after build.spec's sieve
    [(collect_args, collect_kw)] = recorder.calls["COLLECT"]
    binaries, datas = collect_args[-2], collect_args[-1]
    assert [b[0].rsplit("/", 1)[-1] for b in binaries] == [
        "libqxcb.so", "libqoffscreen.so", "libcupsprintersupport.so", "libQt6Core.so.6",
        "etree.cpython-311-x86_64-linux-gnu.so"]
    assert [d[0].rsplit("/", 1)[-1] for d in datas] == ["qtbase_zh_CN.qm", "acceptance-notice.docx"]
    assert collect_kw["name"] == "rongcuo"


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/plugins/platforms/qdirect2d.dll", False),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
    ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so", False),
    ("PySide6/translations/qtbase_zh_CN.qm", True),
    ("PySide6/translations/qtbase_zh_TW.qm", False),
    ("PySide6/Qt/translations/qtquick_zh_CN.qm", False),
    ("resources/policies/yinchuan.json", True),
    ("PySide6/Qt/lib/libQt6Gui.so.6", True),
])
def test_qt_selection(dest: str, kept: bool) -> None:
    assert contents.keep_qt_file(dest) is kept


def test_linux_takes_the_cups_library_from_the_system() -> None:
    assert not contents.keep_binary("libcups.so.2", "linux")
    assert contents.keep_binary("libcups.so.2", "win32")
    assert contents.keep_binary("libpython3.11.so.1.0", "linux")


def test_every_data_file_exists_and_lands_inside_the_bundle() -> None:
    files = contents.data_files()
    for source, folder in files:
        assert Path(source).exists(), source
        assert not Path(folder).is_absolute() and ".." not in Path(folder).parts, folder
    shipped = {(Path(s).name, f) for s, f in files}
    assert {(f"{kind}.docx", "templates_docx") for kind in KINDS} <= shipped    # every letter's wording
    assert {(i.file, "resources/fonts/generated") for i in BUNDLED_INSTANCES} <= shipped
    assert ("policies", "resources/policies") in shipped
    assert ("rongcuo.png", "resources/icons") in shipped
    assert ("CN.mo", "holidays/locale/zh_CN/LC_MESSAGES") in shipped
    assert not any(s.endswith(".py") for s, _ in files)     # templates_docx/build_defaults.py stays out


def test_the_program_finds_what_the_bundle_ships() -> None:
    """Paths the program asks for at run time (core/resource_paths.py) are among the bundle's data."""
    from core.resource_paths import app_root, resource_path, templates_path

    root = app_root()
    shipped = set()
    for source, folder in contents.data_files():
        src = Path(source)
        shipped |= {Path(folder) / p.relative_to(src) for p in src.rglob("*")} if src.is_dir() else {
            Path(folder) / src.name}
    for path in (resource_path("icons", "rongcuo.png"), resource_path("policies", "yinchuan.json"),
                 templates_path("determination-letter.docx"),
                 *[resource_path("fonts", "generated", i.file) for i in BUNDLED_INSTANCES]):
        assert path.relative_to(root) in shipped, path


def test_hidden_imports_exist() -> None:
    import importlib.util

    for name in contents.HIDDEN_IMPORTS:
        assert importlib.util.find_spec(name) is not None, name


def test_the_qt_modules_the_gui_uses_are_not_excluded_and_have_hooks() -> None:
    tree = ast.parse((ROOT / "gui" / "qt.py").read_text(encoding="utf-8"))
    used = {node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6.")}
    assert used == {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport"}
    assert not used & set(contents.EXCLUDES)
    for module in used:
        assert (ROOT / "bundle" / "hooks" / f"hook-{module}.py").is_file(), module
    for needed in ("platforms", "printsupport"):
        assert contents.QT_PLUGINS[needed]
    assert "qoffscreen" in contents.QT_PLUGINS["platforms"]       # the self-test's window
    assert contents.QT_TRANSLATIONS == ("qtbase_zh_CN.qm",)


def test_excluded_modules_are_not_imported_by_the_program() -> None:
    """An excluded module that the program imports would be missing from the build."""
    from tests.test_layers import imported_modules, matches, program_files

    excluded = tuple(contents.EXCLUDES)
    offences = [f"{p.relative_to(ROOT)}:{line} imports {name}" for p in program_files()
                if p.parts[len(ROOT.parts)] not in ("bundle", "scripts") and p.name != "build.spec"
                for line, name in imported_modules(p) if matches(name, excluded)]
    assert offences == []


def test_the_icon_files() -> None:
    from PIL import Image

    with Image.open(contents.ICON_PNG) as png:
        assert png.size == (256, 256)
    with Image.open(contents.ICON_ICO) as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_build_requirements_are_pinned_and_only_for_the_build() -> None:
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements-build.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert lines[0] == "-r requirements.txt"
    for line in lines[1:]:
        assert re.match(r"^[A-Za-z0-9_.-]+==[0-9][^ ;]*( *;.*)?$", line), line
    assert any(line.startswith("pyinstaller==") for line in lines)
    runtime = (ROOT / "requirements.txt").read_text().lower()
    assert "pyinstaller" not in runtime


def test_run_sh_builds_the_program_and_ci_runs_its_self_test() -> None:
    run = (ROOT / "run.sh").read_text()
    assert "ensure_venv requirements-build.txt" in run and "build.spec" in run
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in ci.splitlines() if not line.lstrip().startswith("#")]     # not the comments
    at = {word: next(i for i, line in enumerate(commands) if word in line)
          for word in ("./test.sh", "./run.sh build", "dist/rongcuo/rongcuo --self-test")}
    assert at["./test.sh"] < at["./run.sh build"] < at["dist/rongcuo/rongcuo --self-test"]
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "build/" in ignored and "dist/" in ignored
