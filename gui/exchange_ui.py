"""Exporting cases to a USB stick, checking a package, and importing one from another office."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from core.sealing import MIN_PASSWORD
from gui import prompts
from gui.qt import (
    QButtonGroup,
    QCheckBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from gui.tasks import TaskRunner

PACKAGE_FILTER = "容错免责数据包 (*.zip);;所有文件 (*)"


class ExportDialog(QDialog):
    """Which cases, to which folder, with or without a password."""

    def __init__(self, runner: TaskRunner, selected: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.selected = runner, selected
        self.result_: Any = None
        self.setWindowTitle("导出到 U 盘")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.scope = QButtonGroup(self)
        self.chosen = QRadioButton(f"所选案件（{len(selected)} 件：{'、'.join(selected[:5])}{'…' if len(selected) > 5 else ''}）")
        self.chosen.setEnabled(bool(selected))
        self.everything = QRadioButton("全部案件")
        self.changed = QRadioButton("某日以来有变动的案件：")
        self.since = QDateEdit()
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        for i, button in enumerate((self.chosen, self.everything, self.changed)):
            self.scope.addButton(button, i)
        (self.chosen if selected else self.everything).setChecked(True)
        layout.addWidget(self.chosen)
        layout.addWidget(self.everything)
        row = QHBoxLayout()
        row.addWidget(self.changed)
        row.addWidget(self.since)
        self.last_note = QLabel()
        self.last_note.setProperty("role", "hint")
        row.addWidget(self.last_note)
        row.addStretch(1)
        layout.addLayout(row)
        form = QFormLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("选择 U 盘或文件夹")
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form.addRow("保存到", folder_row)
        self.encrypt = QCheckBox("加密（SM4，凭密码才能读取；U 盘丢失也不会泄露姓名和身份证号码）")
        self.password, self.repeated = QLineEdit(), QLineEdit()
        for edit in (self.password, self.repeated):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setEnabled(False)
        self.password.setPlaceholderText(f"至少 {MIN_PASSWORD} 位")
        self.encrypt.toggled.connect(self.password.setEnabled)
        self.encrypt.toggled.connect(self.repeated.setEnabled)
        form.addRow("", self.encrypt)
        form.addRow("密码", self.password)
        form.addRow("再次输入密码", self.repeated)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导出")
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        runner.run(self._last_export_and_today, self._show_last, parent=self)

    @staticmethod
    def _last_export_and_today(ws: Any) -> tuple[Any, date]:
        from core.services.exchange import last_export

        return last_export(ws), ws.today()

    def _show_last(self, found: tuple[Any, date]) -> None:
        last, today = found
        start = last.at.date() if last else today.replace(day=1)
        self.since.setDate(QDate(start.year, start.month, start.day))
        self.last_note.setText(f"（上次导出：{last.at:%Y-%m-%d %H:%M}）" if last else "（本机尚未导出过）")

    def _browse(self) -> None:
        folder = prompts.choose_dir(self, "选择导出到的 U 盘或文件夹")
        if folder is not None:
            self.folder.setText(str(folder))

    def export(self) -> None:
        from core.services.exchange import export_cases

        self.error.clear()
        if not self.folder.text().strip():
            self.error.setText("请选择导出到的 U 盘或文件夹")
            return
        password = None
        if self.encrypt.isChecked():
            password = self.password.text()
            if password != self.repeated.text():
                self.error.setText("两次输入的密码不一致")
                return
        folder = Path(self.folder.text().strip())
        numbers = list(self.selected) if self.chosen.isChecked() else None
        since = date.fromisoformat(self.since.date().toString("yyyy-MM-dd")) if self.changed.isChecked() else None
        self.runner.run_with_progress(lambda ws, progress: export_cases(ws, numbers, since, folder, password, progress),
                                      self._exported, label="正在导出…", parent=self,
                                      on_error=lambda exc: self.error.setText(exc.message))

    def _exported(self, result: Any) -> None:
        self.result_ = result
        notes = "".join(f"\n注意：{w}" for w in result.warnings)
        prompts.info(self, f"已导出 {len(result.cases)} 件案件到：\n{result.path}\n"
                           f"{'已加密。' if result.encrypted else '未加密。'}导出后已逐一校验。{notes}")
        self.accept()


def verify_flow(runner: TaskRunner, parent: QWidget | None) -> None:
    """Check a package (e.g. before carrying it away) and say what it holds."""
    from core.services.exchange import verify_package

    path = prompts.open_file(parent, "选择要检查的数据包", PACKAGE_FILTER)
    if path is None:
        return

    def checked(info: Any) -> None:
        if info.encrypted and not info.contents_checked:
            password = prompts.ask_text(parent, "数据包已加密。输入密码可检查其中每个文件（留空只检查外层）：", secret=True)
            if password:
                runner.run(lambda _ws: verify_package(path, password), checked, parent=parent, label="正在检查…")
                return
        prompts.info(parent, describe_package(info))

    runner.run(lambda _ws: verify_package(path), checked, parent=parent, label="正在检查数据包…")


def describe_package(info: Any) -> str:
    cases = "、".join(c.number for c in info.cases[:10]) + ("…" if len(info.cases) > 10 else "")
    checked = "每个文件的 SHA-256 和 SM3 均已核对无误" if info.contents_checked else "外层完整；内容需密码才能核对"
    return (f"数据包完好：{info.path.name}\n来自：{info.organ or info.code_prefix}（{info.created_at or '时间不详'}）\n"
            f"案件 {len(info.cases)} 件：{cases}\n{'已加密，' if info.encrypted else ''}{checked}。")


def import_flow(runner: TaskRunner, parent: QWidget | None, on_done: Any = None) -> None:
    """Check the package first, ask its password if it has one, merge, then show what happened —
    and let the officer decide about conflicts, which are never overwritten silently."""
    from core.services.exchange import verify_package

    path = prompts.open_file(parent, "选择要导入的数据包", PACKAGE_FILTER)
    if path is None:
        return

    def checked(info: Any) -> None:
        password = None
        if info.encrypted:
            password = prompts.ask_text(parent, f"{path.name} 已加密，请输入密码：", secret=True)
            if password is None:
                return
        _import(runner, parent, path, password, False, on_done)

    runner.run(lambda _ws: verify_package(path), checked, parent=parent, label="正在检查数据包…")


def _import(runner: TaskRunner, parent: QWidget | None, path: Path, password: str | None, replace: bool,
            on_done: Any) -> None:
    from core.services.exchange import import_package

    def imported(result: Any) -> None:
        prompts.info(parent, describe_import(result))
        if on_done is not None:
            on_done(result)
        if result.conflicts and not replace and prompts.confirm(
                parent, f"有 {len(result.conflicts)} 件案件两边都有不同的改动，未导入。\n"
                        "是否用数据包中的版本替换本机的这些案件（替换前的内容保留在审计记录中）？"):
            _import(runner, parent, path, password, True, on_done)

    runner.run_with_progress(lambda ws, progress: import_package(ws, path, password, progress,
                                                                 replace_conflicting=replace),
                             imported, label="正在导入…", parent=parent)


def describe_import(result: Any) -> str:
    lines = [f"导入完成（{result.info.organ or result.info.code_prefix}）："]
    for label, items in (("新增", result.new), ("更新", result.updated), ("替换", result.replaced)):
        if items:
            renumbered = [f"{c.source_number}→{c.number}" for c in items if c.renumbered]
            lines.append(f"{label} {len(items)} 件" + (f"（重新编号：{'、'.join(renumbered)}）" if renumbered else ""))
    if result.skipped:
        lines.append(f"跳过 {len(result.skipped)} 件（本机已有相同或更新的内容）")
    for conflict in result.conflicts:
        lines.append(f"冲突：{conflict.number}（本机 {conflict.local_number or '无'}）：{'；'.join(conflict.reasons)}")
    lines += [f"注意：{w}" for w in result.warnings]
    return "\n".join(lines)
