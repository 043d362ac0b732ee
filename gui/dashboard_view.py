"""The top of the main window: cases by status, the deadlines that need attention now, and this
month's determinations. Clicking a status shows those cases in the list below."""
from __future__ import annotations

from typing import Any

from core.workflow import STATUS_LABELS
from gui.case_list_model import DUE_SOON_COLOR, OVERDUE_COLOR
from gui.qt import (
    QAbstractItemView,
    QBrush,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)

ATTENTION_COLUMNS = ("案件编号", "申请人", "期限", "到期日", "剩余工作日")


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 6, 10, 8)
    heading = QLabel(title)
    heading.setProperty("role", "hint")
    layout.addWidget(heading)
    return frame, layout


class DashboardView(QWidget):
    status_chosen = Signal(str)      # a status code, or "" for every case
    case_chosen = Signal(str)        # a case number from the attention list
    backup_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._status_card(), 3)
        layout.addWidget(self._attention_card(), 4)
        layout.addWidget(self._month_card(), 1)

    def _status_card(self) -> QFrame:
        frame, layout = card("案件状态（点击查看）")
        grid = QGridLayout()
        grid.setSpacing(4)
        self._status_buttons: dict[str, QPushButton] = {}
        for i, (code, label) in enumerate([("", "全部"), *STATUS_LABELS.items()]):
            button = QPushButton(f"{label}\n–")
            button.setObjectName(f"status-{code or 'all'}")
            button.setMinimumHeight(44)
            button.setFlat(False)
            button.clicked.connect(lambda _=False, c=code: self.status_chosen.emit(c))
            grid.addWidget(button, i // 4, i % 4)
            self._status_buttons[code] = button
        layout.addLayout(grid)
        layout.addStretch(1)
        return frame

    def _attention_card(self) -> QFrame:
        frame, layout = card("需要关注的期限（逾期为红色，临近为橙色）")
        self.attention = QTableWidget(0, len(ATTENTION_COLUMNS))
        self.attention.setHorizontalHeaderLabels(ATTENTION_COLUMNS)
        self.attention.verticalHeader().hide()
        self.attention.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attention.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attention.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.attention.horizontalHeader().setStretchLastSection(True)
        self.attention.setMaximumHeight(150)
        self.attention.doubleClicked.connect(self._open_attention_row)
        layout.addWidget(self.attention)
        return frame

    def _month_card(self) -> QFrame:
        frame, layout = card("本月认定")
        self.month_total = QLabel("–")
        self.month_total.setProperty("role", "figure")
        self.month_detail = QLabel("")
        self.month_detail.setProperty("role", "hint")
        self.month_detail.setWordWrap(True)
        layout.addWidget(self.month_total)
        layout.addWidget(self.month_detail)
        layout.addStretch(1)
        self.backup_note = QLabel("")
        self.backup_note.setObjectName("backupNote")
        self.backup_note.setWordWrap(True)
        self.backup_button = QPushButton("立即备份…")
        self.backup_button.clicked.connect(self.backup_wanted)
        layout.addWidget(self.backup_note)
        layout.addWidget(self.backup_button)
        return frame

    def show_backup(self, status: Any) -> None:
        """The reminder: when the last backup was made, in amber once another is due."""
        self.backup_note.setText(status.message)
        self.backup_note.setStyleSheet(f"color: {'#b26a00' if status.due else '#5f6368'};")

    def show_summary(self, summary: Any) -> None:
        """Fill the view from a ``core.services.dashboard.Dashboard``."""
        for code, button in self._status_buttons.items():
            count = summary.total if code == "" else summary.by_status.get(code, 0)
            button.setText(f"{'全部' if code == '' else STATUS_LABELS[code]}\n{count}")
        self._fill_attention(summary.attention)
        month = summary.determined_this_month
        self.month_total.setText(f"{sum(month.values())} 件")
        self.month_detail.setText("\n".join(f"{label} {n} 件" for label, n in month.items()) or "本月尚无认定")

    def _fill_attention(self, rows: list[dict[str, Any]]) -> None:
        self.attention.setRowCount(len(rows))
        for r, row in enumerate(rows):
            left = row["workdays_left"]
            cells = (row["number"], row["applicant"], row["deadline"], row["due"] + ("（估算）" if row["estimated"] else ""),
                     f"逾期 {-left} 日" if row["state"] == "overdue" else f"{left} 日")
            color = OVERDUE_COLOR if row["state"] == "overdue" else DUE_SOON_COLOR
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setForeground(QBrush(color))
                self.attention.setItem(r, c, item)
        if not rows:
            self.attention.setRowCount(1)
            self.attention.setItem(0, 0, QTableWidgetItem("没有逾期或临近的期限"))
            self.attention.setSpan(0, 0, 1, len(ATTENTION_COLUMNS))
        else:
            self.attention.clearSpans()

    def _open_attention_row(self, index: Any) -> None:
        item = self.attention.item(index.row(), 0)
        if item and item.text().count("-") == 1 and self.attention.columnSpan(index.row(), 0) == 1:
            self.case_chosen.emit(item.text())
