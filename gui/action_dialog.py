"""One dialog per action of the procedure, built from field descriptions. It checks as the
officer types (the core's own rules, in a transaction that is rolled back) and shows each message
beside its field; "确定" carries the action out, or keeps the dialog open with the reason."""
from __future__ import annotations

from datetime import date
from typing import Any

from core.errors import UserError, ValidationError
from core.workflow import ACTION_LABELS
from gui.form_fields import (
    CHECKS,
    CHOICE,
    DATE,
    EDITABLE_CHOICE,
    FILES,
    LONG_TEXT,
    NUMBER,
    Field,
    add_field_row,
    widget_value,
)
from gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gui.tasks import TaskRunner

CHECK_DELAY_MS = 400
DELIVERY_METHODS = ["直接送达", "邮寄送达", "委托送达", "留置送达"]
RETENTION_PERIODS = ["永久", "长期", "30年", "10年"]
DATE_LABELS = {"accept": "受理日期", "reject": "决定日期", "withdraw": "撤回日期", "extend": "批准日期",
               "note": "谈话（调查）日期", "evidence": "收到日期", "expert": "评估日期", "report": "报告日期",
               "determine": "认定日期", "deliver": "送达日期", "archive": "归档日期", "reopen": "重新打开日期"}


def action_fields(action: str, details: dict[str, Any], policy: Any) -> list[Field]:
    """What the officer fills in for ``action`` on this case (keys as ``perform_action`` takes them)."""
    on = Field("date", DATE_LABELS[action], DATE)
    outcomes = [(o.code, o.label) for o in policy.outcomes]
    specs: dict[str, list[Field]] = {
        "accept": [
            Field("suspension", "暂缓追责方式", CHOICE, [("self", "本机关暂缓追责"), ("notice", "通知有关部门暂缓追责")],
                  default="self" if details["accountability"]["by_self"] else "notice"),
            Field("notified_department", "通知暂缓追责的部门", hint=details["accountability"]["organ"]),
            Field("clues", "问题线索", CHOICE, [("single", "单一问题线索"), ("other", "另有其他问题线索")]),
            Field("other_clues", "其他线索及继续调查情况", LONG_TEXT, height=60),
            *([Field("late_reason", "逾期申请予以受理的理由", LONG_TEXT, height=60, required=True)]
              if details["late_application"] else []),
        ],
        "reject": [Field("reason", "不予受理的理由", LONG_TEXT, required=True)],
        "withdraw": [Field("reason", "撤回理由", LONG_TEXT, default="申请人撤回申请")],
        "extend": [Field("days", "延长的工作日数", NUMBER, default=10, maximum=policy.verification_limit_days),
                   Field("reason", "延长理由", LONG_TEXT, required=True),
                   Field("approver", "批准人", required=True)],
        "note": [Field("interviewee", "被谈话（调查）人"), Field("interviewers", "谈话（调查）人"),
                 Field("recorder", "记录人"), Field("place", "地点"),
                 Field("text", "笔录内容", LONG_TEXT, height=220, required=True)],
        "evidence": [Field("title", "证据材料名称", required=True), Field("source", "材料来源"),
                     Field("pages", "页数", NUMBER), Field("description", "说明", LONG_TEXT, height=60),
                     Field("files", "附件", FILES)],
        "expert": [Field("kind", "评估方式", CHOICE, [("expert", "专家讨论评估"), ("department", "有关部门评估")]),
                   Field("participants", "参加评估的专家或部门", required=True),
                   Field("opinion", "评估意见", LONG_TEXT, height=160, required=True)],
        "report": _report_fields(details, policy, outcomes),
        "determine": [Field("outcome", "认定结果", CHOICE, outcomes,
                            default=(details["reports"][-1]["proposal"] if details["reports"] else None)),
                      Field("reasoning", "认定理由", LONG_TEXT, height=160, required=True),
                      Field("approver", "审批人", required=True)],
        "deliver": [Field("to", "送达对象", CHOICE, [("organ", "问责实施机关"), ("applicant", "申请单位或个人")],
                          default=_undelivered(details)),
                    Field("recipient_name", "受送达人", hint="不填则为问责实施机关或申请人名称"),
                    Field("method", "送达方式", EDITABLE_CHOICE, [(m, m) for m in DELIVERY_METHODS]),
                    Field("receipt", "回执（签收人或回证编号）")],
        "archive": [Field("volume_number", "卷号"),
                    Field("retention_period", "保管期限", EDITABLE_CHOICE, [(p, p) for p in RETENTION_PERIODS]),
                    Field("classification", "密级", hint="不涉密可不填")],
        "reopen": [Field("reason", "重新打开的理由", LONG_TEXT, required=True)],
    }
    return [on, *specs[action]]


