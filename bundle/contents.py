"""The contents of the one-folder program: data files, hidden imports, excluded modules, the Qt
plugins and translations kept, and the Windows version resource.

Used by ``build.spec`` (through PyInstaller) and by ``bundle/hooks`` (the Qt selection); the lists
are checked by tests/packaging/test_build_spec.py without PyInstaller.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path, PurePath

from core.version import VERSION

ROOT = Path(__file__).resolve().parent.parent
NAME = "rongcuo"
PRODUCT = "容错免责案件办理系统"
ICON_ICO = ROOT / "resources" / "icons" / "rongcuo.ico"
ICON_PNG = ROOT / "resources" / "icons" / "rongcuo.png"
FONTS_DIR = ROOT / "resources" / "fonts" / "generated"


class BuildError(RuntimeError):
    """The build cannot go on (a package or file is missing); the message is for the person building."""


def package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"构建失败：找不到依赖包 {name}，请用 ./run.sh build 构建（它会先安装依赖）")
    return Path(next(iter(spec.submodule_search_locations)))


def data_files() -> list[tuple[str, str]]:
    """(source, folder in the bundle) for every data file the program reads at run time.

    The user's data is not among them: it lives in the data folder (core/data_dir.py)."""
    from documents.fonts import BUNDLED_INSTANCES, LICENSE_FILE

    holidays = package_dir("holidays")
    return [
        # the letters' wording (not build_defaults.py, the script that made them)
        *[(str(p), "templates_docx") for p in sorted((ROOT / "templates_docx").glob("*.docx"))],
        (str(ROOT / "resources" / "policies"), "resources/policies"),
        (str(ICON_PNG), "resources/icons"),
        # The Noto Sans SC instances the letters fall back on (and the UI font where the system has
        # no Chinese font). The variable font they are cut from (justmytype-intl-cjk, 48 MB with its
        # Korean and Japanese siblings) is then not needed: documents.fonts.bundled_fonts_dir finds
        # the instances here first.
        *[(str(FONTS_DIR / inst.file), "resources/fonts/generated") for inst in BUNDLED_INSTANCES],
        (str(FONTS_DIR / LICENSE_FILE), "resources/fonts/generated"),
        # holidays (estimates for years without an official schedule): China's gettext catalogues of
        # holiday names, read when a language is asked for (4 small files)
        *[(str(p), p.parent.relative_to(holidays.parent).as_posix())
          for p in sorted((holidays / "locale").glob("*/LC_MESSAGES/CN.mo"))],
        # python-docx's default document and parts (its PyInstaller hook collects them too)
        (str(package_dir("docx") / "templates"), "docx/templates"),
    ]


# Not shipped: reportlab/fonts (sample Type 1 and TrueType fonts, some under the GPL). The program
# embeds only the Noto instances or the office's fonts; reportlab's standard-font metrics, which the
# charts' labels use, are Python modules (reportlab.pdfbase._fontdata_*), collected as code.

# Imported by name at run time, where PyInstaller cannot see it.
HIDDEN_IMPORTS = [
    "holidays.countries.china",     # holidays.China is loaded lazily by holidays.registry
]

# python-docx finds its header and footer templates as docx/parts/../templates/…: the folder
# docx/parts must exist in the bundle, so that package's sources are collected beside the archive.
MODULE_COLLECTION_MODE = {"docx.parts": "pyz+py"}

# Qt modules the program does not use: it imports QtCore, QtGui, QtWidgets and QtPrintSupport only
# (gui/qt.py). PySide6-Essentials ships most of these; excluding them keeps them out whatever imports.
QT_EXCLUDES = [f"PySide6.{m}" for m in (
    "QtQml", "QtQuick", "QtQuickWidgets", "QtQuickControls2", "QtQuickTest", "Qt3DCore", "Qt3DRender",
    "Qt3DInput", "Qt3DLogic", "Qt3DAnimation", "Qt3DExtras", "QtWebEngineCore", "QtWebEngineWidgets",
    "QtWebEngineQuick", "QtWebChannel", "QtWebSockets", "QtWebView", "QtMultimedia", "QtMultimediaWidgets",
    "QtNetwork", "QtNetworkAuth", "QtOpenGL", "QtOpenGLWidgets", "QtSql", "QtSvg", "QtSvgWidgets",
    "QtTest", "QtXml", "QtConcurrent", "QtDesigner", "QtHelp", "QtUiTools", "QtPdf", "QtPdfWidgets",
    "QtCharts", "QtDataVisualization", "QtGraphs", "QtBluetooth", "QtNfc", "QtPositioning",
    "QtLocation", "QtSensors", "QtSerialPort", "QtSerialBus", "QtTextToSpeech", "QtSpatialAudio",
    "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtHttpServer", "QtDBus", "QtAxContainer",
)]
EXCLUDES = [
    *QT_EXCLUDES,
    # the standard library's parts the program never uses (ssl: it never goes on a network; the
    # standard library imports it only where it may be missing)
    "tkinter", "_tkinter", "pydoc_data", "lib2to3", "test", "idlelib", "ensurepip", "venv",
    "ssl", "_ssl", "readline",
    # tools that share .venv with the program
    "pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils", "PyInstaller",
    "pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "mypyc", "ruff", "pdfplumber", "pdfminer",
    "pygments", "IPython", "numpy", "matplotlib",
    # the font source package (see data_files) and pypdfium2's command line
    "justmytype", "justmytype_intl_cjk", "pypdfium2_cli",
    # Pillow's AVIF and WebP codecs and its Tk and Qt bridges (archive volumes bind PNG and JPEG only:
    # documents/volume.py), and lxml's parts that python-docx and docxtpl do not use
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingtk", "PIL.ImageTk",
    "PIL.ImageQt", "lxml.objectify", "lxml.html", "lxml.isoschematron",
]

