"""系统设置: the office profile, the 发文字号 register, letter layouts, fonts, the holiday calendar,
letter templates and officers, one tab each.

Each tab fetches its data the first time it is shown (opening the dialog costs one query, not seven),
and every read and write goes through the task runner to ``core.services``."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from core.errors import UserError
from core.numbering import list_numbers, number_row, void_number
from core.services.holidays import (
    DAY_HOLIDAY,
    DAY_MAKEUP,
    DAY_WEEKEND,
    calendar_years,
    import_schedule,
    read_schedule_file,
    year_days,
)
from core.services.office import (
    DETERMINATION_LETTERS_KEY,
    DETERMINATION_LETTERS_LABELS,
    FIELDS,
    FORMAT_KEY_PREFIX,
    ORGAN_KINDS,
    letter_settings,
    office_profile,
    update_office,
)
from core.services.templates_admin import (
    TemplateInfo,
    export_template,
    import_office_template,
    list_templates,
    reset_office_template,
)
from core.services.users import Officer, add_officer, change_password, officers, set_active, set_password
from documents.kinds import FORMAT_LABELS, KINDS
from gui import prompts
from gui.qt import (
    QAbstractItemView,
    QBrush,
    QButtonGroup,
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QShowEvent,
    QSizePolicy,
    Qt,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gui.table_models import RowsModel
from gui.tasks import TaskRunner

GREY_TEXT = QColor("#80868b")
DAY_COLORS: dict[str, tuple[QColor, QColor]] = {     # kind → (background, text)
    DAY_HOLIDAY: (QColor("#fde8e6"), QColor("#b3261e")),
    DAY_MAKEUP: (QColor("#fff1d6"), QColor("#9a5b00")),
    DAY_WEEKEND: (QColor("#eef0f3"), QColor("#80868b")),
}
DAY_LABELS = {DAY_HOLIDAY: "放假", DAY_MAKEUP: "调休上班", DAY_WEEKEND: "周末", "workday": "工作日"}
RECIPIENT_LABELS = {"organ": "主送问责实施机关", "applicant": "主送申请人"}
DOCX_FILTER = "Word 文档 (*.docx)"


# --- small pieces every tab uses -----------------------------------------------------------------

def _label(text: str = "", role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def _hint(text: str) -> QLabel:
    return _label(text, "hint")


def _say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def _read_only_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    _tidy_table(table)
    return table


def _tidy_table(table: QTableView) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)


def _fit_columns(table: QTableView) -> None:
    """Columns as wide as their text plus some air; the last one takes the rest of the width."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count() - 1):
        header.resizeSection(column, header.sectionSize(column) + 10)
    header.setStretchLastSection(False)    # stretch again: resizing to contents shrank the last column
    header.setStretchLastSection(True)


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


def _button_row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class FieldErrors:
    """Red messages under the fields of one form, keyed by the field names the services use in
    ``ValidationError.field``; a refusal about no field on the form goes to a message box."""

    def __init__(self, owner: QWidget) -> None:
        self._owner = owner
        self.labels: dict[str, QLabel] = {}

    def label_for(self, field: str) -> QLabel:
        label = _label(role="error")
        label.hide()
        self.labels[field] = label
        return label

    def clear(self) -> None:
        for label in self.labels.values():
            _say(label, "")

    def show(self, error: UserError) -> None:
        label = self.labels.get(getattr(error, "field", ""))
        if label is None:
            prompts.error(self._owner, error.message)
        else:
            _say(label, error.message)


def _add_field(form: QFormLayout, errors: FieldErrors, field: str, label: str, editor: QWidget,
               hint: str = "") -> None:
    """One row: the editor, then its hint and its (hidden) error message beneath it."""
    column = QVBoxLayout()
    column.setSpacing(2)
    # A narrow editor keeps to the left, so it does not squeeze its hint and error into its own width.
    narrow = editor.maximumWidth() < 1000
    column.addWidget(editor, 0, Qt.AlignmentFlag.AlignLeft if narrow else Qt.AlignmentFlag(0))
    if hint:
        column.addWidget(_hint(hint))
    column.addWidget(errors.label_for(field))
    form.addRow(label + "：", column)