def _report_fields(details: dict[str, Any], policy: Any, outcomes: list[tuple[str, str]]) -> list[Field]:
    applied = set(details["situations"])
    analysis = [Field(f"analysis.{s.no}", f"对照容错情形（{s.no}）{s.short}", LONG_TEXT, height=60)
                for s in policy.situations if s.no in applied]
    distinctions = [Field(f"distinction.{d.no}", f"三个区分开来（{d.no}）{d.short}", LONG_TEXT, height=50)
                    for d in policy.distinctions]
    return [Field("findings", "查明的事实", LONG_TEXT, height=140, required=True), *analysis,
            Field("exclusions", "存在的不得容错情形", CHECKS, [(str(e.no), f"（{e.no}）{e.short}") for e in policy.exclusions]),
            *distinctions, Field("proposal", "拟认定意见", CHOICE, outcomes)]


def _undelivered(details: dict[str, Any]) -> str:
    done = {d["recipient"] for d in details["deliveries"]}
    return "applicant" if "organ" in done else "organ"


class ActionDialog(QDialog):
    done = Signal(object)     # the ActionResult

    def __init__(self, runner: TaskRunner, number: str, action: str, details: dict[str, Any], policy: Any,
                 today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.number, self.action = runner, number, action
        self.setWindowTitle(f"{ACTION_LABELS[action]} — 案件 {number}")
        self.setObjectName(f"action-{action}")
        self.specs = action_fields(action, details, policy)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._checks = 0                  # only the newest check's answer is shown
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self._build(today)
        self.resize(640, min(760, 160 + sum(s.height if s.kind == LONG_TEXT else 40 for s in self.specs)))

    def _build(self, today: date) -> None:
        layout = QVBoxLayout(self)
        form_host = QWidget()
        form = QFormLayout(form_host)
        for spec in self.specs:
            self.widgets[spec.key], self.errors[spec.key] = add_field_row(form, spec, today, self._timer.start)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        layout.addWidget(scroll, 1)
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.setProperty("role", "error")
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setProperty("role", "hint")
        layout.addWidget(self.general)
        layout.addWidget(self.warnings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ACTION_LABELS[self.action])
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, dict[str, Any]]:
        fields = {key: widget_value(w) for key, w in self.widgets.items()}
        on = fields.pop("date")
        if "exclusions" in fields:
            fields["exclusions"] = [int(x) for x in fields["exclusions"]]
        return on, {k: v for k, v in fields.items() if v not in ("", [], None) or k == "exclusions"}

    def check(self) -> None:
        """Ask the core whether the form as typed would be accepted (nothing is saved)."""
        from core.services.actions import check_action

        self._checks += 1
        ticket = self._checks
        on, fields = self.values()
        self.runner.run(lambda ws: check_action(ws, self.number, self.action, on, fields),
                        lambda result: ticket == self._checks and self._show(None, result.warnings),
                        on_error=lambda exc: ticket == self._checks and self._show(exc, []))

    def submit(self) -> None:
        from core.services.actions import perform_action

        self._timer.stop()
        self._checks += 1       # a check still under way must not overwrite the outcome
        on, fields = self.values()
        self.runner.run(lambda ws: perform_action(ws, self.number, self.action, on, fields), self._performed,
                        on_error=lambda exc: self._show(exc, []), parent=self,
                        label=f"正在{ACTION_LABELS[self.action]}…")

    def _performed(self, result: Any) -> None:
        self.done.emit(result)
        self.accept()

    def _show(self, exc: UserError | None, warnings: list[str]) -> None:
        for label in self.errors.values():
            label.hide()
        self.general.setText("")
        self.warnings.setText("\n".join(f"提示：{w}" for w in warnings))
        if exc is None:
            return
        key = self._field_key(exc)
        if key is not None:
            self.errors[key].setText(exc.message)
            self.errors[key].show()
        else:
            self.general.setText(exc.message)

    def _field_key(self, exc: UserError) -> str | None:
        if not isinstance(exc, ValidationError):
            return None
        if exc.field in self.errors:
            return exc.field
        prefix = {"situation_analysis": "analysis.", "distinctions": "distinction."}.get(exc.field)
        return next((k for k in self.errors if prefix and k.startswith(prefix)), None)

    def error_text(self) -> str:
        """Every message the form shows now (for tests and the crash log)."""
        texts = [label.text() for label in self.errors.values() if label.isVisibleTo(self)]
        return "\n".join(t for t in [*texts, self.general.text()] if t)
