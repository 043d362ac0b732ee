"""A case's documents: which ones the case is ready for, issuing one as PDF or DOCX into the data
folder, previewing and printing a PDF, and every 发文字号 issued for the case.

What a document needs and why it cannot be issued yet are the core's rules
(``core.services.letters.case_documents``); this panel only shows them.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from gui import desktop, prompts
from gui.pdf_view import PdfPreview
from gui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QButtonGroup,
    QColor,
    QComboBox,
    QFont,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QObject,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from gui.table_models import NO_PARENT, Index, RowsModel

if TYPE_CHECKING:
    from core.errors import UserError
    from core.services.letters import DocumentChoice, IssuedLetter
    from gui.tasks import TaskRunner


RECIPIENT_LABELS = {"organ": "问责实施机关", "applicant": "申请单位或个人"}
RECIPIENT_CAPTIONS = {"determination-letter": "主送：", "delivery-receipt": "受送达人："}
VOIDED_COLOR = QColor("#8a8f96")


class DocumentKindsModel(QAbstractListModel):
    """The case's documents; one the case is not ready for is disabled and says why in its tooltip."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices: list[DocumentChoice] = []

    def set_choices(self, choices: list[DocumentChoice]) -> None:
        self.beginResetModel()
        self.choices = list(choices)
        self.endResetModel()

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.choices)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.choices):
            return None
        choice = self.choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return choice.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return choice.reason or f"可以出具{choice.label}"
        if role == Qt.ItemDataRole.UserRole:
            return choice.kind
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or index.row() >= len(self.choices):
            return Qt.ItemFlag.NoItemFlags
        if self.choices[index.row()].ready:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return Qt.ItemFlag.ItemNeverHasChildren

    def row_of(self, kind: str) -> int:
        return next((i for i, c in enumerate(self.choices) if c.kind == kind), -1)


NUMBER_COLUMNS: list[tuple[str, str]] = [("number", "发文字号"), ("document", "文书"), ("issued_on", "成文日期"), ("state", "状态")]


class IssuedNumbersModel(RowsModel):
    """Every 发文字号 of the case, voided ones greyed with the reason."""

    columns: ClassVar[list[tuple[str, str]]] = NUMBER_COLUMNS

    def tooltip(self, row: dict[str, Any], key: str) -> str:
        return f"{row['number']}：{self.text(row, 'document')}，{row['issued_on']} 由{row['issued_by']}编号"

    def foreground(self, row: dict[str, Any]) -> Any:
        return VOIDED_COLOR if row["voided"] else None

    def text(self, row: dict[str, Any], key: str) -> str:
        if key == "state":
            return f"已作废：{row['void_reason']}" if row["voided"] else "有效"
        if key == "document":
            to = f"（主送{row['recipient_label']}）" if row["recipient_label"] else ""
            return f"{row['kind_label']}{to}"
        return str(row.get(key) or "")