class _Page(QWidget):
    """A tab that fetches its data when first shown, and again after each change it makes."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.runner = runner
        self.loaded = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.loaded = True
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def run(self, work: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None,
            **options: Any) -> None:
        self.runner.run(work, on_done, parent=self, **options)


# --- 机关信息 -----------------------------------------------------------------------------------------

class OfficePage(_Page):
    """Who this office is: the names on its letters and the start of its 发文字号."""

    saved = Signal(dict)
    HINTS: ClassVar[dict[str, str]] = {
        "organ_name": "本机关全称，如：中共贺兰县纪律检查委员会 贺兰县监察委员会",
        "letterhead": "文书版头和落款使用的名称，如：中共贺兰县纪委 贺兰县监委",
        "code_prefix": "发文字号的开头，如“贺纪”→ 贺纪容认〔2026〕3号；修改后，新文号按新代字从 1 号起编",
        "organ_kind": "决定文书中的称谓（“我委”或“我部”）和抄送机关",
    }

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.errors = FieldErrors(self)
        self.editors: dict[str, QLineEdit] = {name: QLineEdit() for name in ("organ_name", "letterhead", "code_prefix")}
        self.editors["code_prefix"].setMaximumWidth(160)
        self.kind_box = QComboBox()
        self.kind_box.addItems(list(ORGAN_KINDS))
        self.save_button = QPushButton("保存")
        self.save_button.setEnabled(False)     # until the stored values are on screen to compare with
        self.save_button.clicked.connect(self.save)
        self.status = _hint("")
        self.stored: dict[str, Any] = {}
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setVerticalSpacing(10)
        for name, editor in self.editors.items():
            _add_field(form, self.errors, name, FIELDS[name], editor, self.HINTS[name])
        _add_field(form, self.errors, "organ_kind", FIELDS["organ_kind"], self.kind_box, self.HINTS["organ_kind"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(_button_row(self.save_button, self.status))
        layout.addStretch(1)

    def reload(self) -> None:
        self.run(office_profile, self._show)

    def _show(self, profile: dict[str, Any]) -> None:
        self.stored = profile
        self.save_button.setEnabled(True)
        for name, editor in self.editors.items():
            editor.setText(profile[name] or "")
        self.kind_box.setCurrentText(profile["organ_kind"])

    def typed(self) -> dict[str, str]:
        values = {name: editor.text() for name, editor in self.editors.items()}
        return values | {"organ_kind": self.kind_box.currentText()}

    def save(self) -> None:
        self.errors.clear()
        changes = {name: value for name, value in self.typed().items() if value != self.stored.get(name)}
        if not changes:
            _say(self.status, "没有需要保存的修改。")
            return
        _say(self.status, "")
        self.run(lambda ws: update_office(ws, changes), self._saved, on_error=self.errors.show)

    def _saved(self, profile: dict[str, Any]) -> None:
        self._show(profile)
        _say(self.status, "已保存。")
        self.saved.emit(profile)


# --- 文号 ---------------------------------------------------------------------------------------------

class IssuedNumbersModel(RowsModel):
    """The 发文登记簿: one row per number ever issued; voided ones stay, greyed."""

    columns: ClassVar[list[tuple[str, str]]] = [
        ("number", "发文字号"), ("prefix", "机关代字"), ("kind", "文书"), ("year", "年份"), ("seq", "序号"),
        ("case_number", "案件编号"), ("issued_on", "成文日期"), ("state", "状态")]

    def row_at(self, row: int) -> dict[str, Any]:
        return self.rows[row]

    def text(self, row: dict[str, Any], key: str) -> str:
        if key == "kind":
            kind = KINDS[row["kind"]].label if row["kind"] in KINDS else row["kind"]
            return kind + (f"（{RECIPIENT_LABELS[row['recipient']]}）" if row["recipient"] in RECIPIENT_LABELS else "")
        if key == "state":
            return f"已作废：{row['void_reason']}" if row["voided"] else "有效"
        if key == "case_number":
            return row["case_number"] or "—"
        return super().text(row, key)

    def tooltip(self, row: dict[str, Any], key: str) -> str | None:
        return f"{row['voided_at']} 由 {row['voided_by']} 作废：{row['void_reason']}" if row["voided"] else None

    def foreground(self, row: dict[str, Any]) -> Any:
        return QBrush(GREY_TEXT) if row["voided"] else None

    def alignment(self, key: str) -> Any:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if key in ("year", "seq") else None


class NumbersPage(_Page):
    ALL_YEARS = "全部年份"

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.model = IssuedNumbersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        _tidy_table(self.table)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.year_box = QComboBox()
        self.year_box.addItem(self.ALL_YEARS, None)
        self.year_box.currentIndexChanged.connect(lambda _: self.reload())
        self.void_button = QPushButton("作废所选文号…")
        self.void_button.setEnabled(False)
        self.void_button.clicked.connect(self.void_selected)
        self.status = _hint("")
        self._lay_out()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(_hint("出具受理通知书、认定书等文书时，程序自动编发文字号。作废的文号仍保留在登记簿中，"
                               "不会重新编发。"))
        layout.addLayout(_button_row(QLabel("年份："), self.year_box, self.status))
        layout.addWidget(self.table, 1)
        layout.addLayout(_button_row(self.void_button))

    def reload(self) -> None:
        year = self.year_box.currentData()

        def register(ws: Any) -> tuple[list[int], list[dict[str, Any]]]:
            years = sorted({row["year"] for row in list_numbers(ws)}, reverse=True)
            return years, list_numbers(ws, year=year)

        self.run(register, self._show)

    def _show(self, result: tuple[list[int], list[dict[str, Any]]]) -> None:
        years, rows = result
        self._offer_years(years)
        self.model.set_rows(rows)
        _fit_columns(self.table)
        self._selection_changed()
        _say(self.status, "" if rows else "没有编发过文号。")

    def _offer_years(self, years: list[int]) -> None:
        chosen = self.year_box.currentData()
        self.year_box.blockSignals(True)    # refilling the list is not the officer choosing a year
        self.year_box.clear()
        self.year_box.addItem(self.ALL_YEARS, None)
        for year in years:
            self.year_box.addItem(f"{year}年", year)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(chosen)))
        self.year_box.blockSignals(False)

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_: Any) -> None:
        row = self.selected()
        self.void_button.setEnabled(row is not None and not row["voided"])

    def void_selected(self) -> None:
        row = self.selected()
        if row is None or row["voided"]:
            return
        number = row["number"]
        reason = prompts.ask_text(self, f"作废发文字号 {number}\n作废后该文号不再使用，也不会重新编发。\n\n作废理由：")
        if reason is None:
            return
        self.run(lambda ws: number_row(void_number(ws, number, reason)), self._voided)

    def _voided(self, row: dict[str, Any]) -> None:
        self.reload()
        _say(self.status, f"已作废 {row['number']}。")


# --- 公文格式 -----------------------------------------------------------------------------------------

class FormatPage(_Page):
    """Per letter: 文件格式 or 信函格式; and whether the determination goes out as one letter or two."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.format_boxes: dict[str, QComboBox] = {}
        self.count_buttons = QButtonGroup(self)
        self.save_button = QPushButton("保存")
        self.save_button.setEnabled(False)     # until the stored values are on screen to compare with
        self.save_button.clicked.connect(self.save)
        self.status = _hint("")
        self.stored: dict[str, Any] = {}
        self._lay_out()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._formats_group())
        layout.addWidget(self._count_group())
        layout.addLayout(_button_row(self.save_button, self.status))
        layout.addStretch(1)

    def _formats_group(self) -> QGroupBox:
        group = QGroupBox("各类文书的版式")
        form = QFormLayout(group)
        form.addRow(_hint("文件格式：版头为红色发文机关标志加“文件”二字，末页有版记（抄送、印发）。"
                          "信函格式：版头为发文机关标志和红色双线，没有版记，适用于函件。"))
        for kind, spec in KINDS.items():
            if spec.format_choice:
                box = QComboBox()
                for code, label in FORMAT_LABELS.items():
                    box.addItem(label + ("（默认）" if code == spec.format else ""), code)
                self.format_boxes[kind] = box
                form.addRow(spec.label + "：", box)
        return group

    def _count_group(self) -> QGroupBox:
        group = QGroupBox("认定书份数")
        column = QVBoxLayout(group)
        for count, label in DETERMINATION_LETTERS_LABELS.items():
            button = QRadioButton(label)
            self.count_buttons.addButton(button, count)
            column.addWidget(button)
        return group

    def reload(self) -> None:
        self.run(letter_settings, self._show)

    def _show(self, settings: dict[str, Any]) -> None:
        self.stored = settings
        self.save_button.setEnabled(True)
        for kind, box in self.format_boxes.items():
            box.setCurrentIndex(box.findData(settings["formats"][kind]))
        self.count_buttons.button(settings["determination_letters"]).setChecked(True)

    def changes(self) -> dict[str, Any]:
        changed: dict[str, Any] = {FORMAT_KEY_PREFIX + kind: box.currentData()
                                   for kind, box in self.format_boxes.items()
                                   if box.currentData() != self.stored["formats"][kind]}
        if self.count_buttons.checkedId() != self.stored["determination_letters"]:
            changed[DETERMINATION_LETTERS_KEY] = self.count_buttons.checkedId()
        return changed

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            _say(self.status, "没有需要保存的修改。")
            return
        _say(self.status, "")

        def save_and_read(ws: Any) -> dict[str, Any]:
            update_office(ws, changes)
            return letter_settings(ws)

        self.run(save_and_read, self._saved)

    def _saved(self, settings: dict[str, Any]) -> None:
        self._show(settings)
        _say(self.status, "已保存，此后出具的文书按新的设置排版。")


