"""Who is working: the first start (office profile and administrator) and the sign-in later."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import UserError, ValidationError
from gui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from gui.tasks import TaskRunner

ORGAN_KINDS = ("纪检监察机关", "组织部门")


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setWordWrap(True)
    return label


class FirstStartDialog(QDialog):
    """The very first start: who this office is, and the administrator's own password."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, restore_into: Path | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.officer: Any = None
        self.restored: Any = None
        self.restore_into = restore_into
        self.setWindowTitle("初始设置")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("欢迎使用容错免责案件办理系统。请先填写本机关的信息，并设置管理员的姓名和密码。"
                       "密码由您自己设定，系统不保存明文，请妥善保管。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, example in (("organ_name", "机关名称", "中共贺兰县纪律检查委员会"),
                                    ("letterhead", "发文机关标志", "中共贺兰县纪委 贺兰县监委"),
                                    ("code_prefix", "机关代字（用于发文字号）", "贺纪")):
            edit = QLineEdit()
            edit.setPlaceholderText(f"例如：{example}")
            edit.setObjectName(key)
            self.fields[key] = edit
            form.addRow(label, edit)
        self.organ_kind = QComboBox()
        self.organ_kind.addItems(ORGAN_KINDS)
        form.addRow("机关类型", self.organ_kind)
        self.admin_name = QLineEdit()
        self.admin_name.setObjectName("admin_name")
        self.admin_name.setPlaceholderText("管理员的真实姓名，将记入每条操作记录")
        self.password, self.repeated = password_edit(), password_edit()
        self.password.setPlaceholderText("至少 8 位")
        form.addRow("管理员姓名", self.admin_name)
        form.addRow("密码", self.password)
        form.addRow("再次输入密码", self.repeated)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("完成设置")
        if restore_into is not None:
            # A new computer for an office that already has data: start from its backup instead.
            restore = buttons.addButton("从备份恢复…", QDialogButtonBox.ButtonRole.ResetRole)
            restore.setToolTip("本机尚无数据：可以把另一台电脑上备份的全部数据恢复到这里")
            restore.clicked.connect(self.restore)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def restore(self) -> None:
        from gui.backup_ui import restore_into

        if self.restore_into is not None:
            restore_into(self.runner, self.restore_into, self, self._restored)

    def _restored(self, result: Any) -> None:
        self.restored = result
        self.accept()

    def submit(self) -> None:
        from core.services.users import first_start

        office = {key: edit.text().strip() for key, edit in self.fields.items()}
        office["organ_kind"] = self.organ_kind.currentText()
        name, password, repeated = self.admin_name.text().strip(), self.password.text(), self.repeated.text()
        self.error.clear()
        self.runner.run(lambda ws: first_start(ws, office, name, password, repeated), self._done,
                        on_error=self._refused, parent=self)

    def _done(self, officer: Any) -> None:
        self.officer = officer
        self.accept()

    def _refused(self, exc: UserError) -> None:
        self.error.setText(exc.message)
        target = getattr(exc, "field", "") if isinstance(exc, ValidationError) else ""
        widget = {"name": self.admin_name, "password": self.password, "password_repeated": self.repeated}.get(
            target, self.fields.get(target))
        if widget is not None:
            widget.setFocus()


class SignInDialog(QDialog):
    """Later starts: pick your name, type your password."""

    def __init__(self, runner: TaskRunner, names: list[str], office_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.officer: Any = None
        self.setWindowTitle("登录")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        title = QLabel(office_name or "容错免责案件办理系统")
        title.setProperty("role", "title")
        layout.addWidget(title)
        form = QFormLayout()
        self.name = QComboBox()
        self.name.setObjectName("name")
        self.name.addItems(names)
        self.password = password_edit()
        self.password.setObjectName("password")
        form.addRow("经办人", self.name)
        form.addRow("密码", self.password)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def submit(self) -> None:
        from core.services.users import sign_in

        name, password = self.name.currentText(), self.password.text()
        self.runner.run(lambda ws: sign_in(ws, name, password), self._done, on_error=self._refused, parent=self)

    def _done(self, officer: Any) -> None:
        self.officer = officer
        self.accept()

    def _refused(self, exc: UserError) -> None:
        self.error.setText(exc.message)
        self.password.selectAll()
        self.password.setFocus()