class DocumentsPanel(QWidget):
    """Issue, preview and print the documents of one case."""

    def __init__(self, runner: TaskRunner, case_number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.case_number = case_number
        self.kinds = DocumentKindsModel(self)
        self.numbers = IssuedNumbersModel(self)
        self.issued: IssuedLetter | None = None
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_controls())
        splitter.addWidget(self._build_output())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.refresh()

    # --- building ----------------------------------------------------------------------------------

    def _build_controls(self) -> QWidget:
        box = QGroupBox("出具文书")
        self.kind_list = QListView()
        self.kind_list.setModel(self.kinds)
        self.kind_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.kind_list.selectionModel().currentChanged.connect(lambda *_: self._selection_changed())
        self.kind_list.doubleClicked.connect(lambda _: self.generate())
        hint = QLabel("灰色的文书本案目前还不能出具，鼠标停在上面可查看原因。")
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.pdf_choice, self.docx_choice = QRadioButton("PDF（可预览、打印）"), QRadioButton("DOCX（Word/WPS 可修改）")
        self.pdf_choice.setChecked(True)
        self._formats = QButtonGroup(self)
        self._formats.addButton(self.pdf_choice)
        self._formats.addButton(self.docx_choice)
        self.recipient_caption = QLabel()
        self.recipient = QComboBox()
        for code, label in RECIPIENT_LABELS.items():
            self.recipient.addItem(label, code)
        self.generate_button = QPushButton("生成")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.volume_button = QPushButton("装订档案卷宗（PDF）")
        self.volume_button.setToolTip("封面、卷内文件目录、全部文书和证据材料、卷内备考表，连续编页号，可直接打印")
        self.volume_button.clicked.connect(self.bind_volume)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(box)
        layout.addWidget(self.kind_list, 1)
        layout.addWidget(hint)
        layout.addLayout(self._row(QLabel("格式："), self.pdf_choice, self.docx_choice))
        layout.addLayout(self._row(self.recipient_caption, self.recipient))
        layout.addWidget(self.generate_button)
        layout.addWidget(self.volume_button)
        layout.addWidget(self.status)
        column = QWidget()
        outer = QVBoxLayout(column)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box, 3)
        outer.addWidget(self._build_numbers(), 2)
        self._selection_changed()
        return column

    @staticmethod
    def _row(*widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _build_numbers(self) -> QWidget:
        box = QGroupBox("本案发文字号")
        self.numbers_view = QTableView()
        self.numbers_view.setModel(self.numbers)
        self.numbers_view.verticalHeader().hide()
        self.numbers_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.numbers_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.numbers_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The document's name is the long one: it takes the room left (cut short, whole in the tooltip).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.numbers_view.setWordWrap(False)
        self.numbers_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.no_numbers = QLabel("本案还没有编发文字号。")
        self.no_numbers.setProperty("role", "hint")
        layout = QVBoxLayout(box)
        layout.addWidget(self.numbers_view)
        layout.addWidget(self.no_numbers)
        return box

    def _build_output(self) -> QWidget:
        self.output = QStackedWidget()
        placeholder = QLabel("在左侧选择文书和格式，点击“生成”。\n生成的 PDF 在此预览，可直接打印。")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setProperty("role", "hint")
        self.preview = PdfPreview(self._runner)
        self.output.addWidget(placeholder)
        self.output.addWidget(self.preview)
        self.output.addWidget(self._build_docx_page())
        return self.output

    def _build_docx_page(self) -> QWidget:
        page = QWidget()
        self.docx_label = QLabel()
        self.docx_label.setWordWrap(True)
        self.docx_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.docx_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.docx_label.setFont(font)
        note = QLabel("DOCX 文件不能在本程序内预览。需要在程序内预览或直接打印时，请选择 PDF 格式生成。")
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        self.open_button = QPushButton("用 Word/WPS 打开")
        self.open_button.clicked.connect(self.open_document)
        self.docx_folder_button = QPushButton("打开所在文件夹")
        self.docx_folder_button.clicked.connect(self._open_folder)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.docx_label)
        layout.addLayout(self._row(self.open_button, self.docx_folder_button))
        layout.addWidget(note)
        layout.addStretch(2)
        return page

    # --- loading -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read again which documents the case is ready for and its numbers (after every action)."""
        number = self.case_number

        def load(ws: Any) -> tuple[list[DocumentChoice], list[dict[str, Any]]]:
            from core.services.letters import case_documents, case_numbers

            return case_documents(ws, number), case_numbers(ws, number)

        self._runner.run(load, lambda result: self._loaded(*result), parent=self)

    def _loaded(self, choices: list[DocumentChoice], numbers: list[dict[str, Any]]) -> None:
        kept = self.selected_kind()
        self.kinds.set_choices(choices)
        self._show_every_kind()
        row = self.kinds.row_of(kept) if kept else -1
        if row >= 0 and self.kinds.choices[row].ready:
            self.kind_list.setCurrentIndex(self.kinds.index(row))
        self._selection_changed()
        self.numbers.set_rows(numbers)
        self.numbers_view.setVisible(bool(numbers))
        self.no_numbers.setVisible(not numbers)

    def _show_every_kind(self) -> None:
        # The list is short and fixed: all of it in view, never a scroll bar hiding the last ones.
        rows = self.kinds.rowCount()
        if rows:
            height = self.kind_list.sizeHintForRow(0) * rows + 2 * self.kind_list.frameWidth() + 4
            self.kind_list.setMinimumHeight(height)

    # --- choosing ----------------------------------------------------------------------------------

    def selected_kind(self) -> str | None:
        index = self.kind_list.currentIndex()
        if not index.isValid() or not self.kinds.choices[index.row()].ready:
            return None
        return str(index.data(Qt.ItemDataRole.UserRole))

    def select_kind(self, kind: str) -> bool:
        """Select a document by its code; False when the case is not ready for it."""
        row = self.kinds.row_of(kind)
        if row < 0 or not self.kinds.choices[row].ready:
            return False
        self.kind_list.setCurrentIndex(self.kinds.index(row))
        return True

    def _choice(self) -> DocumentChoice | None:
        kind = self.selected_kind()
        row = self.kinds.row_of(kind) if kind else -1
        return self.kinds.choices[row] if row >= 0 else None

    def _selection_changed(self) -> None:
        choice = self._choice()
        recipients = choice.recipients if choice else ()
        self.recipient_caption.setText(RECIPIENT_CAPTIONS.get(choice.kind if choice else "", "主送："))
        self.recipient_caption.setVisible(bool(recipients))
        self.recipient.setVisible(bool(recipients))
        self.generate_button.setEnabled(choice is not None)
        self.generate_button.setToolTip("" if choice else "请先在上方选择一种可以出具的文书")

    def chosen_format(self) -> str:
        return "docx" if self.docx_choice.isChecked() else "pdf"

    def chosen_recipient(self) -> str | None:
        choice = self._choice()
        if choice is None or not choice.recipients:
            return None
        return str(self.recipient.currentData())

    # --- issuing -----------------------------------------------------------------------------------

    def generate(self) -> None:
        choice = self._choice()
        if choice is None:
            return
        number, kind, fmt, recipient = self.case_number, choice.kind, self.chosen_format(), self.chosen_recipient()

        def issue(ws: Any) -> IssuedLetter:
            from core.services.letters import issue_to_folder

            return issue_to_folder(ws, number, kind, fmt, recipient=recipient)

        self.generate_button.setEnabled(False)
        self.status.setText(f"正在生成{choice.label}…")
        self._runner.run(issue, self._issued, on_error=self._failed, parent=self, label="正在生成公文…")

    def _issued(self, issued: IssuedLetter) -> None:
        self.issued = issued
        self._selection_changed()
        numbered = f"，发文字号 {issued.number}" if issued.number else ""
        self.status.setText(f"已生成{issued.label}（{issued.format.upper()}{numbered}）。")
        if issued.format == "pdf":
            self.preview.show_pdf(issued.path, f"{issued.label}{numbered}")
            self.output.setCurrentWidget(self.preview)
        else:
            self.docx_label.setText(f"已生成 Word 文件：\n{issued.path.name}")
            self.output.setCurrentIndex(2)
        self.refresh()     # a new number, perhaps

    def bind_volume(self) -> None:
        """The case's archive volume, into the case's documents folder, shown here to print."""
        number = self.case_number

        def bind(ws: Any) -> Any:
            from core.services.archive_volume import build_volume
            from core.services.letters import documents_folder

            return build_volume(ws, number, documents_folder(ws, number, "") / f"档案卷宗-{number}.pdf")

        self.status.setText("正在装订档案卷宗…")
        self._runner.run(bind, self._bound, on_error=self._failed, parent=self, label="正在装订档案卷宗…")

    def _bound(self, volume: Any) -> None:
        self.volume = volume
        self.status.setText(f"已装订档案卷宗 {volume.volume_number}：共 {volume.pages} 页（装订页 {volume.bound_pages} 页），"
                            f"{len(volume.items)} 份材料。")
        self.preview.show_pdf(volume.path, f"档案卷宗 {volume.volume_number}")
        self.output.setCurrentWidget(self.preview)

    def _failed(self, error: UserError) -> None:
        self._selection_changed()
        self.status.clear()
        prompts.error(self, error.message)

    def open_document(self) -> None:
        if self.issued is not None:
            self._open(self.issued.path)

    def _open_folder(self) -> None:
        if self.issued is not None:
            self._open(self.issued.path.parent)

    def _open(self, path: Path) -> None:
        desktop.open_path(path)     # says so itself when no program opens it