# --- 字体 ---------------------------------------------------------------------------------------------

def _describe_fonts(ws: Any) -> list[dict[str, str]]:
    from documents.fonts import load_fonts  # fontTools is loaded only when this tab is opened

    return load_fonts().describe()


class FontsPage(_Page):
    """Which font each part of a letter is set in (read only: fonts are installed in the system)."""

    HEADERS: ClassVar[list[str]] = ["用途", "PDF 使用的字体", "来源", "DOCX 中指定的字体"]

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.table = _read_only_table(self.HEADERS)
        layout = QVBoxLayout(self)
        layout.addWidget(_hint("公文按 GB/T 9704 使用小标宋、仿宋、黑体、楷体。本机没有安装的公文字体，PDF 中用程序自带的"
                               "思源黑体（Noto Sans SC）替代；DOCX 文书仍指定公文字体，由 Word/WPS 使用本机字体。"
                               "安装字体后重新启动程序即可使用。把鼠标停在一行上可看到字体文件的位置。"))
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        self.run(_describe_fonts, self._show, label="正在检查本机字体…")

    def _show(self, rows: list[dict[str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            tip = row["file"] + (f"\n{row['note']}" if row.get("note") else "")
            cells = [row["label"], row["family"], row["source_label"], row["docx_family"]]
            for column, text in enumerate(cells):
                self.table.setItem(number, column, _item(text, tip))
            if row["source"] != "official":
                self.table.item(number, 2).setForeground(QBrush(DAY_COLORS[DAY_MAKEUP][1]))
        _fit_columns(self.table)


# --- 节假日 -------------------------------------------------------------------------------------------

WEEKDAY_HEADERS = ["一", "二", "三", "四", "五", "六", "日"]
CELL_WIDTH, CELL_HEIGHT = 30, 18


class MonthGrid(QTableWidget):
    """One month, Monday first: holidays red, 调休 workdays amber, weekends grey."""

    def __init__(self, month: int) -> None:
        super().__init__()
        self.month = month
        self.setStyleSheet("QHeaderView::section { padding: 0px; }")   # the global padding needs wider cells
        for header, size in ((self.horizontalHeader(), CELL_WIDTH), (self.verticalHeader(), CELL_HEIGHT)):
            header.setMinimumSectionSize(size)
            header.setDefaultSectionSize(size)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setRowCount(6)
        self.setColumnCount(7)
        self.setHorizontalHeaderLabels(WEEKDAY_HEADERS)
        self.horizontalHeader().setFixedHeight(CELL_HEIGHT)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frame = 2 * self.frameWidth()
        self.setFixedSize(7 * CELL_WIDTH + frame, 7 * CELL_HEIGHT + frame)
        self.days: dict[date, QTableWidgetItem] = {}

    def show_days(self, kinds: dict[date, str]) -> None:
        self.clearContents()
        self.days = {}
        month_days = [day for day in kinds if day.month == self.month]
        offset = month_days[0].weekday()
        for day in month_days:
            place = offset + day.day - 1
            item = self._day_item(day, kinds[day])
            self.setItem(place // 7, place % 7, item)
            self.days[day] = item

    @staticmethod
    def _day_item(day: date, kind: str) -> QTableWidgetItem:
        item = QTableWidgetItem(str(day.day))
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        item.setData(Qt.ItemDataRole.UserRole, kind)
        item.setToolTip(f"{day.month}月{day.day}日 {DAY_LABELS[kind]}")
        if kind in DAY_COLORS:
            background, text = DAY_COLORS[kind]
            item.setBackground(QBrush(background))
            item.setForeground(QBrush(text))
        return item


class HolidaysPage(_Page):
    """The working-day calendar deadlines are counted on, year by year, and importing a new year."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.years: dict[int, dict[str, Any]] = {}
        self.year_box = QComboBox()
        self.year_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        self.source = _label()
        self.import_button = QPushButton("导入节假日安排…")
        self.import_button.clicked.connect(self.import_schedule_file)
        self.months = [MonthGrid(month) for month in range(1, 13)]
        self._lay_out()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(_button_row(QLabel("年份："), self.year_box, self.import_button))
        layout.addWidget(self.source)
        layout.addLayout(self._legend())
        layout.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._month_sheet())
        layout.addWidget(scroll, 1)

    def _legend(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for kind in (DAY_HOLIDAY, DAY_MAKEUP, DAY_WEEKEND):
            background, text = DAY_COLORS[kind]
            swatch = QLabel(DAY_LABELS[kind])
            swatch.setStyleSheet(f"background: {background.name()}; color: {text.name()}; padding: 2px 8px;")
            row.addWidget(swatch)
        explained = QLabel("期限按工作日计算：放假日和周末不计，调休上班日计入。")
        explained.setProperty("role", "hint")
        row.addWidget(explained)
        row.addStretch(1)
        return row

    def _month_sheet(self) -> QWidget:
        sheet = QWidget()
        grid = QGridLayout(sheet)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        for number, month in enumerate(self.months):
            cell = QVBoxLayout()
            cell.setSpacing(2)
            title = QLabel(f"{month.month}月")
            title.setStyleSheet("font-weight: bold;")
            cell.addWidget(title)
            cell.addWidget(month)
            grid.addLayout(cell, number // 4, 1 + number % 4)
        for side in (0, 5):          # the months sit in the middle of a wide window
            grid.setColumnStretch(side, 1)
        grid.setRowStretch(3, 1)
        return sheet

    def reload(self, show_year: int | None = None) -> None:
        self.run(lambda ws: (calendar_years(ws), show_year or ws.today().year), self._show_years)

    def _show_years(self, result: tuple[list[dict[str, Any]], int]) -> None:
        years, chosen = result
        self.years = {entry["year"]: entry for entry in years}
        self.year_box.blockSignals(True)    # refilling the list is not the officer choosing a year
        self.year_box.clear()
        for entry in reversed(years):
            self.year_box.addItem(f"{entry['year']}年（{entry['source_label']}）", entry["year"])
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(chosen)))
        self.year_box.blockSignals(False)
        self._year_chosen()

    def chosen_year(self) -> int | None:
        year = self.year_box.currentData()
        return int(year) if year is not None else None

    def _year_chosen(self, *_: Any) -> None:
        year = self.chosen_year()
        if year is None:
            return
        self._describe_source(self.years[year])
        self.run(lambda ws: year_days(ws, year), self._show_days)

    def _describe_source(self, entry: dict[str, Any]) -> None:
        estimated = entry["source"] == "estimated"
        if estimated:     # the note says it all: no official arrangement yet, an estimate
            text = f"{entry['note']}。国务院办公厅公布该年安排后，请点“导入节假日安排”，在办案件的期限会重新计算。"
        else:             # the built-in note names the Python package the data comes from: no use to an officer
            note = "国务院办公厅公布的节假日安排" if entry["source"] == "builtin" else entry["note"]
            text = f"{entry['year']}年：{entry['source_label']}。{note}"
        self.source.setText(text)
        self.source.setProperty("role", "error" if estimated else "hint")
        self.source.style().polish(self.source)   # the colour follows the role property

    def _show_days(self, kinds: dict[date, str]) -> None:
        for month in self.months:
            month.show_days(kinds)

    def import_schedule_file(self) -> None:
        path = prompts.open_file(self, "选择节假日安排文件", "节假日安排 (*.json);;所有文件 (*)")
        if path is None:
            return
        self.run(lambda ws: import_schedule(ws, read_schedule_file(path)), self._imported,
                 label="正在导入并重新计算期限…")

    def _imported(self, result: Any) -> None:
        verb = "替换" if result.replaced else "导入"
        moved = sorted(result.moved)
        if moved:
            cases = f"重新计算后期限有变化的在办案件：{len(moved)} 件（{'、'.join(moved)}）。"
        else:
            cases = "在办案件的期限没有变化。"
        prompts.info(self, f"已{verb} {result.year} 年节假日安排。\n{cases}")
        self.reload(result.year)


# --- 模板 ---------------------------------------------------------------------------------------------

class TemplatesPage(_Page):
    """The letters' wording: export a default to edit in Word/WPS, import it back, or go back to the default."""

    HEADERS: ClassVar[list[str]] = ["文书", "使用的模板"]

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.templates: list[TemplateInfo] = []
        self.table = _read_only_table(self.HEADERS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.export_button = QPushButton("导出默认模板…")
        self.import_button = QPushButton("导入修改后的模板…")
        self.reset_button = QPushButton("恢复默认模板")
        self.export_button.clicked.connect(self.export_selected)
        self.import_button.clicked.connect(self.import_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.status = _hint("")
        self._lay_out()
        self._selection_changed()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(_hint("文书的措辞来自模板。修改方法：选中一种文书，导出默认模板，用 Word 或 WPS 修改文字"
                               "（不要改动 {{ }} 中的内容），再导入。导入时程序先用示例案件试生成一次，"
                               "有错误会提示，原模板不变。"))
        layout.addWidget(self.table, 1)
        layout.addLayout(_button_row(self.export_button, self.import_button, self.reset_button, self.status))

    def reload(self) -> None:
        self.run(list_templates, self._show)

    def _show(self, templates: list[TemplateInfo]) -> None:
        selected = self.selected()
        self.templates = templates
        self.table.setRowCount(len(templates))
        for number, info in enumerate(templates):
            self.table.setItem(number, 0, _item(info.label, info.kind))
            self.table.setItem(number, 1, _item(self._state(info), str(info.path)))
        _fit_columns(self.table)
        kinds = [t.kind for t in templates]
        if selected is not None and selected.kind in kinds:
            self.table.selectRow(kinds.index(selected.kind))
        self._selection_changed()

    @staticmethod
    def _state(info: TemplateInfo) -> str:
        if info.customised and info.modified:
            return f"本机关模板（{info.modified:%Y-%m-%d %H:%M} 导入）"
        return "本机关模板" if info.customised else "默认模板"

    def selected(self) -> TemplateInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.templates[rows[0].row()] if rows and rows[0].row() < len(self.templates) else None

    def _selection_changed(self) -> None:
        info = self.selected()
        self.export_button.setEnabled(info is not None)
        self.import_button.setEnabled(info is not None)
        self.reset_button.setEnabled(info is not None and info.customised)

    def export_selected(self) -> None:
        info = self.selected()
        target = prompts.save_file(self, f"导出“{info.label}”的默认模板", f"{info.label}.docx", DOCX_FILTER) \
            if info else None
        if info is None or target is None:
            return
        if target.suffix.lower() != ".docx":   # some file dialogs do not add the suffix themselves
            target = target.with_name(target.name + ".docx")
        kind = info.kind
        self.run(lambda ws: export_template(ws, kind, target),
                 lambda path: _say(self.status, f"已导出到 {path}，修改后请点“导入修改后的模板”。"))

    def import_selected(self) -> None:
        info = self.selected()
        source = prompts.open_file(self, f"选择修改后的“{info.label}”模板", DOCX_FILTER) if info else None
        if info is None or source is None:
            return
        kind = info.kind
        self.run(lambda ws: import_office_template(ws, kind, source), self._changed,
                 label="正在用示例案件试生成文书…")

    def reset_selected(self) -> None:
        info = self.selected()
        if info is None or not prompts.confirm(self, f"把“{info.label}”恢复为程序自带的默认模板？\n"
                                                     "本机关导入的模板将被删除。"):
            return
        kind = info.kind
        self.run(lambda ws: reset_office_template(ws, kind), self._changed)

    def _changed(self, info: TemplateInfo) -> None:
        _say(self.status, f"{info.label}：现在使用{self._state(info)}。")
        self.reload()


# --- 用户 ---------------------------------------------------------------------------------------------

class UsersPage(_Page):
    """Everybody changes their own password here; the administrator also adds, disables and resets."""

    HEADERS: ClassVar[list[str]] = ["姓名", "角色", "状态"]

    def __init__(self, runner: TaskRunner, officer_name: str, is_admin: bool) -> None:
        super().__init__(runner)
        self.officer_name = officer_name
        self.is_admin = is_admin
        self.officers: list[Officer] = []
        self.own_errors = FieldErrors(self)
        self.new_errors = FieldErrors(self)
        self.status = _hint("")
        self.own = {"current_password": _password_field(), "password": _password_field(),
                    "password_repeated": _password_field()}
        self.new = {"name": QLineEdit(), "password": _password_field(), "password_repeated": _password_field()}
        self.new_is_admin = QCheckBox("管理员（可以管理用户）")
        self.table = _read_only_table(self.HEADERS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.active_button = QPushButton("停用")
        self.reset_button = QPushButton("重置密码…")
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.admin_groups = [self._officers_group(), self._new_officer_group()]
        self._lay_out()
        self._selection_changed()

    def _lay_out(self) -> None:
        layout = QHBoxLayout(self)
        right = QVBoxLayout()
        right.addWidget(self._own_password_group())
        if self.is_admin:
            layout.addWidget(self.admin_groups[0], 1)
            right.addWidget(self.admin_groups[1])
        else:
            right.addWidget(_hint("添加用户、停用用户和重置密码由管理员办理。"))
        right.addWidget(self.status)
        right.addStretch(1)
        layout.addLayout(right, 1)
        if not self.is_admin:
            layout.addStretch(1)      # the password form alone keeps a readable width
        for group in self.admin_groups:
            group.setVisible(self.is_admin)

    def _officers_group(self) -> QGroupBox:
        group = QGroupBox("用户")
        column = QVBoxLayout(group)
        column.addWidget(self.table, 1)
        column.addLayout(_button_row(self.active_button, self.reset_button))
        return group

    def _new_officer_group(self) -> QGroupBox:
        group = QGroupBox("添加用户")
        form = QFormLayout(group)
        labels = {"name": "姓名", "password": "初始密码", "password_repeated": "再次输入密码"}
        for field, editor in self.new.items():
            _add_field(form, self.new_errors, field, labels[field], editor,
                       "至少 8 位；请告知本人登录后自行修改" if field == "password" else "")
        form.addRow("", self.new_is_admin)
        add_button = QPushButton("添加")
        add_button.clicked.connect(self.add)
        form.addRow("", _wrap(_button_row(add_button)))
        return group

    def _own_password_group(self) -> QGroupBox:
        group = QGroupBox(f"修改我的密码（当前用户：{self.officer_name}）")
        form = QFormLayout(group)
        labels = {"current_password": "当前密码", "password": "新密码", "password_repeated": "再次输入新密码"}
        for field, editor in self.own.items():
            _add_field(form, self.own_errors, field, labels[field], editor,
                       "至少 8 位" if field == "password" else "")
        button = QPushButton("修改密码")
        button.clicked.connect(self.change_own_password)
        form.addRow("", _wrap(_button_row(button)))
        return group

    def reload(self) -> None:
        if self.is_admin:
            self.run(officers, self._show)

    def _show(self, found: list[Officer]) -> None:
        self.officers = found
        self.table.setRowCount(len(found))
        for number, officer in enumerate(found):
            cells = [officer.name, "管理员" if officer.is_admin else "经办人", "在用" if officer.active else "已停用"]
            for column, text in enumerate(cells):
                item = _item(text)
                if not officer.active:
                    item.setForeground(QBrush(GREY_TEXT))
                self.table.setItem(number, column, item)
        _fit_columns(self.table)
        self._selection_changed()

    def selected(self) -> Officer | None:
        rows = self.table.selectionModel().selectedRows()
        return self.officers[rows[0].row()] if rows and rows[0].row() < len(self.officers) else None

    def _selection_changed(self) -> None:
        officer = self.selected()
        self.active_button.setEnabled(officer is not None)
        self.reset_button.setEnabled(officer is not None)
        self.active_button.setText("启用" if officer is not None and not officer.active else "停用")

    def change_own_password(self) -> None:
        self.own_errors.clear()
        _say(self.status, "")
        current, password, repeated = (field.text() for field in self.own.values())
        self.run(lambda ws: change_password(ws, current, password, repeated), self._own_password_changed,
                 on_error=self.own_errors.show)

    def _own_password_changed(self, _: Any) -> None:
        for field in self.own.values():
            field.clear()
        _say(self.status, "密码已修改，下次登录请使用新密码。")

    def add(self) -> None:
        self.new_errors.clear()
        _say(self.status, "")
        name, password, repeated = (field.text() for field in self.new.values())
        is_admin = self.new_is_admin.isChecked()
        self.run(lambda ws: add_officer(ws, name, password, is_admin=is_admin, repeated=repeated),
                 self._added, on_error=self.new_errors.show)

    def _added(self, officer: Officer) -> None:
        for field in self.new.values():
            field.clear()
        self.new_is_admin.setChecked(False)
        _say(self.status, f"已添加用户“{officer.name}”。")
        self.reload()

    def toggle_active(self) -> None:
        officer = self.selected()
        if officer is None:
            return
        if officer.active and not prompts.confirm(
                self, f"停用“{officer.name}”后，该用户不能再登录；已有记录中的姓名保留。\n确定停用？"):
            return
        self.run(lambda ws: set_active(ws, officer.name, not officer.active), self._toggled)

    def _toggled(self, officer: Officer) -> None:
        _say(self.status, f"已{'启用' if officer.active else '停用'}用户“{officer.name}”。")
        self.reload()

    def reset_password(self) -> None:
        officer = self.selected()
        if officer is None:
            return
        password = prompts.ask_text(self, f"为“{officer.name}”设置新密码（至少 8 位）：", secret=True)
        repeated = prompts.ask_text(self, "再次输入新密码：", secret=True) if password is not None else None
        if password is None or repeated is None:
            return
        name = officer.name
        self.run(lambda ws: set_password(ws, name, password, repeated),
                 lambda _: _say(self.status, f"已重置“{name}”的密码，请告知本人登录后自行修改。"))


def _wrap(layout: QHBoxLayout) -> QWidget:
    holder = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    holder.setLayout(layout)
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return holder


# --- the dialog ---------------------------------------------------------------------------------------

class SettingsDialog(QDialog):
    office_changed = Signal(dict)     # the saved office profile, for windows that show the office's name

    def __init__(self, runner: TaskRunner, officer_name: str, is_admin: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("系统设置")
        self.office_page = OfficePage(runner)
        self.numbers_page = NumbersPage(runner)
        self.format_page = FormatPage(runner)
        self.fonts_page = FontsPage(runner)
        self.holidays_page = HolidaysPage(runner)
        self.templates_page = TemplatesPage(runner)
        self.users_page = UsersPage(runner, officer_name, is_admin)
        self.office_page.saved.connect(self.office_changed)
        self.tabs = QTabWidget()
        pages = [(self.office_page, "机关信息"), (self.numbers_page, "文号"), (self.format_page, "公文格式"),
                 (self.fonts_page, "字体"), (self.holidays_page, "节假日"), (self.templates_page, "模板"),
                 (self.users_page, "用户")]
        if not is_admin:
            # An officer may look up numbers, fonts and the calendar and change their own password;
            # what changes the office's letters or records is the administrator's.
            pages = [(p, t) for p, t in pages if p not in (self.office_page, self.format_page, self.templates_page)]
            for button in (self.numbers_page.void_button, self.holidays_page.import_button):
                button.hide()
        for page, title in pages:
            self.tabs.addTab(page, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(1000, 680)