# Qt's plugins kept, by plugin folder: what the program can use on Windows 10/11 and on Linux
# (X11 and Wayland), and offscreen for the self-test. The rest, and the Qt libraries only they
# need (QtNetwork, QtOpenGL, QtSvg, EGL …), are never collected (bundle/hooks).
QT_PLUGINS: dict[str, tuple[str, ...]] = {
    "platforms": ("qoffscreen", "qminimal", "qxcb", "qwayland", "qwindows"),
    # The desktop's file dialogs through the XDG portal where one runs. Not gtk3: it would load the
    # system's GTK against libraries bundled here, and without it Qt's own dialogs are used.
    "platformthemes": ("qxdgdesktopportal",),
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "xcbglintegrations": ("qxcb-egl-integration", "qxcb-glx-integration"),
    "wayland-shell-integration": ("xdg-shell",),
    "wayland-decoration-client": ("bradient",),
    "imageformats": ("qico", "qjpeg", "qgif"),
    "printsupport": ("cupsprintersupport",),                  # printing on Linux (Windows needs none)
    "styles": ("qmodernwindowsstyle", "qwindowsvistastyle"),
}
# Linux: libraries taken from the system, not the bundle. The CUPS client library (the Qt print
# plugin's only link to it) and what only it needs: a desktop that prints has them, matched to its
# own print server, and without them Qt's print dialog lists no printer instead of failing. ~9 MB.
SYSTEM_LIBRARIES = frozenset({
    "libcups.so.2", "libgnutls.so.30", "libp11-kit.so.0", "libnettle.so.8", "libhogweed.so.6", "libgmp.so.10",
    "libidn2.so.0", "libunistring.so.2", "libtasn1.so.6", "libgssapi_krb5.so.2", "libkrb5.so.3",
    "libk5crypto.so.3", "libkrb5support.so.0", "libcom_err.so.2", "libkeyutils.so.1", "libavahi-client.so.3",
    "libavahi-common.so.3",
})

# Qt's own translations: Chinese only, for Qt's buttons and dialogs (gui/app_setup.install_translations).
QT_TRANSLATIONS = ("qtbase_zh_CN.qm",)


def _plugin_stem(file: str) -> str:
    """libqxcb.so → qxcb, qwindows.dll → qwindows."""
    name = PurePath(file).name.split(".")[0]
    return name.removeprefix("lib") if name.startswith("lib") and sys.platform != "win32" else name


def keep_qt_file(dest: str) -> bool:
    """Whether a file PyInstaller's Qt hooks would collect, given as its destination in the bundle
    (``PySide6/Qt/plugins/platforms/libqxcb.so``), goes into the program. Files that are not Qt
    plugins or translations are always kept."""
    parts = PurePath(dest).parts
    for i in range(1, len(parts)):
        if parts[i - 1] not in ("Qt", "PySide6"):
            continue
        if parts[i] == "plugins" and len(parts) == i + 3:
            return _plugin_stem(parts[i + 2]) in QT_PLUGINS.get(parts[i + 1], ())
        if parts[i] == "translations" and len(parts) == i + 2:
            return parts[i + 1] in QT_TRANSLATIONS
    return True


def keep_binary(dest: str, platform: str = sys.platform) -> bool:
    """Whether a binary PyInstaller collected goes into the program: the Qt selection, and on Linux
    not the libraries taken from the system."""
    if platform.startswith("linux") and PurePath(dest).name in SYSTEM_LIBRARIES:
        return False
    return keep_qt_file(dest)


def keep_qt_entry(entry: tuple[str, str]) -> bool:
    """For a hook's (source, destination folder) pair."""
    source, folder = entry
    return keep_qt_file(str(PurePath(folder) / PurePath(source).name))


def version_numbers() -> tuple[int, int, int, int]:
    major, minor, patch, build = [*(int(x) for x in VERSION.split(".")), 0, 0, 0, 0][:4]
    return major, minor, patch, build


def version_resource() -> str:
    """The Windows version resource (Explorer: 属性 → 详细信息) in PyInstaller's text format."""
    numbers = version_numbers()
    strings = {"CompanyName": "", "FileDescription": PRODUCT, "FileVersion": VERSION, "InternalName": NAME,
               "LegalCopyright": "", "OriginalFilename": f"{NAME}.exe", "ProductName": PRODUCT,
               "ProductVersion": VERSION}
    entries = ",\n".join(f"        StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return ("VSVersionInfo(\n"
            f"  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,\n"
            "                    fileType=0x1, subtype=0x0, date=(0, 0)),\n"
            "  kids=[\n"
            "    StringFileInfo([StringTable('080404b0', [\n"      # 中文（简体，中国）, Unicode
            f"{entries}\n"
            "    ])]),\n"
            "    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])\n"
            "  ]\n"
            ")\n")
