"""Looking a cadre up for an integrity review (廉政审查): every determination about the cadre, and
the 容错免责情况说明 that answers the review, previewed and printed here."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from gui import prompts
from gui.pdf_view import PdfPreview
from gui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from gui.table_models import RowsModel

if TYPE_CHECKING:
    from core.errors import UserError
    from core.services.letters import IssuedLetter
    from gui.tasks import TaskRunner

STATEMENT_KIND = "cadre-statement"


class CadreResultsModel(RowsModel):
    columns: ClassVar[list[tuple[str, str]]] = [("name", "姓名"), ("gender", "性别"), ("id_number", "身份证号码"), ("cases", "申请")]

    def text(self, row: dict[str, Any], key: str) -> str:
        if key == "cases":
            return f"{row['cases']} 件"
        return super().text(row, key)


class CadreCasesModel(RowsModel):
    """One line per case about the cadre, with its latest determination."""

    columns: ClassVar[list[tuple[str, str]]] = [
        ("number", "案件编号"), ("received_on", "收到申请"), ("unit", "单位及职务"), ("matter", "问责事项"),
        ("outcome", "认定结果"), ("determined_on", "认定日期"), ("status_label", "办理状态")]

    def text(self, row: dict[str, Any], key: str) -> str:
        if key == "unit":
            return " ".join(part for part in (row.get("unit"), row.get("position")) if part)
        if key == "outcome":
            return row.get("outcome_label") or "尚未认定"
        return super().text(row, key)


class CadreLookupDialog(QDialog):
    """Find a cadre by name or ID number; see and print what was determined about them."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.results = CadreResultsModel(self)
        self.cases = CadreCasesModel(self)
        self.record: dict[str, Any] | None = None
        self.issued: IssuedLetter | None = None
        self._generation = 0       # a record that arrives after another cadre was chosen is dropped
        self.setWindowTitle("干部容错免责情况查询")
        self.resize(1180, 760)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_results())
        splitter.addWidget(self._build_record())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 820])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_search())
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    # --- building ----------------------------------------------------------------------------------

    def _build_search(self) -> QHBoxLayout:
        self.query = QLineEdit()
        self.query.setPlaceholderText("姓名（可只输入一部分）或 18 位身份证号码")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        self.search_button = QPushButton("查找")
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        self.message = QLabel("输入干部姓名或身份证号码后按回车查找。")
        self.message.setProperty("role", "hint")
        row = QHBoxLayout()
        row.addWidget(QLabel("干部："))
        row.addWidget(self.query, 1)
        row.addWidget(self.search_button)
        return row

    @staticmethod
    def _table(model: QAbstractTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.verticalHeader().hide()
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def _build_results(self) -> QWidget:
        self.results_view = self._table(self.results)
        self.results_view.selectionModel().currentRowChanged.connect(lambda current, _: self._chosen(current))
        return self.results_view

    def _build_record(self) -> QWidget:
        self.name_label = QLabel("请在左侧选择干部")
        self.name_label.setProperty("role", "title")
        self.facts_label = QLabel()
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cases_view = self._table(self.cases)
        # The matter is the long column: it takes the room left and is cut short, never the dates.
        self.cases_view.horizontalHeader().setStretchLastSection(False)
        self.cases_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.care_label = QLabel()
        self.care_label.setWordWrap(True)
        self.care_label.setProperty("role", "hint")
        self.statement_button = QPushButton("打印容错免责情况说明")
        self.statement_button.setAutoDefault(False)
        self.statement_button.clicked.connect(self.issue_statement)
        self.statement_button.setEnabled(False)
        actions = QHBoxLayout()
        actions.addWidget(self.care_label, 1)
        actions.addWidget(self.statement_button)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.name_label)
        column.addWidget(self.facts_label)
        column.addWidget(self.cases_view, 1)
        column.addLayout(actions)
        self.preview = PdfPreview(self._runner)
        self.preview.hide()
        self.record_splitter = QSplitter(Qt.Orientation.Vertical)
        self.record_splitter.addWidget(top)
        self.record_splitter.addWidget(self.preview)
        self.record_splitter.setStretchFactor(1, 1)
        return self.record_splitter

    # --- searching ---------------------------------------------------------------------------------

    def search(self) -> None:
        text = self.query.text()

        def find(ws: Any) -> list[dict[str, Any]]:
            from core.services.cadres import find_cadres

            return find_cadres(text)

        self._say("正在查找…", "hint")
        self._runner.run(find, self._found, on_error=lambda exc: self._say(exc.message, "error"), parent=self)

    def _found(self, rows: list[dict[str, Any]]) -> None:
        self.results.set_rows(rows)
        self._show_record(None)
        if not rows:
            self._say(f"没有找到姓名包含“{self.query.text().strip()}”或身份证号码相符的干部。", "error")
            return
        self._say(f"找到 {len(rows)} 名干部" + ("，请在左侧选择。" if len(rows) > 1 else "。"), "hint")
        self.results_view.selectRow(0)

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)     # re-apply the style sheet for the new role
        self.message.style().polish(self.message)

    # --- one cadre ---------------------------------------------------------------------------------

    def _chosen(self, current: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.results.rows[current.row()]
        key = row["id_number"] or row["uuid"]
        self._generation += 1
        generation = self._generation

        def load(ws: Any) -> dict[str, Any]:
            from core.services.cadres import cadre_record

            return cadre_record(ws, key)

        self._runner.run(load, lambda record: self._arrived(generation, record), parent=self)

    def _arrived(self, generation: int, record: dict[str, Any]) -> None:
        if generation == self._generation:
            self._show_record(record)

    def _show_record(self, record: dict[str, Any] | None) -> None:
        self.record = record
        self.issued = None
        self.preview.clear()
        self.preview.hide()
        self.cases.set_rows(record["cases"] if record else [])
        self.name_label.setText(record["name"] if record else "请在左侧选择干部")
        self.facts_label.setText(self._facts(record) if record else "")
        self.care_label.setText(self._care(record) if record else "")
        ready = bool(record and record["cases"])
        self.statement_button.setEnabled(ready)
        self.statement_button.setToolTip("" if ready or not record else "该干部没有容错免责申请记录，不能出具情况说明")

    @staticmethod
    def _facts(record: dict[str, Any]) -> str:
        parts = [record.get("gender"), f"{record['birth_date']} 出生" if record.get("birth_date") else None,
                 record.get("political_status"), f"身份证号码 {record['id_number']}" if record.get("id_number") else None]
        cases = record["cases"]
        decided = sum(1 for case in cases if case["outcome"])
        summary = f"容错免责申请 {len(cases)} 件，已认定 {decided} 件" if cases else "没有容错免责申请记录"
        return "，".join(p for p in parts if p) + f"。{summary}。"

    @staticmethod
    def _care(record: dict[str, Any]) -> str:
        lines = [f"澄清正名：{c['opened_on']} {c['matter']}" + (f"（{c['outcome']}）" if c["outcome"] else "（办理中）")
                 for c in record["clarifications"]]
        lines += [f"回访：{f['visited_on']} {f['content']}" for f in record["follow_ups"]]
        return "\n".join(lines)

    # --- the statement -----------------------------------------------------------------------------

    def issue_statement(self) -> None:
        if not self.record:
            return
        key = self.record["id_number"] or self.record["uuid"]

        def issue(ws: Any) -> IssuedLetter:
            from core.services.letters import issue_to_folder

            return issue_to_folder(ws, key, STATEMENT_KIND, "pdf")

        self.statement_button.setEnabled(False)
        self._runner.run(issue, self._issued, on_error=self._failed, parent=self, label="正在生成公文…")

    def _issued(self, issued: IssuedLetter) -> None:
        self.issued = issued
        self.statement_button.setEnabled(True)
        numbered = f"，发文字号 {issued.number}" if issued.number else ""
        self.preview.show()
        self.preview.show_pdf(issued.path, f"{issued.label}{numbered}")
        self.record_splitter.setSizes([260, 10_000])     # the pages get the room; the cases stay in view
        self._say(f"已生成{issued.label}{numbered}，可在下方预览后点击“打印…”。", "hint")

    def _failed(self, error: UserError) -> None:
        self.statement_button.setEnabled(bool(self.record and self.record["cases"]))
        prompts.error(self, error.message)
