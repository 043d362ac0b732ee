"""The case list as a Qt table model: a page at a time from ``core.services.search``, fetched on
the worker as the officer scrolls (keyset pages, so the 2,000th page costs what the first does)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gui.qt import QAbstractTableModel, QBrush, QColor, QModelIndex, QObject, Qt, Signal
from gui.table_models import NO_PARENT, Index
from gui.tasks import TaskRunner

PAGE_SIZE = 100
OVERDUE_COLOR = QColor("#b3261e")
DUE_SOON_COLOR = QColor("#b26a00")
OVERDUE_BACKGROUND = QColor("#fde8e6")
DUE_SOON_BACKGROUND = QColor("#fff4dc")

COLUMNS: list[tuple[str, str]] = [
    ("number", "案件编号"), ("applicant", "申请人"), ("cadres", "涉及干部"), ("received_on", "收到申请"),
    ("status_label", "状态"), ("outcome", "认定结果"), ("deadline", "当前期限"),
]
SORTABLE = {0: "number", 3: "received"}   # column -> search_cases(sort=...)
DEADLINE_NAMES = {"report_due": "调查报告", "letter_due": "认定书"}



@dataclass
class CaseQuery:
    """What the filter bar asks for; the keyword names are ``search_cases``'s."""

    text: str = ""
    filters: dict[str, Any] = field(default_factory=dict)   # status, outcome, unit, received_from, received_to
    sort: str = "received"
    descending: bool = True


def deadline_text(deadline: dict[str, Any] | None, estimated: bool = False) -> str:
    if not deadline:
        return ""
    left = deadline["workdays_left"]
    if deadline["state"] == "overdue":
        when = f"逾期 {-left} 个工作日"
    else:
        when = f"还剩 {left} 个工作日" if left > 0 else "今日到期"
    mark = "（估算）" if estimated else ""
    return f"{DEADLINE_NAMES.get(deadline['name'], '')} {deadline['due']}，{when}{mark}"


class CaseListModel(QAbstractTableModel):
    loaded = Signal(int)            # total number of matching cases, counted after the first page arrived
    failed = Signal(str)

    def __init__(self, runner: TaskRunner, outcome_labels: dict[str, str] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._rows: list[dict[str, Any]] = []
        self._next_key: str | None = None
        self._loading = False
        self._generation = 0          # answers to an older query are dropped
        self._failed_for = -1         # the generation whose failure was reported
        self.query = CaseQuery()
        self.total = 0
        self.outcome_labels = outcome_labels or {}

    # --- loading -----------------------------------------------------------------------------------

    def set_query(self, query: CaseQuery) -> None:
        """Start over with a new search: the list empties and the first page is fetched."""
        self._generation += 1
        self.beginResetModel()
        self.query = query
        self._rows, self._next_key, self._loading = [], None, True
        self.endResetModel()
        generation = self._generation

        def first_page(ws: Any) -> Any:
            from core.services.search import search_cases

            return search_cases(ws, query.text, **query.filters, limit=PAGE_SIZE, sort=query.sort,
                                descending=query.descending)

        def count(ws: Any) -> int:
            from core.services.search import count_cases

            return count_cases(ws, query.text, **query.filters)

        # Two tasks, not one: the rows show as soon as they are found. A 1–2 character term scans
        # the whole index for the page and again for the count (docs/performance.md), and the
        # officer need not wait for the second.
        self._runner.run(first_page, lambda page: generation == self._generation and self._append(page),
                         on_error=lambda exc: self._failed(generation, exc.message))
        self._runner.run(count, lambda total: self._counted(generation, total),
                         on_error=lambda exc: self._failed(generation, exc.message))

    def reload(self) -> None:
        self.set_query(self.query)

    def _counted(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = total
            self.loaded.emit(total)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation and self._failed_for != generation:   # the page's and the count's: once
            self._failed_for = generation
            self._loading = False
            self.failed.emit(message)

    def _append(self, page: Any) -> None:
        self._loading = False
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._next_key = page.next_key

    def canFetchMore(self, parent: Index = NO_PARENT) -> bool:
        return not parent.isValid() and not self._loading and self._next_key is not None

    def fetchMore(self, parent: Index = NO_PARENT) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        query, after, generation = self.query, self._next_key, self._generation

        def next_page(ws: Any) -> Any:
            from core.services.search import search_cases

            return search_cases(ws, query.text, **query.filters, after=after, limit=PAGE_SIZE, sort=query.sort,
                                descending=query.descending)

        self._runner.run(next_page, lambda page: generation == self._generation and self._append(page),
                         on_error=lambda exc: self._failed(generation, exc.message))

    @property
    def loading(self) -> bool:
        return self._loading

    # --- the table -------------------------------------------------------------------------------

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section in SORTABLE:
            return "点击按此列排序"
        return None

    def row(self, index: int) -> dict[str, Any]:
        return self._rows[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, key, tooltip=role == Qt.ItemDataRole.ToolTipRole)
        state = (row.get("active_deadline") or {}).get("state")
        if role == Qt.ItemDataRole.ForegroundRole and key == "deadline" and state in ("overdue", "due_soon"):
            return QBrush(OVERDUE_COLOR if state == "overdue" else DUE_SOON_COLOR)
        if role == Qt.ItemDataRole.BackgroundRole and state in ("overdue", "due_soon"):
            return QBrush(OVERDUE_BACKGROUND if state == "overdue" else DUE_SOON_BACKGROUND)
        if role == Qt.ItemDataRole.UserRole:
            return row["number"]
        return None

    def _text(self, row: dict[str, Any], key: str, tooltip: bool) -> str | None:
        if key == "cadres":
            return "、".join(row["cadres"])
        if key == "outcome":
            return self.outcome_labels.get(row["outcome"] or "", row["outcome"] or "")
        if key == "deadline":
            return deadline_text(row["active_deadline"], row["estimated"])
        if key == "number" and row.get("late_application"):
            return f"{row['number']}（逾期申请）" if tooltip else row["number"]
        value = row.get(key)
        return "" if value is None else str(value)
