"""``./run.sh screenshots --out DIR``: every main window and dialog, filled with the demo data in a
temporary data folder, saved as PNG (offscreen). docs/screenshots/ keeps the current set."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SETTLE_MS = 150
DEMO_ADMIN = "周文静"
DEMO_PASSWORD = "演示密码-2026"


class Shooter:
    def __init__(self, out: Path, app: Any, runner: Any) -> None:
        self.out, self.app, self.runner = out, app, runner
        self.saved: list[Path] = []

    def settle(self) -> None:
        """Until the worker is idle and the widgets' own short timers (debounced searches,
        sharper previews after a resize) have fired."""
        from gui.qt import QEventLoop, QTimer

        for _ in range(3):
            while self.runner.pending:
                self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            loop = QEventLoop()
            QTimer.singleShot(SETTLE_MS, loop.quit)
            loop.exec()

    def shot(self, name: str, widget: Any) -> None:
        widget.show()
        self.settle()
        path = self.out / f"{len(self.saved) + 1:02d}-{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)

    def tabs(self, prefix: str, widget: Any, names: list[str] | None = None) -> None:
        from gui.qt import QTabWidget

        tabs = widget.findChild(QTabWidget)
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            self.settle()
            self.shot(f"{prefix}-{(names or [])[i] if names and i < len(names) else tabs.tabText(i)}", widget)


def take_screenshots(out: Path, size: str = "1366x768", scale: str = "1") -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if scale != "1":
        os.environ["QT_SCALE_FACTOR"] = scale
    # A 1920×1080 screen at 150 % gives windows 1280×720 logical pixels, drawn at 1.5×.
    width, height = (round(int(x) / float(scale)) for x in size.lower().split("x"))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rongcuo-shots-") as folder:
        return _take(out, Path(folder) / "data", width, height)


def _take(out: Path, data_dir: Path, width: int, height: int) -> int:
    from core.services.demo import load_demo
    from core.services.users import first_start
    from gui import crash
    from gui.app import build_main_window, open_runner, start_info
    from gui.app_setup import make_application
    from gui.qt import QLoggingCategory
    from gui.sign_in import FirstStartDialog, SignInDialog

    app = make_application()
    QLoggingCategory.setFilterRules("qt.qpa.*=false")   # offscreen has no window manager to talk to
    crash.install(data_dir)
    runner = open_runner(data_dir)
    shooter = Shooter(out, app, runner)
    first = FirstStartDialog(runner)
    shooter.shot("初始设置", first)
    first.close()

    def demo_typed_in_by_the_administrator(ws: Any) -> None:     # the case timeline names who recorded each step
        ws.actor = DEMO_ADMIN
        load_demo(ws)

    runner.call(demo_typed_in_by_the_administrator)
    runner.call(lambda ws: first_start(ws, _demo_office(ws), DEMO_ADMIN, DEMO_PASSWORD))
    info = runner.call(start_info)
    sign_in = SignInDialog(runner, info["names"], info["office"]["organ_name"])
    shooter.shot("登录", sign_in)
    sign_in.close()
    officer = runner.call(lambda ws: _officer(ws))
    window = build_main_window(runner, officer, info)
    window.resize(width, height)
    shooter.shot("主窗口", window)
    _main_window_views(shooter, window)
    _case_windows(shooter, window, width, height)
    _dialogs(shooter, window)
    window.close()
    runner.shutdown()
    print(f"已保存 {len(shooter.saved)} 张截图到 {out}")
    return 0


def _demo_office(ws: Any) -> dict[str, str]:
    from core.services.office import office_profile

    profile = office_profile(ws)
    return {k: profile[k] for k in ("organ_name", "letterhead", "code_prefix", "organ_kind")}


def _officer(ws: Any) -> Any:
    from core.services.users import sign_in

    return sign_in(ws, DEMO_ADMIN, DEMO_PASSWORD)


def _main_window_views(shooter: Shooter, window: Any) -> None:
    window.search_box.setText("王")
    window.apply_filters()
    shooter.shot("主窗口-搜索两字以内", window)
    window.clear_filters()
    window.show_status("investigating")
    shooter.shot("主窗口-按状态筛选", window)
    window.clear_filters()


def _first_number(shooter: Shooter, status: str) -> str:
    from core.services.search import search_cases

    return shooter.runner.call(lambda ws: search_cases(ws, status=status, limit=1).rows[0]["number"])


def _case_windows(shooter: Shooter, window: Any, width: int, height: int) -> None:
    from gui.action_dialog import ActionDialog

    for status, label in (("investigating", "核实中"), ("archived", "已归档")):
        case = window.open_case(_first_number(shooter, status))
        case.resize(width, height)
        shooter.settle()
        shooter.tabs(f"案件-{label}", case)
        case.close()
    case = window.open_case(_first_number(shooter, "investigating"))
    shooter.settle()
    for action in ("note", "evidence", "extend", "report"):
        dialog = ActionDialog(shooter.runner, case.number, action, case.details, case.policy, case.today, case)
        shooter.shot(f"操作-{dialog.windowTitle().split(' — ')[0]}", dialog)
        if action == "report":
            dialog.submit()          # empty: the refusal shows beside its field
            shooter.shot("操作-出具调查报告-未通过检查", dialog)
        dialog.close()
    case.close()
    case = window.open_case(_first_number(shooter, "reported"))
    shooter.settle()
    dialog = ActionDialog(shooter.runner, case.number, "determine", case.details, case.policy, case.today, case)
    shooter.shot("操作-作出认定", dialog)
    dialog.close()
    case.close()
    case = window.open_case(_first_number(shooter, "determined"))
    case.resize(width, height)
    case.tabs.setCurrentWidget(case.documents)
    shooter.settle()
    if case.documents.select_kind("determination-letter"):
        case.documents.generate()
        shooter.shot("案件-文书-认定书预览", case)
    case.close()


def _dialogs(shooter: Shooter, window: Any) -> None:
    from gui.registration_dialog import RegistrationDialog

    registration = RegistrationDialog(shooter.runner, window)
    shooter.shot("登记申请", registration)
    registration.submit()
    shooter.shot("登记申请-未通过检查", registration)
    registration.close()
    _crash_dialog(shooter, window)
    from gui.statistics_window import StatisticsWindow

    window.table.selectRow(0)
    export = window.export_cases()
    shooter.shot("导出到U盘", export)
    export.close()
    statistics = StatisticsWindow(shooter.runner, window)
    statistics.resize(window.width(), window.height())
    shooter.shot("统计与台账", statistics)
    statistics.close()
    for name, opener in _optional_dialogs(window):
        dialog = opener()
        if dialog is None:
            continue
        from gui.qt import QTabWidget

        if name == "干部查询":
            dialog.query.setText("王")
            dialog.search()
            shooter.settle()
        if dialog.findChild(QTabWidget) is not None:
            shooter.tabs(name, dialog)
        else:
            shooter.shot(name, dialog)
        dialog.close()


def _crash_dialog(shooter: Shooter, window: Any) -> None:
    """The crash report as an officer sees it (the message box is shown without blocking here)."""
    from gui.prompts import crash_box

    text = ("程序遇到意外错误，这一步操作没有完成；已保存的数据不受影响，可以继续工作。\n\n"
            "您已输入但尚未保存的内容已另存到：……/logs/未保存的输入-20261127-093000.txt\n\n"
            "错误详情已记录在：……/logs/error.log\n\n如问题反复出现，请把上述文件交给技术支持人员。")
    box = crash_box(window, text)
    shooter.shot("意外错误", box)
    box.close()


def _optional_dialogs(window: Any) -> list[tuple[str, Callable[[], Any]]]:
    def make(module: str, cls: str, *args: Any) -> Callable[[], Any]:
        def build() -> Any:
            import importlib

            return getattr(importlib.import_module(module), cls)(window.runner, *args, window)
        return build

    return [("干部查询", make("gui.cadre_lookup", "CadreLookupDialog")),
            ("工作日计算器", make("gui.workday_calculator", "WorkdayCalculatorDialog")),
            ("系统设置", make("gui.settings_dialog", "SettingsDialog", window.officer.name, window.officer.is_admin))]
