"""Form fields described as data, and the widgets for them: the action dialogs and the
registration form are built from these, and read back to the plain dicts the services take."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    Signal,
)

TEXT, LONG_TEXT, DATE, NUMBER, CHOICE, EDITABLE_CHOICE, CHECKS, FILES = (
    "text", "long_text", "date", "number", "choice", "editable_choice", "checks", "files")


@dataclass
class Field:
    key: str
    label: str
    kind: str = TEXT
    choices: list[tuple[str, str]] = field(default_factory=list)   # (value, label)
    default: Any = None
    hint: str = ""
    required: bool = False
    maximum: int = 100000
    height: int = 90            # for long texts


class FilesField(QWidget):
    """A list of chosen files with an "add" button (the dialog goes through gui.prompts)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from gui.qt import QPushButton

        self.paths: list[str] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("未选择文件")
        self.summary.setProperty("role", "hint")
        add, clear = QPushButton("选择文件…"), QPushButton("清空")
        add.clicked.connect(self._choose)
        clear.clicked.connect(self._clear)
        layout.addWidget(self.summary, 1)
        layout.addWidget(add)
        layout.addWidget(clear)

    def _choose(self) -> None:
        from gui import prompts

        chosen = prompts.open_files(self, "选择要附加的证据文件")
        self.paths.extend(str(p) for p in chosen if str(p) not in self.paths)
        self._show()

    def _clear(self) -> None:
        self.paths = []
        self._show()

    def _show(self) -> None:
        names = [p.replace("\\", "/").rsplit("/", 1)[-1] for p in self.paths]
        self.summary.setText("、".join(names) if names else "未选择文件")
        self.summary.setToolTip("\n".join(self.paths))
        self.changed.emit()


class ChecksField(QWidget):
    changed = Signal()

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for value, label in choices:
            box = QCheckBox(label)
            box.toggled.connect(lambda _: self.changed.emit())
            layout.addWidget(box)
            self.boxes.append((value, box))

    def values(self) -> list[str]:
        return [value for value, box in self.boxes if box.isChecked()]


def add_field_row(form: QFormLayout, spec: Field, today: date, on_change: Callable[[], None]) -> tuple[QWidget, QLabel]:
    """A labelled field with a (hidden) red line under it for the reason a value is refused."""
    widget = make_widget(spec, today)
    widget.setObjectName(spec.key)
    changed_signal(widget).connect(lambda *_: on_change())
    error = QLabel()
    error.setProperty("role", "error")
    error.setWordWrap(True)
    error.hide()
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(widget)
    column.addWidget(error)
    form.addRow(spec.label + ("＊" if spec.required else ""), column)
    return widget, error


def make_widget(spec: Field, today: date) -> QWidget:
    if spec.kind == LONG_TEXT:
        edit = QPlainTextEdit()
        edit.setMinimumHeight(spec.height)
        edit.setTabChangesFocus(True)
        if spec.default:
            edit.setPlainText(str(spec.default))
        return edit
    if spec.kind == DATE:
        date_edit = QDateEdit()
        date_edit.setCalendarPopup(True)
        date_edit.setDisplayFormat("yyyy-MM-dd")
        start = spec.default or today
        date_edit.setDate(QDate(start.year, start.month, start.day))
        return date_edit
    if spec.kind == NUMBER:
        spin = QSpinBox()
        spin.setRange(0, spec.maximum)
        spin.setValue(int(spec.default or 0))
        return spin
    if spec.kind in (CHOICE, EDITABLE_CHOICE):
        combo = QComboBox()
        combo.setEditable(spec.kind == EDITABLE_CHOICE)
        for value, label in spec.choices:
            combo.addItem(label, value)
        if spec.default is not None:
            combo.setCurrentIndex(max(0, combo.findData(spec.default)))
        return combo
    if spec.kind == CHECKS:
        return ChecksField(spec.choices)
    if spec.kind == FILES:
        return FilesField()
    line = QLineEdit()
    if spec.default:
        line.setText(str(spec.default))
    if spec.hint:
        line.setPlaceholderText(spec.hint)
    return line


def widget_value(widget: QWidget) -> Any:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QDateEdit):
        return widget.date().toString("yyyy-MM-dd")
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        if widget.isEditable() and widget.currentText() != widget.itemText(widget.currentIndex()):
            return widget.currentText()
        data = widget.currentData()
        return widget.currentText() if data is None else data
    if isinstance(widget, ChecksField):
        return widget.values()
    if isinstance(widget, FilesField):
        return list(widget.paths)
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(f"no value for {type(widget).__name__}")


def set_widget_value(widget: QWidget, value: Any) -> None:
    """For tests and drafts: put a value into a field as an officer would."""
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QDateEdit):
        widget.setDate(QDate.fromString(str(value), "yyyy-MM-dd"))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index < 0:
            index = widget.findText(str(value))
        if index >= 0:
            widget.setCurrentIndex(index)
        elif widget.isEditable():
            widget.setEditText(str(value))
    elif isinstance(widget, ChecksField):
        for choice, box in widget.boxes:
            box.setChecked(choice in {str(v) for v in value})
    elif isinstance(widget, FilesField):
        widget.paths = [str(p) for p in value]
        widget._show()
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


def changed_signal(widget: QWidget) -> Any:
    if isinstance(widget, QPlainTextEdit | QLineEdit):
        return widget.textChanged
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QComboBox):
        return widget.currentTextChanged
    return widget.changed  # type: ignore[attr-defined]
