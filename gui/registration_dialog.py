"""Registering a written application: applicant, the cadres concerned, the accountability it
answers, and what is asked. Checked as the officer types with the same rules the registration
applies; nothing is saved until every field is acceptable."""
from __future__ import annotations

from typing import Any

from core.errors import UserError, ValidationError
from gui.form_fields import CHECKS, CHOICE, DATE, LONG_TEXT, Field, add_field_row, widget_value
from gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gui.tasks import TaskRunner

CHECK_DELAY_MS = 500
GENDERS = [("", "按身份证号码"), ("男", "男"), ("女", "女")]


def applicant_fields() -> list[Field]:
    return [Field("applicant.kind", "申请人类型", CHOICE, [("person", "个人"), ("unit", "单位")]),
            Field("applicant.name", "申请人名称", required=True, hint="个人姓名或单位全称"),
            Field("applicant.id_number", "身份证号码（个人）"), Field("applicant.credit_code", "统一社会信用代码（单位）"),
            Field("applicant.contact_person", "联系人"), Field("applicant.phone", "联系电话"),
            Field("applicant.address", "地址")]


def case_fields(policy: Any, organ_kind: str) -> list[Field]:
    return [Field("accountability.organ", "问责实施机关", required=True),
            Field("accountability.started_on", "启动追责日期", DATE, required=True),
            Field("accountability.matter", "追责事项", LONG_TEXT, height=60, required=True),
            Field("accountability.by_self", "追责由本机关实施", CHOICE, [(False, "否"), (True, "是")]),
            Field("received_on", "收到书面申请日期", DATE, required=True),
            Field("handled_by", "受理机关类型", CHOICE, [(k, k) for k in ("纪检监察机关", "组织部门")], default=organ_kind),
            Field("situations", "申请适用的容错情形", CHECKS, [(str(s.no), f"（{s.no}）{s.short}") for s in policy.situations],
                  required=True),
            Field("statement", "申请理由", LONG_TEXT, height=120, required=True),
            Field("materials", "提交的材料（每行一项）", LONG_TEXT, height=60)]


def cadre_fields(policy: Any, index: int) -> list[Field]:
    key = f"cadres[{index}]"
    return [Field(f"{key}.name", "姓名", required=True), Field(f"{key}.id_number", "身份证号码", required=True),
            Field(f"{key}.gender", "性别", CHOICE, GENDERS), Field(f"{key}.political_status", "政治面貌"),
            Field(f"{key}.unit", "工作单位", required=True), Field(f"{key}.position", "职务"), Field(f"{key}.rank", "职级"),
            Field(f"{key}.organ_type", "单位类型", CHOICE, [(t, t) for t in policy.organ_types]),
            Field(f"{key}.staff_type", "人员类别", CHOICE, [(t, t) for t in policy.staff_types]),
            Field(f"{key}.management_authority", "干部管理权限")]


class RegistrationDialog(QDialog):
    registered = Signal(str)       # the new case number

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle("登记容错免责申请")
        self.setObjectName("registration")
        self.resize(820, 740)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.cadre_count = 0
        self.policy: Any = None
        self._checks = 0
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        layout = QVBoxLayout(self)
        self.body = QVBoxLayout()
        host = QWidget()
        host.setLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        layout.addWidget(scroll, 1)
        self.general = QLabel()
        self.general.setProperty("role", "error")
        self.general.setWordWrap(True)
        self.hints = QLabel()
        self.hints.setProperty("role", "hint")
        self.hints.setWordWrap(True)
        layout.addWidget(self.general)
        layout.addWidget(self.hints)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        runner.run(self._context, self._build, parent=self)

    @staticmethod
    def _context(ws: Any) -> tuple[Any, str, Any]:
        return ws.policy(), ws.office().organ_kind, ws.today()

    def _build(self, context: tuple[Any, str, Any]) -> None:
        self.policy, organ_kind, self.today = context
        self.body.addWidget(self._group("申请人", applicant_fields()))
        self.cadre_box = QVBoxLayout()
        cadres = QGroupBox("涉及的干部")
        column = QVBoxLayout(cadres)
        column.addLayout(self.cadre_box)
        add = QPushButton("再添加一名干部")
        add.clicked.connect(self.add_cadre)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        column.addLayout(row)
        self.body.addWidget(cadres)
        self.add_cadre()
        self.body.addWidget(self._group("追责与申请", case_fields(self.policy, organ_kind)))
        self.body.addStretch(1)

    def _group(self, title: str, specs: list[Field]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        self._add_rows(form, specs)
        return box

    def _add_rows(self, form: QFormLayout, specs: list[Field]) -> None:
        for spec in specs:
            self.widgets[spec.key], self.errors[spec.key] = add_field_row(form, spec, self.today, self._timer.start)

    def add_cadre(self) -> None:
        self.cadre_count += 1
        box = QGroupBox(f"第 {self.cadre_count} 名")
        form = QFormLayout(box)
        self._add_rows(form, cadre_fields(self.policy, self.cadre_count))
        self.cadre_box.addWidget(box)

    # --- the data -------------------------------------------------------------------------------

    def application(self) -> dict[str, Any]:
        """The form as the dict ``register_case`` takes."""
        values = {key: widget_value(w) for key, w in self.widgets.items()}
        data: dict[str, Any] = {"applicant": {}, "accountability": {}, "cadres": []}
        for key, value in values.items():
            if key.startswith("cadres["):
                continue
            section, _, name = key.partition(".")
            if name:
                data[section][name] = value
            else:
                data[key] = value
        data["situations"] = [int(s) for s in data["situations"]]
        data["materials"] = [m.strip() for m in data["materials"].splitlines() if m.strip()]
        for i in range(1, self.cadre_count + 1):
            prefix = f"cadres[{i}]."
            cadre = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
            if any(str(v).strip() for k, v in cadre.items() if k not in ("gender", "organ_type", "staff_type")):
                data["cadres"].append({k: v for k, v in cadre.items() if v != ""})
        return data

    def check(self) -> None:
        from core.services.registration import validate_application

        self._checks += 1
        ticket, data = self._checks, self.application()
        self.runner.run(lambda ws: validate_application(data, ws.policy(), ws.today())[1],
                        lambda warnings: ticket == self._checks and self._show(None, warnings),
                        on_error=lambda exc: ticket == self._checks and self._show(exc, []))

    def submit(self) -> None:
        from core.services.registration import register_case

        self._timer.stop()
        self._checks += 1
        data = self.application()
        self.runner.run(lambda ws: register_case(ws, data), self._registered, on_error=lambda exc: self._show(exc, []),
                        parent=self, label="正在登记…")

    def _registered(self, registration: Any) -> None:
        from gui import prompts

        if registration.warnings:
            prompts.warning(self, "已登记，案件编号 " + registration.number + "。\n" + "\n".join(registration.warnings))
        self.registered.emit(registration.number)
        self.accept()

    def _show(self, exc: UserError | None, warnings: list[str]) -> None:
        for label in self.errors.values():
            label.hide()
        self.general.setText("")
        self.hints.setText("\n".join(f"提示：{w}" for w in warnings))
        if exc is None:
            return
        key = exc.field if isinstance(exc, ValidationError) else None
        if key == "cadres":
            key = "cadres[1].name"
        if key in self.errors:
            self.errors[key].setText(exc.message)
            self.errors[key].show()
            widget = self.widgets[key]
            scroll = self.findChild(QScrollArea)
            if scroll is not None:
                scroll.ensureWidgetVisible(widget)
        else:
            self.general.setText(exc.message)
