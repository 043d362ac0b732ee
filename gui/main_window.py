"""The main window: the dashboard on top, the case list with its search and filters below, and
menus and shortcuts for everything else."""
from __future__ import annotations

from datetime import date
from typing import Any

from core.workflow import STATUS_LABELS
from gui import prompts
from gui.case_list_model import COLUMNS, SORTABLE, CaseListModel, CaseQuery
from gui.dashboard_view import DashboardView
from gui.qt import (
    QAbstractItemView,
    QAction,
    QComboBox,
    QDate,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QModelIndex,
    QPushButton,
    QShortcut,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from gui.tasks import TaskRunner

SEARCH_DELAY_MS = 300          # wait for the officer to stop typing before searching
NO_DATE = QDate(2000, 1, 1)    # a date edit at this value means "no limit"
COLUMN_WIDTHS = (110, 150, 160, 100, 80, 90)


class MainWindow(QMainWindow):
    def __init__(self, runner: TaskRunner, officer: Any, office: dict[str, Any] | None = None,
                 outcome_labels: dict[str, str] | None = None) -> None:
        super().__init__()
        self.runner = runner
        self.officer = officer
        self.outcome_labels = outcome_labels or {}
        self.case_windows: dict[str, QWidget] = {}
        self.setWindowTitle(f"容错免责案件办理系统 — {(office or {}).get('organ_name') or ''}".rstrip(" —"))
        self.resize(1280, 760)
        self.dashboard = DashboardView()
        self.model = CaseListModel(runner, self.outcome_labels, self)
        self._build_central()
        self._build_menus()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.model.loaded.connect(self._show_count)
        self.model.failed.connect(lambda message: prompts.error(self, message))
        self.dashboard.status_chosen.connect(self.show_status)
        self.dashboard.case_chosen.connect(self.open_case)
        self.dashboard.backup_wanted.connect(self.backup)
        self.count_label = QLabel()
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(QLabel(f"当前用户：{officer.name}"))
        self.refresh()

    # --- layout -------------------------------------------------------------------------------------

    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.addWidget(self.dashboard)
        layout.addLayout(self._filter_bar())
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)   # several, to export
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        header.sectionClicked.connect(self._sort_by)
        self.table.doubleClicked.connect(lambda index: self.open_case(self.model.row(index.row())["number"]))
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("搜索：案件编号、姓名、身份证号、单位、追责事项、笔录内容（Ctrl+F）")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(lambda _: self._search_timer.start())
        self.search_box.returnPressed.connect(self.apply_filters)
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部状态", "")
        for code, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, code)
        self.outcome_filter = QComboBox()
        self.outcome_filter.addItem("全部结果", "")
        for code, label in self.outcome_labels.items():
            self.outcome_filter.addItem(label, code)
        self.unit_filter = QLineEdit()
        self.unit_filter.setPlaceholderText("单位")
        self.unit_filter.setMaximumWidth(150)
        self.unit_filter.textChanged.connect(lambda _: self._search_timer.start())
        self.from_date, self.to_date = self._date_edit("收到日期起：不限"), self._date_edit("止：不限")
        for combo in (self.status_filter, self.outcome_filter):
            combo.currentIndexChanged.connect(lambda _: self.apply_filters())
        clear = QPushButton("清除条件")
        clear.clicked.connect(self.clear_filters)
        bar.addWidget(self.search_box, 3)
        for widget in (self.status_filter, self.outcome_filter, self.unit_filter, self.from_date, self.to_date, clear):
            bar.addWidget(widget)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search_box.setFocus)
        return bar

    def _date_edit(self, empty_text: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(empty_text)
        edit.setDate(NO_DATE)
        edit.dateChanged.connect(lambda _: self.apply_filters())
        return edit

    def _build_menus(self) -> None:
        menus = self.menuBar()
        case_menu = menus.addMenu("案件(&C)")
        self._action(case_menu, "新建登记…", "Ctrl+N", self.register_case)
        self._action(case_menu, "打开所选案件", "Return", self.open_selected)
        self._action(case_menu, "刷新", "F5", self.refresh)
        case_menu.addSeparator()
        self._action(case_menu, "退出", "Ctrl+Q", self.close)
        tools = menus.addMenu("查询与工具(&T)")
        self._action(tools, "干部容错情况查询…", "Ctrl+K", self.open_cadre_lookup)
        self._action(tools, "工作日计算器…", "Ctrl+D", self.open_calculator)
        data = menus.addMenu("数据(&D)")
        self._action(data, "导出到 U 盘…", "Ctrl+E", self.export_cases)
        self._action(data, "导入数据包…", "Ctrl+I", self.import_package)
        self._action(data, "检查数据包…", "", self.verify_package)
        data.addSeparator()
        self._action(data, "备份全部数据…", "Ctrl+B", self.backup)
        reports = menus.addMenu("统计(&R)")
        self._action(reports, "统计与台账…", "Ctrl+T", self.open_statistics)
        settings = menus.addMenu("设置(&S)")
        self._action(settings, "系统设置…", "Ctrl+,", self.open_settings)
        help_menu = menus.addMenu("帮助(&H)")
        self._action(help_menu, "快捷键", "F1", self.show_shortcuts)
        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for text, slot in (("新建登记", self.register_case), ("干部查询", self.open_cadre_lookup),
                           ("工作日计算", self.open_calculator), ("系统设置", self.open_settings)):
            toolbar.addAction(text, slot)

    def _action(self, menu: Any, text: str, shortcut: str, slot: Any) -> QAction:
        action = menu.addAction(text)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        if shortcut == "Return":
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        return action

    # --- the list -----------------------------------------------------------------------------------

    def current_query(self) -> CaseQuery:
        filters: dict[str, Any] = {}
        if self.status_filter.currentData():
            filters["status"] = self.status_filter.currentData()
        if self.outcome_filter.currentData():
            filters["outcome"] = self.outcome_filter.currentData()
        if self.unit_filter.text().strip():
            filters["unit"] = self.unit_filter.text().strip()
        for key, edit in (("received_from", self.from_date), ("received_to", self.to_date)):
            if edit.date() != NO_DATE:
                filters[key] = date.fromisoformat(edit.date().toString("yyyy-MM-dd"))
        return CaseQuery(self.search_box.text().strip(), filters, self.model.query.sort, self.model.query.descending)

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.count_label.setText("正在查询…")
        self.model.set_query(self.current_query())

    def clear_filters(self) -> None:
        for widget in (self.search_box, self.unit_filter):
            widget.blockSignals(True)
            widget.clear()
            widget.blockSignals(False)
        for combo in (self.status_filter, self.outcome_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for edit in (self.from_date, self.to_date):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        self.apply_filters()

    def show_status(self, status: str) -> None:
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(status)))

    def _sort_by(self, column: int) -> None:
        header = self.table.horizontalHeader()
        if column not in SORTABLE:
            key = next(c for c, k in SORTABLE.items() if k == self.model.query.sort)
            header.setSortIndicator(key, Qt.SortOrder.DescendingOrder if self.model.query.descending
                                    else Qt.SortOrder.AscendingOrder)
            self.statusBar().showMessage("可按“案件编号”或“收到申请”排序", 4000)
            return
        query = self.current_query()
        same = self.model.query.sort == SORTABLE[column]
        query.sort, query.descending = SORTABLE[column], (not self.model.query.descending) if same else True
        header.setSortIndicator(column, Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder)
        self.model.set_query(query)

    def _show_count(self, total: int) -> None:
        self.count_label.setText(f"共 {total} 件")
        if self.table.currentIndex() == QModelIndex() and self.model.rowCount() > 0:
            self.table.selectRow(0)

    def refresh(self) -> None:
        """Dashboard and list again, e.g. after a case changed."""
        from core.services.backup import backup_status
        from core.services.dashboard import dashboard

        self.runner.run(dashboard, self.dashboard.show_summary, parent=self)
        self.runner.run(backup_status, self.dashboard.show_backup, parent=self)
        self.model.reload()

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_case(self.model.row(index.row())["number"])

    # --- other windows ------------------------------------------------------------------------------

    def open_case(self, number: str) -> QWidget:
        from gui.case_window import CaseWindow

        window = self.case_windows.get(number)
        if window is None:
            window = CaseWindow(self.runner, number, self.outcome_labels)
            window.changed.connect(self.refresh)
            window.destroyed.connect(lambda _=None, n=number: self.case_windows.pop(n, None))
            self.case_windows[number] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def register_case(self) -> None:
        from gui.registration_dialog import RegistrationDialog

        dialog = RegistrationDialog(self.runner, self)
        dialog.registered.connect(lambda number: (self.refresh(), self.open_case(number)))
        dialog.open()

    def open_cadre_lookup(self) -> None:
        from gui.cadre_lookup import CadreLookupDialog

        CadreLookupDialog(self.runner, self).open()

    def open_calculator(self) -> None:
        from gui.workday_calculator import WorkdayCalculatorDialog

        WorkdayCalculatorDialog(self.runner, self).open()

    def selected_numbers(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row(r)["number"] for r in rows]

    def export_cases(self) -> Any:
        from gui.exchange_ui import ExportDialog

        dialog = ExportDialog(self.runner, self.selected_numbers(), self)
        dialog.open()
        return dialog

    def import_package(self) -> None:
        from gui.exchange_ui import import_flow

        import_flow(self.runner, self, lambda _result: self.refresh())

    def verify_package(self) -> None:
        from gui.exchange_ui import verify_flow

        verify_flow(self.runner, self)

    def backup(self) -> None:
        from gui.backup_ui import backup_now

        backup_now(self.runner, self, lambda _result: self.refresh())

    def open_statistics(self) -> None:
        from gui.statistics_window import StatisticsWindow

        window = StatisticsWindow(self.runner, self)
        window.show()

    def open_settings(self) -> None:
        from gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.runner, self.officer.name, self.officer.is_admin, self)
        dialog.finished.connect(lambda _: self.refresh())
        dialog.open()

    def show_shortcuts(self) -> None:
        prompts.info(self, "常用快捷键：\n"
                           "Ctrl+N　新建登记\nCtrl+F　搜索案件\nEnter　打开所选案件\nF5　刷新\n"
                           "Ctrl+E　导出到 U 盘\nCtrl+I　导入数据包\nCtrl+B　备份全部数据\nCtrl+K　干部容错情况查询\nCtrl+D　工作日计算器\nCtrl+T　统计与台账\nCtrl+,　系统设置\nCtrl+Q　退出")

    def closeEvent(self, event: Any) -> None:
        for window in list(self.case_windows.values()):
            window.close()
        super().closeEvent(event)
